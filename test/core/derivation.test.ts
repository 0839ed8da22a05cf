import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { derive } from "../../src/contract/derive/index.js";
import type { JsonObject } from "../../src/contract/derive/walk.js";
import { makeTempDir } from "../support/harness.js";

/** `npm run spec:derive` on a small document written for the test, with the defects Cal.com's has. */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const published = {
  openapi: "3.0.0",
  info: { title: "Cal.com API v2", description: "prose", version: "1.0.0" },
  tags: [],
  servers: [],
  paths: {
    "/v2/teams/{teamId}/things": {
      get: {
        operationId: "ThingsController_list",
        summary: "List things",
        description: "Long prose about things.",
        tags: ["Things"],
        parameters: [
          { name: "Authorization", in: "header", required: true, description: "Bearer cal_…", schema: { type: "string" } },
          { name: "cal-api-version", in: "header", required: true, schema: { type: "string", default: "2024-08-13" } },
          { name: "teamId", in: "path", required: true, schema: { type: "number" } },
          { name: "ids", in: "query", required: false, schema: { type: "array", items: { type: "number" } } },
          { name: "ghost", in: "path", required: true, schema: { type: "string" } },
        ],
        responses: { "200": { description: "", content: { "application/json": { schema: { $ref: "#/components/schemas/ThingsOutput" } } } } },
      },
    },
  },
  components: {
    schemas: {
      ThingsOutput: {
        type: "object",
        properties: {
          status: { type: "string", enum: ["success", "error"], example: "success" },
          data: { type: "array", items: { oneOf: [{ $ref: "#/components/schemas/Thing" }, { $ref: "#/components/schemas/Missing" }] } },
        },
        required: ["status", "data"],
      },
      Thing: {
        type: "object",
        description: "A thing.",
        properties: {
          id: { type: "number", example: 7 },
          description: { type: "string", example: "kept: a property named description" },
          isDefault: { type: "object", example: true },
          at: { type: "string", pattern: "TIME_FORMAT_HH_MM", example: "09:30" },
          phone: { type: "string", pattern: "/^\\+[1-9]\\d{1,14}$/" },
          kind: { oneOf: [{ type: "string" }, { type: "number" }] },
          count: { type: "number", example: "thirty" },
        },
      },
    },
  },
};

const run = () => derive(structuredClone(published) as unknown as JsonObject, [], "small.json", JSON.stringify(published));

describe("the derivation", () => {
  const { doc, report } = run();
  const op = ((doc.paths as JsonObject)["/v2/teams/{teamId}/things"] as JsonObject).get as JsonObject;
  const params = op.parameters as JsonObject[];
  const schemas = (doc.components as JsonObject).schemas as Record<string, JsonObject>;
  const thing = schemas.Thing!.properties as Record<string, JsonObject>;

  it("writes the same bytes for the same input", () => {
    const again = run();
    expect(JSON.stringify(again.doc)).toBe(JSON.stringify(doc));
    expect(again.report).toBe(report);
  });

  it("repairs the published defects", () => {
    const items = ((schemas.ThingsOutput!.properties as Record<string, JsonObject>).data!.items as JsonObject);
    expect(items).toEqual({ anyOf: [{ $ref: "#/components/schemas/Thing" }] });
    expect(thing.isDefault).toMatchObject({ type: "boolean" });
    expect(thing.at!.pattern).toBe("^([01]\\d|2[0-3]):[0-5]\\d$");
    expect(thing.phone!.pattern).toBe("^\\+[1-9]\\d{1,14}$");
    expect(thing.kind).toEqual({ anyOf: [{ type: "string" }, { type: "number" }] });
    expect(thing.count).toEqual({ type: "number" });
    expect(thing.id).toEqual({ type: "integer", example: 7, minimum: 1 });
    expect((schemas.ThingsOutput!.properties as Record<string, JsonObject>).status!.enum).toEqual(["success"]);
    expect(params.find((p) => p.name === "teamId")!.schema).toEqual({ type: "integer" });
    expect(params.find((p) => p.name === "ghost")).toBeUndefined();
    expect(params.find((p) => p.name === "ids")).toMatchObject({ style: "form", explode: false });
    expect(params.find((p) => p.name === "cal-api-version")!.schema).toEqual({ type: "string", default: "2024-08-13", enum: ["2024-08-13"] });
  });

  it("adds security and Cal.com's error responses, and keeps no prose", () => {
    expect(params.find((p) => p.name === "Authorization")).toBeUndefined();
    expect(op.security).toEqual([{ ApiKey: [] }]);
    expect(Object.keys(op.responses as JsonObject)).toEqual(["200", "400", "401", "404", "default"]);
    expect(doc.tags).toEqual([{ name: "Things" }]);
    expect(op.description).toBeUndefined();
    expect(schemas.Thing!.description).toBeUndefined();
    expect(thing.description).toEqual({ type: "string", example: "kept: a property named description" });
  });

  it("lists every step with the places it changed", () => {
    for (const id of ["dangling-refs", "object-typed-primitives", "pattern-names", "pattern-literals", "path-parameters", "integer-path-ids", "integer-ids", "comma-separated-lists", "one-of-to-any-of", "success-status", "api-version-values", "security", "error-responses", "invalid-examples", "prose"]) {
      expect(report).toMatch(new RegExp(`### ${id} `));
    }
    expect(report).toContain("- #/components/schemas/ThingsOutput/properties/data/items/oneOf: #/components/schemas/Missing");
    expect(report).toContain("- #/components/schemas/Thing/properties/count example");
  });

  it("runs as npm run spec:derive -- FILE --out DIR, and --check tells a stale contract", async () => {
    const dir = makeTempDir();
    const input = join(dir, "small.json");
    const noOverlays = makeTempDir();
    writeFileSync(input, JSON.stringify(published));
    const cli = (...args: string[]) =>
      new Promise<number>((resolve) => execFile(process.execPath, ["--import", "tsx", "derive/cli.ts", input, "--out", dir, "--overlays", noOverlays, ...args], { cwd: ROOT }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0)));
    expect(await cli()).toBe(0);
    const written = readFileSync(join(dir, "calcom.openapi.json"), "utf8");
    expect(written).toBe(`${JSON.stringify(run().doc, null, 2)}\n`);
    expect(readFileSync(join(dir, "calcom.derivation.md"), "utf8")).toContain("### dangling-refs");
    expect(await cli("--check")).toBe(0);
    writeFileSync(join(dir, "calcom.openapi.json"), written.replace("List things", "Edited by hand"));
    expect(await cli("--check")).toBe(1);
  });
});
