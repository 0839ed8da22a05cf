import { copyFileSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, DEFAULT_SPEC_PATH, type MockServer } from "../../src/index.js";
import type { ScenarioRecipe } from "../../src/store/seed.js";
import { client, expectSuccess, makeTempDir, writeScenario } from "../support/harness.js";
import { waitFor } from "./helpers.js";

const recipe = (orgName: string, members: number): ScenarioRecipe => ({
  name: "watched",
  description: "A scenario file watch mode follows.",
  organizations: [
    {
      name: orgName,
      slug: "watched",
      teams: ["One"],
      members,
      keyedUsers: [{ role: "ADMIN", username: "admin", apiKey: "cal_test_mock_admin_key" }],
      attributes: [{ name: "Level", slug: "level", type: "SINGLE_SELECT", options: ["Junior", "Senior"], coverage: 1 }],
    },
  ],
});

let dir: string;
let specPath: string;
let scenarioPath: string;
let lines: string[];
let mock: MockServer | undefined;

beforeEach(async () => {
  dir = makeTempDir("calcom-mock-watch-");
  specPath = join(dir, "spec.json");
  copyFileSync(DEFAULT_SPEC_PATH, specPath);
  scenarioPath = writeScenario(dir, recipe("Before", 3), "watched.json");
  lines = [];
  mock = await createMockServer({ watch: true, specPath, scenario: scenarioPath, log: (line) => lines.push(line) });
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Waits for a log line matching the pattern that was not there before (counting from `from`). */
const logLine = (pattern: RegExp, from = 0) =>
  waitFor(() => lines.slice(from).find((l) => pattern.test(l)), `a log line matching ${pattern}; got ${JSON.stringify(lines)}`);

const orgMembers = (m: MockServer) => m.state().memberships.filter((x) => x.teamId === 1 && x.accepted).length;

describe("watch mode", () => {
  it("re-seeds the state when the scenario file changes, and says so", async () => {
    const m = mock!;
    expect(m.state().organizations[0]!.name).toBe("Before");
    expect(orgMembers(m)).toBe(3);
    expect(lines).toEqual([]);

    writeScenario(dir, recipe("After", 6), "watched.json");
    const line = await logLine(/reloaded scenario .*watched\.json: state re-seeded/);
    expect(line).toContain(scenarioPath);
    await waitFor(() => m.state().organizations[0]!.name === "After", "the re-seeded state");
    expect(orgMembers(m)).toBe(6);
    expect(m.state().meta.scenario).toBe(scenarioPath);
    // Served through the API as well.
    const list = expectSuccess(await client(m.url).get("/v2/organizations/1/attributes"));
    expect(list.map((a: { slug: string }) => a.slug)).toEqual(["level"]);
  });

  it("watches the scenario a reset switched to, not the one it started with", async () => {
    const m = mock!;
    const otherPath = writeScenario(dir, recipe("Other", 2), "other.json");
    await m.reset({ scenario: otherPath });
    expect(m.state().organizations[0]!.name).toBe("Other");

    writeScenario(dir, recipe("Other edited", 5), "other.json");
    await logLine(/reloaded scenario .*other\.json: state re-seeded/);
    await waitFor(() => m.state().organizations[0]!.name === "Other edited", "the edited other scenario");
    expect(orgMembers(m)).toBe(5);

    // Editing the first file now changes nothing: it is no longer the scenario being served.
    const seen = lines.length;
    writeScenario(dir, recipe("Stale", 7), "watched.json");
    const probe = writeScenario(dir, recipe("Other again", 4), "other.json");
    await logLine(/other\.json: state re-seeded/, seen);
    await waitFor(() => m.state().organizations[0]!.name === "Other again", "the probe edit");
    expect(probe).toBe(otherPath);
    expect(lines.slice(seen).some((l) => l.includes("watched.json"))).toBe(false);
  });

  it("follows a scenario file an editor replaces by rename, save after save", async () => {
    const m = mock!;
    for (const [i, name] of ["Renamed once", "Renamed twice", "Renamed thrice"].entries()) {
      const seen = lines.length;
      const temp = writeScenario(dir, recipe(name, 2 + i), `.watched.json.tmp${i}`);
      renameSync(temp, scenarioPath);
      await logLine(/state re-seeded/, seen);
      await waitFor(() => m.state().organizations[0]!.name === name, `the state of "${name}"`);
      expect(orgMembers(m)).toBe(2 + i);
    }
    // And an in-place write after the renames is still seen.
    const seen = lines.length;
    writeScenario(dir, recipe("In place", 4), "watched.json");
    await logLine(/state re-seeded/, seen);
    await waitFor(() => m.state().organizations[0]!.name === "In place", "the in-place save");
  });

  it("picks the scenario file up again when it is deleted and written anew a moment later", async () => {
    const m = mock!;
    const before = JSON.stringify(m.state());
    unlinkSync(scenarioPath);
    // While the file is gone, the state is kept (a line may say the file does not load).
    await new Promise((r) => setTimeout(r, 400));
    expect(JSON.stringify(m.state())).toBe(before);
    const seen = lines.length;
    writeScenario(dir, recipe("Recreated", 5), "watched.json");
    await logLine(/state re-seeded/, seen);
    await waitFor(() => m.state().organizations[0]!.name === "Recreated", "the recreated scenario");
    expect(orgMembers(m)).toBe(5);
  });

  it("keeps the state when the changed scenario file does not load, and says so", async () => {
    const m = mock!;
    const before = JSON.stringify(m.state());
    writeFileSync(scenarioPath, "{ this is not json");
    const line = await logLine(/scenario .*watched\.json changed but does not load \(.*not valid JSON.*\); the state is kept/);
    expect(line).toBeTruthy();
    expect(JSON.stringify(m.state())).toBe(before);

    // Fixing the file re-seeds again.
    const seen = lines.length;
    writeScenario(dir, recipe("Fixed", 2), "watched.json");
    await logLine(/state re-seeded/, seen);
    await waitFor(() => m.state().organizations[0]!.name === "Fixed", "the fixed scenario");
  });

  it("reloads a changed spec and keeps the state", async () => {
    const m = mock!;
    const api = client(m.url);
    // Change the state first, so that keeping it can be seen.
    const attr = expectSuccess(await api.post("/v2/organizations/1/attributes", { name: "Kept", slug: "kept", type: "TEXT", options: [] }), 201);
    const before = JSON.stringify(m.state());

    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    spec.info.description = `${spec.info.description ?? ""} (edited by the watch test)`;
    writeFileSync(specPath, JSON.stringify(spec, null, 2));

    const line = await logLine(/reloaded .*spec\.json: \d+ operations; the state is kept/);
    expect(line).toContain(specPath);
    expect(lines.some((l) => /re-seeded/.test(l))).toBe(false);
    expect(JSON.stringify(m.state())).toBe(before);
    expect(expectSuccess(await api.get(`/v2/organizations/1/attributes/${attr.id}`))).toEqual(attr);
  });

  it("serves what a reloaded spec says: a changed validation rule applies at once", async () => {
    const m = mock!;
    const api = client(m.url);
    const path = "/v2/organizations/1/attributes?take=2";
    expect((await api.get(path)).status).toBe(200);
    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    const take = spec.paths["/v2/organizations/{orgId}/attributes"].get.parameters.find((p: { name: string }) => p.name === "take");
    expect(take).toBeDefined();
    take.schema = { ...take.schema, maximum: 1 };
    writeFileSync(specPath, JSON.stringify(spec));
    await logLine(/reloaded .*spec\.json/);
    const res = await fetch(`${m.url}${path}`, { headers: { authorization: "Bearer cal_test_mock_admin_key" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: { errors: Array<{ constraints: unknown }> } } }).error.details.errors[0]!.constraints).toEqual({
      max: "take must not be greater than 1",
    });
    expect(res.headers.get("x-calcom-mock-diagnostics")).toMatch(/take/);
  });

  it("answers spec-driven operations from the reloaded spec", async () => {
    const m = mock!;
    const me = () => fetch(`${m.url}/v2/webhooks`, { headers: { authorization: "Bearer cal_test_mock_admin_key" } }).then((r) => r.json() as Promise<{ data: { id: number } }>);
    expect((await me()).data.id).not.toBe(4242);
    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    spec.paths["/v2/webhooks"].get.responses["200"].content["application/json"].schema = {
      type: "object",
      properties: { status: { type: "string", enum: ["success"] }, data: { type: "object", properties: { id: { type: "integer", example: 4242 } } } },
    };
    writeFileSync(specPath, JSON.stringify(spec));
    await logLine(/reloaded .*spec\.json/);
    expect((await me()).data.id).toBe(4242);
  });

  it("keeps serving the previous spec when the changed one does not load, and says so", async () => {
    const m = mock!;
    const api = client(m.url);
    const before = JSON.stringify(m.state());
    writeFileSync(specPath, '{"openapi": "3.0.0", "paths": ');
    const line = await logLine(/spec\.json changed but does not load \(.+\); still serving the previous spec/);
    expect(line).toContain(specPath);
    expect(expectSuccess(await api.get("/v2/organizations/1/attributes"))).toHaveLength(1);
    expect(JSON.stringify(m.state())).toBe(before);

    // A spec that parses but is not usable (a dangling $ref) is refused the same way.
    const seen = lines.length;
    const spec = JSON.parse(readFileSync(DEFAULT_SPEC_PATH, "utf8"));
    spec.paths["/v2/organizations/{orgId}/attributes"].get.parameters.push({ $ref: "#/components/parameters/DoesNotExist" });
    writeFileSync(specPath, JSON.stringify(spec));
    await logLine(/changed but does not load .*still serving the previous spec/, seen);
    expect(expectSuccess(await api.get("/v2/organizations/1/attributes"))).toHaveLength(1);

    // And a good spec again is picked up.
    const seen2 = lines.length;
    copyFileSync(DEFAULT_SPEC_PATH, specPath);
    await logLine(/reloaded .*spec\.json: \d+ operations; the state is kept/, seen2);
  });

  it("stops watching on close()", async () => {
    const m = mock!;
    await m.close();
    writeScenario(dir, recipe("After close", 2), "watched.json");
    writeFileSync(specPath, "not json");
    // Nothing may arrive; give the debounce a generous moment to prove it.
    await new Promise((r) => setTimeout(r, 500));
    expect(lines).toEqual([]);
  });

  it("without watch, changes are not followed", async () => {
    const quiet: string[] = [];
    const unwatched = await createMockServer({ specPath, scenario: scenarioPath, log: (l) => quiet.push(l) });
    try {
      writeScenario(dir, recipe("Changed", 2), "watched.json");
      // The watching server of beforeEach sees the change; the other does not.
      await logLine(/state re-seeded/);
      expect(unwatched.state().organizations[0]!.name).toBe("Before");
      expect(quiet).toEqual([]);
    } finally {
      await unwatched.close();
    }
  });
});
