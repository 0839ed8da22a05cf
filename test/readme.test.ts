import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answeredBy } from "../src/routes/index.js";
import type { MockServer } from "../src/server.js";
import { keyHolders } from "../src/store/keys.js";
import { scenarioNames, scenarioState } from "../src/store/scenarios.js";
import { Store } from "../src/store/store.js";
import { checkContract, startMock } from "./support/harness.js";

const run = promisify(execFile);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The curl commands of the README's "API examples" section, line continuations joined. */
function apiExamples(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith("API examples")) ?? "";
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .filter((line) => line.startsWith("curl ")),
  );
}

let mock: MockServer;
beforeAll(async () => ({ mock } = await startMock()));
afterAll(() => mock.close());
beforeEach(() => mock.reset());

describe("README", () => {
  const examples = apiExamples();
  const covered = new Set<string>();

  it("has a curl example for each of the 48 operations", () => {
    expect(examples.length).toBeGreaterThanOrEqual(48);
  });

  // Each example runs on a freshly reset default scenario: it must work when pasted on its own.
  it.each(examples)("works when pasted: %s", async (command) => {
    const local = command.replaceAll("http://127.0.0.1:5555", mock.url);
    const { stdout } = await run("sh", ["-c", `${local} -w '\\n%{http_code}'`]);
    const lines = stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    const body = JSON.parse(lines.join("\n")) as { status: string };
    expect(status, stdout).toBeLessThan(300);
    expect(body.status).toBe("success");
    // A line that installs a stub first (`curl … /__admin/stubs … && curl …`) is checked by its last request.
    const last = command.split(" && ").at(-1)!;
    const method = /-X (\w+)/.exec(last)?.[1] ?? (last.includes(" -d ") ? "POST" : "GET");
    const url = /'(http[^']+)'|(http\S+)/.exec(local.split(" && ").at(-1)!)!;
    const operationId = checkContract(method, url[1] ?? url[2]!, status, body);
    expect(operationId).toBeDefined();
    covered.add(operationId!);
  });

  it("covers every stateful operation with an example, and some answered from the spec", () => {
    expect([...covered].filter((id) => answeredBy(id) === "state")).toHaveLength(48);
    expect([...covered].filter((id) => answeredBy(id) === "spec").length).toBeGreaterThanOrEqual(3);
  });

  it("starts over with the reset command the examples section gives", async () => {
    const section = README.split(/^## /m).find((x) => x.startsWith("API examples")) ?? "";
    const command = /`(curl -s -X POST http:\/\/127\.0\.0\.1:5555\/__admin\/reset)`/.exec(section)?.[1];
    expect(command).toBeDefined();
    const legacy = mock.state().attributes.find((a) => a.slug === "legacy-region")!.id;
    await run("sh", ["-c", `curl -s -X DELETE ${mock.url}/v2/organizations/1/attributes/${legacy} -H 'Authorization: Bearer cal_test_mock_admin_key'`]);
    expect(mock.state().attributes.map((a) => a.id)).not.toContain(legacy);
    const { stdout } = await run("sh", ["-c", command!.replaceAll("http://127.0.0.1:5555", mock.url)]);
    expect(JSON.parse(stdout)).toEqual({ status: "success", data: { seed: 42, scenario: "default" } });
    expect(mock.state().attributes.map((a) => a.id)).toContain(legacy);
  });

  it("saves the state and loads it back with the Control API section's two commands", async () => {
    const section = README.split(/^## /m).find((x) => x.startsWith("Control API")) ?? "";
    const block = section.match(/```sh\n(curl -s http:\/\/127\.0\.0\.1:5555\/__admin\/state > state\.json\n[\s\S]*?)```/)?.[1];
    expect(block).toBeDefined();
    const cwd = mkdtempSync(join(tmpdir(), "calcom-mock-readme-"));
    try {
      const legacy = mock.state().attributes.find((a) => a.slug === "legacy-region")!.id;
      const deleted = await run("sh", ["-c", `curl -s -w '%{http_code}' -o /dev/null -X DELETE ${mock.url}/v2/organizations/1/attributes/${legacy} -H 'Authorization: Bearer cal_test_mock_admin_key'`]);
      expect(deleted.stdout).toBe("200");
      const changed = mock.state();
      const [save, load] = block!.trim().split("\n").map((line) => line.replaceAll("http://127.0.0.1:5555", mock.url));
      await run("sh", ["-c", save!], { cwd });
      await mock.reset();
      expect(mock.state()).not.toEqual(changed);
      const { stdout } = await run("sh", ["-c", load!], { cwd });
      expect(JSON.parse(stdout)).toEqual({ status: "success", data: { seed: 42, scenario: "default" } });
      expect(mock.state()).toEqual(changed);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("lists each scenario's organizations and API keys as the scenarios hold them", () => {
    const section = README.split(/^## /m).find((x) => x.startsWith("Scenarios")) ?? "";
    const rows = [...section.matchAll(/^\| `([\w-]+)` \|[^|]*\| ([^|]*) \| ([^|]*) \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(scenarioNames());
    for (const [, name, orgs, keys] of rows) {
      const store = new Store(scenarioState(name!, 42));
      const documentedOrgs = [...orgs!.matchAll(/([\w ]+), `orgId` (\d+)/g)].map((m) => `${m[1]!.trim()} ${m[2]}`);
      expect(documentedOrgs, name).toEqual([...store.rows.organizations.values()].map((o) => `${o.name} ${o.id}`));
      const documentedKeys = [...keys!.matchAll(/`(cal_\w+)` \((\d+), (\w+)\)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
      expect(documentedKeys, name).toEqual(keyHolders(store).map((k) => `${k.key} ${k.userId} ${k.note.split(" ")[0]}`));
    }
  });
});
