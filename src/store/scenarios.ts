import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { parseStateDocument, unwrapStateEnvelope } from "./state-document.js";
import { badRequest } from "../errors.js";
import type { State } from "./schema.js";
import { seedState, type ScenarioRecipe } from "./seed.js";
import { seedScheduling } from "./seed-scheduling.js";

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const RECIPE_SCHEMA_PATH = fileURLToPath(new URL("../../spec/scenario.schema.json", import.meta.url));

let recipeValidator: ValidateFunction | undefined;

export function scenarioNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** The file behind a scenario: a built-in name (fixtures/NAME.json) or a path to a file of the user's own. */
export function scenarioFile(nameOrPath: string): string {
  const isPath = nameOrPath.includes("/") || nameOrPath.includes("\\") || nameOrPath.endsWith(".json");
  const file = isPath ? resolve(nameOrPath) : `${FIXTURES_DIR}${nameOrPath}.json`;
  if ((!isPath && !/^[\w-]+$/.test(nameOrPath)) || !existsSync(file)) {
    throw badRequest(`Unknown scenario "${nameOrPath}". Built-in scenarios: ${scenarioNames().join(", ")}; or give the path to a scenario file.`);
  }
  return file;
}

function validRecipe(doc: unknown, file: string): ScenarioRecipe {
  recipeValidator ??= new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(RECIPE_SCHEMA_PATH, "utf8")) as object);
  if (!recipeValidator(doc)) {
    const problems = (recipeValidator.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
    throw badRequest(`Invalid scenario recipe ${file}: ${problems.join("; ")}`);
  }
  return doc as ScenarioRecipe;
}

/**
 * The state a scenario gives for a seed. A scenario file is either a recipe (spec/scenario.schema.json), seeded
 * here, or a whole state document (spec/state.schema.json, bare or as GET /__admin/state answers it), validated
 * like PUT /__admin/state and used as it is. `now` is the clock's time: seeded bookings lie around its day.
 */
export function scenarioState(nameOrPath: string, seed: number, now: number = Date.now()): State {
  const file = scenarioFile(nameOrPath);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw badRequest(`Scenario file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  // The scenario is remembered as it was named, so a restart with the same --scenario finds the file's state its own.
  const meta = { seed, scenario: nameOrPath };
  // A state saved from GET /__admin/state keeps its envelope; it is a state document all the same.
  const state = unwrapStateEnvelope(doc);
  const isStateDocument = typeof state === "object" && state !== null && "memberships" in state;
  if (isStateDocument) return { ...parseStateDocument(state, meta, `scenario file ${file}`), meta };
  const recipe = validRecipe(doc, file);
  const seeded = seedState(recipe, seed);
  // The scheduling core is laid around the clock's day: the same seed and clock give the same state.
  seedScheduling(seeded, recipe, seed, now);
  return { ...seeded, meta };
}
