import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { badRequest } from "../errors.js";
import type { State } from "./schema.js";
import { seedState, type ScenarioRecipe } from "./seed.js";

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export function scenarioNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** A built-in scenario's name (a file in fixtures/) or the path to a scenario file of the user's own. */
export function loadRecipe(nameOrPath: string): ScenarioRecipe {
  const isPath = nameOrPath.includes("/") || nameOrPath.endsWith(".json");
  const file = isPath ? nameOrPath : `${FIXTURES_DIR}${nameOrPath}.json`;
  if (!/^[\w./-]+$/.test(nameOrPath) || !existsSync(file)) {
    throw badRequest(`Unknown scenario "${nameOrPath}". Built-in scenarios: ${scenarioNames().join(", ")}; or give the path to a scenario file.`);
  }
  let recipe: ScenarioRecipe;
  try {
    recipe = JSON.parse(readFileSync(file, "utf8")) as ScenarioRecipe;
  } catch (err) {
    throw badRequest(`Scenario file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(recipe.organizations)) throw badRequest(`Scenario file ${file} has no "organizations" list`);
  return recipe;
}

export function scenarioState(nameOrPath: string, seed: number): State {
  return seedState(loadRecipe(nameOrPath), seed);
}
