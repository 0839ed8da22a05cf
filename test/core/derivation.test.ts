import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { derive } from "../../src/contract/derive/index.js";
import type { JsonObject } from "../../src/contract/derive/walk.js";
import { makeTempDir } from "../support/harness.js";
import { PUBLISHED_2025_DOC, PUBLISHED_DOC, withoutPublishedDoc } from "../support/reference.js";

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

/** Runs `npm run spec:derive` with the project's overlays; resolves with its exit code and what it printed. */
function deriveCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ["--import", "tsx", "derive/cli.ts", ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(withoutPublishedDoc)("a refresh from a newer published document", () => {
  // The 2025 contract as it was derived, then the 2026 document derived over it, as a refresh does. The overlays
  // are those of the 48 operations that were stateful then (the attributes and the directory): the scheduling
  // overlays describe operations the 2025 document does not have.
  const dir = makeTempDir();
  const overlays = join(dir, "overlays");
  mkdirSync(overlays);
  for (const name of ["orgs-attributes.openapi.json", "orgs-directory.openapi.json"]) copyFileSync(join(ROOT, "derive", "overlays", name), join(overlays, name));
  const out = join(dir, "spec");
  mkdirSync(out);
  let first: Awaited<ReturnType<typeof deriveCli>>;
  let refresh: Awaited<ReturnType<typeof deriveCli>>;
  let report = "";
  const section = (heading: string) => {
    const at = report.indexOf(`#### ${heading}`);
    expect(at, `no section for ${heading}`).toBeGreaterThanOrEqual(0);
    const end = report.indexOf("\n####", at + 1);
    return report.slice(at, end < 0 ? undefined : end);
  };

  it("prints the drift and writes it to the derivation report", async () => {
    first = await deriveCli(PUBLISHED_2025_DOC, "--out", out, "--overlays", overlays);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toMatch(/Drift/);
    refresh = await deriveCli(PUBLISHED_DOC, "--out", out, "--overlays", overlays);
    expect(refresh.code, refresh.stderr).toBe(0);
    report = readFileSync(join(out, "calcom.derivation.md"), "utf8");
    expect(refresh.stdout).toContain("## Drift against the previous contract");
    const printed = refresh.stdout.slice(refresh.stdout.indexOf("## Drift"), refresh.stdout.indexOf("spec:derive: wrote")).trim();
    expect(report.trim().endsWith(printed)).toBe(true);
    expect(report).toMatch(/derived from `calcom-v2\.openapi\.json` \(sha256 [0-9a-f]{12}…\) with 181 operations,\nthis one from `calcom-v2-current\.openapi\.json`/);
     // Two derivations of the whole document, each in its own process.
  }, 180_000);

  it("names the operations added and removed", () => {
    expect(report).toContain("### Operations added (94)");
    expect(report).toContain("- GET /v2/bookings/{bookingUid}/attendees (BookingAttendeesController_2024_08_13_getBookingAttendees)");
    expect(report).toContain("- POST /v2/teams/{teamId}/invite (TeamsInviteController_createInvite)");
    expect(report).toMatch(/### Operations removed \(1\)\n\n- GET \/v2\/stripe\/check\/\{teamId\} \(/);
  });

  it("names every stateful operation whose published form changed, with what changed", () => {
    expect(report).toContain("### Stateful operations whose published form changed (18)");
    for (const op of ["GET /v2/me (", "PATCH /v2/me ("]) {
      const me = section(op);
      for (const field of ["name", "avatarUrl", "bio"]) expect(me).toContain(`- response 200.data.${field}: added (string|null, required)`);
    }
    expect(section("PATCH /v2/me (")).toContain('- body.locale: enum gains "bn"');
    for (const op of ["GET /v2/organizations/{orgId}/memberships (", "POST /v2/organizations/{orgId}/memberships (", "PATCH /v2/organizations/{orgId}/memberships/{membershipId} ("]) {
      expect(section(op)).toMatch(/- response 20[01]\.data\.attributes: added \(array, required\), with \d+ nested nodes/);
    }
    const teamMemberships = section("GET /v2/teams/{teamId}/memberships (");
    expect(teamMemberships).toMatch(/- query emails: added \(array\)/);
    for (const op of ["GET /v2/organizations/{orgId}/attributes (", "GET /v2/organizations/{orgId}/teams/me (", "GET /v2/teams/{teamId}/memberships ("]) {
      expect(section(op)).toContain("- query take: number → number, minimum 1, maximum 250, default 250");
      expect(section(op)).toContain("- query skip: number → number, minimum 0, default 0");
    }
    expect(section("POST /v2/teams (")).toContain("response 201.data<oneOf Output>: removed (ref Output (missing))");
    // Unchanged operations are not listed.
    expect(report).not.toContain("#### DELETE /v2/organizations/{orgId}/users/{userId} (");
  });

  it("keeps the drift when derived again from the same document, so --check passes", async () => {
    const again = await deriveCli(PUBLISHED_DOC, "--out", out, "--overlays", overlays, "--check");
    expect(again.code, again.stderr).toBe(0);
    const rerun = await deriveCli(PUBLISHED_DOC, "--out", out, "--overlays", overlays);
    expect(rerun.stdout).not.toMatch(/Drift/);
    expect(readFileSync(join(out, "calcom.derivation.md"), "utf8")).toBe(report);
   }, 180_000);
});
