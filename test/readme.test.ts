import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answeredBy } from "../src/routes/index.js";
import { createMockServer, type MockServer } from "../src/server.js";
import { keyHolders } from "../src/store/keys.js";
import { scenarioNames, scenarioState } from "../src/store/scenarios.js";
import { Store } from "../src/store/store.js";
import { canListen, freePort, waitFor } from "./kit/helpers.js";
import { checkContract, startMock } from "./support/harness.js";
import { STATEFUL_COUNT } from "./support/stateful.js";

const run = promisify(execFile);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** One command of a README `sh` block, in the order a reader meets it. */
interface Step {
  section: string;
  command: string;
  /** What the README shows right after the block (`HTTP/1.1 400 ...`), for the block's last command. */
  shown?: { status: number; headers: Array<[string, string]> };
}

/**
 * Commands of the README's `sh` blocks that this test does not run against the server, each with where it is
 * checked instead. Any other command must be a curl to 127.0.0.1:5555, run in order: a new block is covered or
 * named here, never silently skipped.
 */
const CHECKED_ELSEWHERE: Record<string, string> = {
  "npm install && npm start": "the fresh-clone check; test/kit/cli.test.ts starts the CLI",
  "git clone <calcom-mock git URL> calcom-mock && cd calcom-mock && npm ci && npm pack": ".ci/consumer-test packs the tarball",
  "cd ../your-project && npm install --save-dev ../calcom-mock/calcom-mock-0.1.0.tgz": ".ci/consumer-test installs it",
  'npx calcom-mock --db memory    # the CLI; or import { createMockServer } from "calcom-mock"': ".ci/consumer-test",
};

/** The README's fenced blocks in order, each with the heading it is under (headings inside blocks are not headings). */
function fencedBlocks(): Array<{ section: string; lang: string; body: string }> {
  const blocks: Array<{ section: string; lang: string; body: string }> = [];
  let section = "";
  let open: { section: string; lang: string; lines: string[] } | undefined;
  for (const line of README.split("\n")) {
    const fence = /^```(\w*)\s*$/.exec(line);
    if (open) {
      if (fence && fence[1] === "") {
        blocks.push({ section: open.section, lang: open.lang, body: open.lines.join("\n") });
        open = undefined;
      } else open.lines.push(line);
    } else if (fence) open = { section, lang: fence[1]!, lines: [] };
    else if (/^#+ /.test(line)) section = line.replace(/^#+ /, "");
  }
  return blocks;
}

const BLOCKS = fencedBlocks();
/** The In CI recipe: run on its own below, with a free port and with one taken. */
const CI_RECIPE = BLOCKS.find((b) => b.section === "In CI" && b.lang === "sh")?.body ?? "";

function readmeSteps(): Step[] {
  const steps: Step[] = [];
  BLOCKS.forEach((block, i) => {
    if (block.lang !== "sh" || block.body === CI_RECIPE) return;
    const lines = block.body.replace(/\\\n\s*/g, " ").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    const commands: Step[] = lines.map((command) => ({ section: block.section, command }));
    const next = BLOCKS[i + 1];
    const shown = next && next.lang !== "sh" ? /^HTTP\/1\.1 (\d{3})/.exec(next.body) : null;
    if (shown && next && commands.length) {
      const headers = [...next.body.matchAll(/^([\w-]+): (.*)$/gm)].map((h) => [h[1]!.toLowerCase(), h[2]!.replace(/\.\.\.$/, "")] as [string, string]);
      commands.at(-1)!.shown = { status: Number(shown[1]), headers };
    }
    steps.push(...commands);
  });
  return steps;
}

/** What a reader expects of a command: what the README shows after it, the fault it asks for, or a success. */
function expectedStatus(step: Step): number | "2xx" {
  if (step.shown) return step.shown.status;
  const fault = /Prefer: code=(\d{3})/.exec(step.command);
  return fault ? Number(fault[1]) : "2xx";
}

describe("README, every block pasted in order on one server, as a reader does", () => {
  const steps = readmeSteps();
  const covered = new Set<string>();
  let reader: MockServer;
  let cwd: string;
  beforeAll(async () => {
    ({ mock: reader } = await startMock());
    cwd = mkdtempSync(join(tmpdir(), "calcom-mock-readme-"));
  });
  afterAll(async () => {
    await reader.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("has a curl example for each stateful operation, and runs or names every command", () => {
    const examples = README.split(/^## /m).find((x) => x.startsWith("API examples")) ?? "";
    expect(steps.filter((s) => s.command.startsWith("curl ") && examples.includes(s.command.split(" -d ")[0]!)).length).toBeGreaterThanOrEqual(STATEFUL_COUNT);
    const unknown = steps.filter((s) => !s.command.startsWith("curl ") && !(s.command in CHECKED_ELSEWHERE)).map((s) => s.command);
    expect(unknown, "commands in README sh blocks that are neither run here nor checked elsewhere").toEqual([]);
    expect(CI_RECIPE).toMatch(/calcom-mock/);
  });

  const runnable = steps.filter((s) => s.command.startsWith("curl "));
  it.each(runnable.map((s, i) => [`${i + 1}. ${s.section}: ${s.command.slice(0, 150)}`, s] as const))("%s", async (_name, step) => {
    expect(step.command).toContain("http://127.0.0.1:5555");
    // A live stream stays open: a reader stops it with Ctrl-C; here it is read for a second.
    const stream = step.command.includes("/stream");
    const local = step.command.replace(/\s+# .*$/, "").replaceAll("http://127.0.0.1:5555", reader.url);
    const command = `${local}${stream ? " --max-time 1" : ""} -D headers.txt -w '%{stderr}%{http_code}'`;
    const done = await run("sh", ["-c", command], { cwd }).catch((err: { code: number; stdout: string; stderr: string }) => {
      if (stream && err.code === 28) return err; // curl's exit code when --max-time ends it
      throw err;
    });
    const status = Number(done.stderr.trim().slice(-3));
    const rawHeaders = readFileSync(join(cwd, "headers.txt"), "utf8");
    const text = step.command.includes(" -si") || step.command.includes(" -i ") ? done.stdout.slice(done.stdout.indexOf("\r\n\r\n") + 4) : done.stdout;
    const expected = expectedStatus(step);
    if (expected === "2xx") expect(status, `${done.stdout.slice(0, 600)}`).toBeLessThan(300);
    else expect(status, done.stdout.slice(0, 600)).toBe(expected);
    for (const [name, value] of step.shown?.headers ?? []) {
      const line = rawHeaders.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name}: `));
      expect(line?.slice(name.length + 2), `header ${name}`).toMatch(new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    }
    if (stream || step.command.includes(" > ")) return;
    const body = JSON.parse(text) as { status?: string };
    if (expected === "2xx" && body.status !== undefined) expect(body.status).toBe("success");
    const method = /-X (\w+)/.exec(step.command)?.[1] ?? (/ (-d|--data-binary) /.test(step.command) ? "POST" : "GET");
    const url = /'(http[^']+)'|(http\S+)/.exec(local)!;
    const operationId = checkContract(method, url[1] ?? url[2]!, status, body);
    if (operationId && status < 300) covered.add(operationId);
  });

  it("covers every stateful operation with an example, and some answered from the spec", () => {
    expect([...covered].filter((id) => answeredBy(id) === "state")).toHaveLength(STATEFUL_COUNT);
    expect([...covered].filter((id) => answeredBy(id) === "spec").length).toBeGreaterThanOrEqual(3);
  });
});

describe("README: the In CI recipe", () => {
  const ROOT = fileURLToPath(new URL("..", import.meta.url));
  /** The recipe with the server started from source (as the bin would be) and the user's tests stood in for. */
  const recipe = (port: number) =>
    CI_RECIPE.replace("./node_modules/.bin/calcom-mock", `node --import tsx ${ROOT}src/cli.ts`)
      .replace(/^npm test.*$/m, `curl -sf http://127.0.0.1:${port}/__admin/health >/dev/null && echo "THE TESTS RAN"`)
      .replaceAll("5555", String(port));

  it("starts the server, runs the tests against it, and stops it when the step ends", async () => {
    const port = await freePort();
    const { stdout } = await run("bash", ["-e", "-c", recipe(port)], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toContain("THE TESTS RAN");
    await waitFor(() => canListen(port), "the recipe's server to stop", 10_000);
  });

  it("fails the step, running no test, when the port is taken by another server", async () => {
    const port = await freePort();
    const other = await createMockServer({ port });
    try {
      const failed = await run("bash", ["-e", "-c", recipe(port)], { cwd: ROOT, timeout: 60_000 }).then(
        () => undefined,
        (err: { code: number; stdout: string }) => err,
      );
      expect(failed, "the recipe passed against a server it did not start").toBeDefined();
      expect(failed!.code).not.toBe(0);
      expect(failed!.stdout).toContain("calcom-mock did not start");
      expect(failed!.stdout).not.toContain("THE TESTS RAN");
    } finally {
      await other.close();
    }
  });
});

describe("README", () => {
  let mock: MockServer;
  beforeAll(async () => ({ mock } = await startMock()));
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

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
