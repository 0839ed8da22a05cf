import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, ENV, parseConfig } from "../../src/config.js";
import { createMockServer } from "../../src/server.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, client, expectSuccess, makeTempDir } from "../support/harness.js";
import { filesUnder } from "../support/files.js";
import { canListen, freePort, waitFor } from "./helpers.js";
import { STATEFUL_COUNT } from "../support/stateful.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

// Every child is killed at the end of its test (finally) or, at the latest, here.
const children = new Set<Cli>();
async function kill(cli: Cli): Promise<void> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill("SIGKILL");
    await cli.exited;
  }
  children.delete(cli);
}
afterAll(async () => {
  await Promise.all([...children].map(kill));
});

const dir = makeTempDir("calcom-mock-cli-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the CLI as `npm start` does (tsx), with only the environment given (no CALCOM_MOCK_* of the caller). */
function run(args: string[], env: Record<string, string> = {}): Cli {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CALCOM_MOCK_"))) as Record<string, string>;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: ROOT, env: { ...base, ...env } });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  // "close", not "exit": output still in the pipes arrives after "exit", and a long --help was cut off under load.
  const exited = new Promise<number | string>((resolve) => child.on("close", (code, signal) => resolve(code ?? signal ?? -1)));
  const cli = { child, stdout: () => out, stderr: () => err, exited };
  children.add(cli);
  return cli;
}

/** Waits until the CLI has printed its banner (the API keys come last) and answers its URL. */
async function started(cli: Cli): Promise<string> {
  await waitFor(
    () => cli.child.exitCode !== null || /API keys \(Authorization: Bearer <key>\):\n(.*\n)*.*cal_/.test(cli.stdout()),
    "the CLI to start",
    15_000,
  );
  if (cli.child.exitCode !== null) throw new Error(`The CLI exited with ${cli.child.exitCode}: ${cli.stderr()}`);
  // Let the last lines of the banner arrive.
  await waitFor(() => cli.stdout().endsWith("\n"), "the end of the banner");
  const url = /listening on (http:\/\/\S+)/.exec(cli.stdout())?.[1];
  expect(url, cli.stdout()).toBeDefined();
  return url!;
}

/** Sends SIGTERM and answers the exit code. */
async function stop(cli: Cli): Promise<number | string> {
  cli.child.kill("SIGTERM");
  return cli.exited;
}

/** Runs a test body with a started CLI, killing it in finally whatever happens. */
async function withCli(args: string[], env: Record<string, string>, body: (cli: Cli, url: string) => Promise<void>): Promise<void> {
  const cli = run(args, env);
  try {
    await body(cli, await started(cli));
  } finally {
    await kill(cli);
  }
}

// Each test starts the CLI through tsx, which compiles the sources first: seconds on a loaded machine.
describe("calcom-mock CLI: serving", { timeout: 60_000 }, () => {
  it("prints its URL, the scenario and the default scenario's three API keys, serves, and stops on SIGTERM", async () => {
    const port = await freePort();
    await withCli(["--port", String(port), "--db", "memory"], {}, async (cli, url) => {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const out = cli.stdout();
      expect(out).toMatch(/scenario: default, seed 42/);
      expect(out).toMatch(/db: +memory/);
      expect(out).toContain(`API base: ${url}/v2`);
      expect(out).toContain(`operations: 274: ${STATEFUL_COUNT} answered from state, ${274 - STATEFUL_COUNT} from the spec (static)`);
      expect(out).toContain(`control API: ${url}/__admin`);
      expect(out).toContain(`inspector: ${url}/__inspector`);
      expect((await fetch(`${url}/__inspector/`)).status).toBe(200);
      expect(out).toMatch(/rate limit: off/);
      for (const [key, role] of [
        [OWNER_KEY, "OWNER"],
        [ADMIN_KEY, "ADMIN"],
        [MEMBER_KEY, "MEMBER"],
      ]) {
        expect(out).toMatch(new RegExp(`${key} +user \\d+ \\(\\w+\\), ${role} of Acme, orgId 1`));
      }
      expect(cli.stderr()).toBe("");

      const list = expectSuccess(await client(url).get("/v2/organizations/1/attributes", MEMBER_KEY));
      expect(list).toHaveLength(5);

      expect(await stop(cli)).toBe(0);
      expect(cli.stdout()).toMatch(/SIGTERM, saving and stopping/);
      expect(await canListen(port)).toBe(true);
    });
  });

  it("takes its settings from flags", async () => {
    const port = await freePort();
    const args = ["--port", String(port), "--db", "memory", "--seed", "7", "--scenario", "multi-org", "--rate-limit", "cal", "--journal-size", "2", "--watch"];
    await withCli(args, {}, async (cli, url) => {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const out = cli.stdout();
      expect(out).toMatch(/scenario: multi-org, seed 7/);
      expect(out).toMatch(/rate limit: cal +response cache: on +watching spec\/ and the scenario file/);
      expect(out).toContain("cal_test_mock_globex_admin_key");
      const api = client(url);
      const res = await api.get("/v2/organizations/1/attributes");
      expect(res.headers.get("x-ratelimit-limit-default")).toBe("120");
      for (let i = 0; i < 3; i++) await api.get("/v2/organizations/1/attributes");
      const journal = (await (await fetch(`${url}/__admin/requests`)).json()) as { data: unknown[] };
      expect(journal.data).toHaveLength(2);
      const state = (await (await fetch(`${url}/__admin/state`)).json()) as { data: { meta: unknown } };
      expect(state.data.meta).toEqual({ seed: 7, scenario: "multi-org" });
      expect(await stop(cli)).toBe(0);
    });
  });

  it("takes the same settings from CALCOM_MOCK_* environment variables", async () => {
    const port = await freePort();
    const env = {
      CALCOM_MOCK_PORT: String(port),
      CALCOM_MOCK_HOST: "127.0.0.1",
      CALCOM_MOCK_DB: "memory",
      CALCOM_MOCK_SEED: "9",
      CALCOM_MOCK_SCENARIO: "empty-org",
      CALCOM_MOCK_RATE_LIMIT: "2/1m",
      CALCOM_MOCK_JOURNAL_SIZE: "1",
    };
    await withCli([], env, async (cli, url) => {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const out = cli.stdout();
      expect(out).toMatch(/scenario: empty-org, seed 9/);
      expect(out).toMatch(/db: +memory/);
      expect(out).toMatch(/rate limit: 2\/1m/);
      expect(out).toContain(ADMIN_KEY);
      expect(out).not.toContain(OWNER_KEY);
      const api = client(url);
      expect(expectSuccess(await api.get("/v2/organizations/1/attributes"))).toEqual([]);
      expect((await api.get("/v2/organizations/1/attributes")).status).toBe(200);
      expect((await api.get("/v2/organizations/1/attributes")).status).toBe(429);
      const journal = (await (await fetch(`${url}/__admin/requests`)).json()) as { data: Array<{ status: number }> };
      expect(journal.data.map((e) => e.status)).toEqual([429]);
      expect(await stop(cli)).toBe(0);
    });
  });

  it("lets flags win over the environment", async () => {
    const env = { CALCOM_MOCK_PORT: "1", CALCOM_MOCK_SEED: "9", CALCOM_MOCK_SCENARIO: "empty-org", CALCOM_MOCK_DB: "memory" };
    await withCli(["--port", "0", "--seed", "5", "--scenario", "default"], env, async (cli, url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(cli.stdout()).toMatch(/scenario: default, seed 5/);
      expect(await stop(cli)).toBe(0);
    });
  });

  it("keeps the state in a --db file across restarts, and SIGINT stops it too", async () => {
    const file = join(dir, "cli-db.json");
    let created: { id: string } | undefined;
    await withCli(["--port", "0", "--db", file], {}, async (cli, url) => {
      expect(cli.stdout()).toMatch(/db: .*cli-db\.json \(seeded now\)/);
      created = expectSuccess(await client(url).post("/v2/organizations/1/attributes", { name: "Persisted", slug: "persisted", type: "TEXT", options: [] }), 201);
      cli.child.kill("SIGINT");
      expect(await cli.exited).toBe(0);
      expect(cli.stdout()).toMatch(/SIGINT, saving and stopping/);
    });
    expect(existsSync(file)).toBe(true);
    await withCli(["--port", "0", "--db", file], {}, async (cli, url) => {
      expect(cli.stdout()).toMatch(/db: .*cli-db\.json \(existing file kept\)/);
      expect(expectSuccess(await client(url).get(`/v2/organizations/1/attributes/${created!.id}`))).toEqual(created);
      expect(await stop(cli)).toBe(0);
    });
  });

  it("prints one line per request and one per data change, and nothing of the kind with --quiet or CALCOM_MOCK_QUIET=1", async () => {
    await withCli(["--port", "0", "--db", "memory"], {}, async (cli, url) => {
      expect(cli.stdout()).toContain("requests: one line each below (--quiet to silence)");
      await client(url).get("/v2/organizations/1/nope", MEMBER_KEY);
      await fetch(`${url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"scenario":"empty-org"}' });
      await waitFor(() => cli.stdout().includes("POST /__admin/reset 200"), "the request lines");
      expect(cli.stdout()).toMatch(/\nGET \/v2\/organizations\/1\/nope 404 \d+\.\d ms {2}NotFoundException: \S.*\n/);
      expect(cli.stdout()).toContain("calcom-mock: state reset: scenario empty-org, seed 42; keys: cal_test_mock_admin_key (org 1)\n");
    });
    for (const [args, env] of [
      [["--quiet"], {}],
      [[], { CALCOM_MOCK_QUIET: "1" }],
    ] as const) {
      await withCli(["--port", "0", "--db", "memory", ...args], env, async (cli, url) => {
        expect(cli.stdout()).toContain("requests: not printed (--quiet)");
        const banner = cli.stdout();
        await client(url).get("/v2/organizations/1/nope", MEMBER_KEY);
        await fetch(`${url}/__admin/reset`, { method: "POST" });
        expect(await stop(cli)).toBe(0);
        expect(cli.stdout().slice(banner.length)).toMatch(/^calcom-mock: SIGTERM, saving and stopping[^\n]*\n$/);
      });
    }
  });

  it("on SIGTERM, lets a request in flight finish before it stops", async () => {
    await withCli(["--port", "0", "--db", "memory", "--quiet"], {}, async (cli, url) => {
      const slow = client(url).request("GET", "/v2/organizations/1/attributes", { headers: { prefer: "delay=1000" } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      cli.child.kill("SIGTERM");
      expect((await slow).status).toBe(200);
      expect(await cli.exited).toBe(0);
      expect(cli.stdout()).toContain("calcom-mock: SIGTERM, saving and stopping (requests in flight get up to 5 s)");
    });
  });

  it("exits 1 when the port is taken", async () => {
    await withCli(["--port", "0", "--db", "memory"], {}, async (first, url) => {
      const second = run(["--port", new URL(url).port, "--db", "memory"]);
      try {
        expect(await second.exited).toBe(1);
        expect(second.stderr()).toBe(`calcom-mock: port ${new URL(url).port} on 127.0.0.1 is already in use (EADDRINUSE); pick another with --port <n>, or --port 0 for any free port\n`);
      } finally {
        await kill(second);
      }
      expect(await stop(first)).toBe(0);
    });
  });
});

/** Runs the CLI to its end (killing it if the test fails first). */
async function runToEnd(args: string[], env: Record<string, string> = {}) {
  const cli = run(args, env);
  try {
    return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
  } finally {
    await kill(cli);
  }
}

/** A db file made once by a server that was stopped cleanly; each test works on its own copy. */
let template: Promise<string> | undefined;
async function seededDbDir(): Promise<{ folder: string; db: string }> {
  template ??= (async () => {
    const folder = makeTempDir("calcom-mock-cli-template-");
    dirs.push(folder);
    const mock = await createMockServer({ db: join(folder, "db.json") });
    await mock.close();
    return join(folder, "db.json");
  })();
  const source = await template;
  const folder = makeTempDir("calcom-mock-cli-db-");
  dirs.push(folder);
  copyFileSync(source, join(folder, "db.json"));
  return { folder, db: join(folder, "db.json") };
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// These processes end by themselves, so they run side by side.
describe.concurrent("calcom-mock CLI: usage", { timeout: 60_000 }, () => {
  it("prints a help that is enough without the README, and exits 0", async ({ expect }) => {
    const { code, stdout } = await runToEnd(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: calcom-mock \[options\]/);
    for (const flag of ["--port", "--host", "--db", "--seed", "--scenario", "--rate-limit", "--journal-size", "--watch", "--no-response-cache", "--spec", "--dynamic", "--quiet", "--version"]) {
      expect(stdout).toContain(flag);
    }
    // Every built-in scenario by name, with what it holds.
    for (const name of ["default", "empty-org", "multi-org", "large-org"]) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S.*\\.$`, "m"));
    expect(stdout).toContain("cal_test_mock_admin_key");
    for (const endpoint of ["/__admin/health", "/__admin/reset", "/__admin/state", "/__admin/requests", "/__admin/faults", "/__admin/operations", "/__admin/openapi.json", "/__inspector"]) expect(stdout).toContain(endpoint);
    expect(stdout).toMatch(/Examples:\n  calcom-mock /);
  });

  it("prints the package's version with --version and -v", async ({ expect }) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const { code, stdout, stderr } = await runToEnd([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${version}\n`);
      expect(stderr).toBe("");
    }
  });

  it.for<[string[], string]>([
    [["--bogus"], "Unknown option '--bogus'"],
    [["--port", "abc"], '--port must be an integer from 0 to 65535, got "abc"'],
    [["--seed", "-1"], '--seed must be an integer from 0 to 9007199254740991, got "-1"'],
    [["--rate-limit", "fast"], '--rate-limit: rate limit must be "cal", "off" or N/DURATION with DURATION in ms, s or m (like 10/1s, 100/60s, 500/1m), got "fast"'],
    [["--rate-limit", "10/1h"], '--rate-limit: rate limit must be "cal", "off" or N/DURATION with DURATION in ms, s or m (like 10/1s, 100/60s, 500/1m), got "10/1h"'],
    [["--scenario", "no-such-scenario"], '--scenario must be a built-in scenario (default, empty-org, large-org, multi-org) or the path of a scenario file, got "no-such-scenario"'],
    [["--scenario", "./missing/scenario.json"], "--scenario: no file ./missing/scenario.json; give a scenario file that exists, or a built-in scenario: default, empty-org, large-org, multi-org"],
  ])("exits 2 with one line saying what is accepted for %j", async ([args, message], { expect }) => {
    const { code, stdout, stderr } = await runToEnd([...args]);
    expect(code).toBe(2);
    expect(stderr).toBe(`calcom-mock: ${message} (calcom-mock --help lists every option)\n`);
    expect(stdout).toBe("");
  });

  it("refuses a bad environment variable the same way", async ({ expect }) => {
    const { code, stderr } = await runToEnd([], { CALCOM_MOCK_PORT: "eighty", CALCOM_MOCK_DB: "memory" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^calcom-mock: --port must be an integer from 0 to 65535, got "eighty"/);
  });
});

// Each starts one or two servers: given time for a loaded machine.
describe.concurrent("calcom-mock CLI: start-up mistakes touch no data", { timeout: 60_000 }, () => {
  it("--db naming a directory: one line, exit 2, nothing created in it", async ({ expect }) => {
    const { folder } = await seededDbDir();
    const before = filesUnder(folder);
    const { code, stdout, stderr } = await runToEnd(["--port", "0", "--db", folder]);
    expect(code).toBe(2);
    expect(stderr).toBe(`calcom-mock: --db must be a JSON file or memory, but ${folder} is a directory (try ${folder}/db.json) (calcom-mock --help lists every option)\n`);
    expect(stdout).toBe("");
    expect(filesUnder(folder)).toEqual(before);
  });

  it("a port in use: names the port and suggests --port, and leaves the db file alone", async ({ expect }) => {
    const { folder, db } = await seededDbDir();
    const before = filesUnder(folder);
    await withCli(["--port", "0", "--db", "memory", "--quiet"], {}, async (first, url) => {
      const port = new URL(url).port;
      const { code, stderr } = await runToEnd(["--port", port, "--db", db, "--seed", "9"]);
      expect(code).toBe(1);
      expect(stderr).toBe(`calcom-mock: port ${port} on 127.0.0.1 is already in use (EADDRINUSE); pick another with --port <n>, or --port 0 for any free port\n`);
      expect(await stop(first)).toBe(0);
    });
    expect(filesUnder(folder)).toEqual(before);
  });

  it("a host that is not this machine's: says so and what --host takes", async ({ expect }) => {
    // 203.0.113.0/24 is reserved for documentation: no machine has it.
    const { code, stderr } = await runToEnd(["--port", "0", "--db", "memory", "--host", "203.0.113.7"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "calcom-mock: --host: host 203.0.113.7 is not an address of this machine (EADDRNOTAVAIL); use 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface), ::1, or an address of this machine\n",
    );
  });

  it("a db file that is not JSON: refused, the file left byte for byte", async ({ expect }) => {
    const { folder, db } = await seededDbDir();
    writeFileSync(db, '{"organizations": [');
    const before = filesUnder(folder);
    // --seed differs from the file's: even so it must not be re-seeded over.
    const { code, stderr } = await runToEnd(["--port", "0", "--db", db, "--seed", "9"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^calcom-mock: ${db.replaceAll(".", "\\.")} is not valid JSON \\(.+\\); it was left as it is: fix it, or move it away to start afresh\n$`));
    expect(filesUnder(folder)).toEqual(before);
  });

  it("a db file that fails the state checks of PUT /__admin/state: lists the problems, leaves the file", async ({ expect }) => {
    const { folder, db } = await seededDbDir();
    const doc = JSON.parse(readFileSync(db, "utf8")) as { memberships: Array<{ userId: number }>; apiKeys: Array<{ key: string }> };
    doc.memberships[0]!.userId = 99999;
    doc.apiKeys[1]!.key = doc.apiKeys[0]!.key;
    writeFileSync(db, JSON.stringify(doc));
    const before = filesUnder(folder);
    const { code, stderr } = await runToEnd(["--port", "0", "--db", db, "--scenario", "multi-org"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `calcom-mock: ${db} is not a valid calcom-mock state (2 problems); it was left as it is: fix it, or move it away to start afresh\n` +
        `  - /apiKeys/1: duplicate key "${doc.apiKeys[0]!.key}"\n` +
        "  - /memberships/0: userId 99999 does not name an existing user\n",
    );
    expect(filesUnder(folder)).toEqual(before);
  });

  it("a db path whose folder does not exist: the folder is made", async ({ expect }) => {
    const folder = makeTempDir("calcom-mock-cli-db-");
    dirs.push(folder);
    const db = join(folder, "a", "b", "db.json");
    await withCli(["--port", "0", "--db", db, "--quiet"], {}, async (cli) => {
      expect(cli.stdout()).toContain(`db:       ${db} (seeded now)`);
      expect(await stop(cli)).toBe(0);
    });
    // The file and its (empty) journal segment; the lock is gone with the server.
    expect(Object.keys(filesUnder(folder)).filter((name) => !/\.wal-\d+$/.test(name))).toEqual(["a/b/db.json"]);
  });

  it("--host 0.0.0.0: prints a URL a browser can open and warns that /__admin has no authentication", async ({ expect }) => {
    await withCli(["--port", "0", "--db", "memory", "--host", "0.0.0.0", "--quiet"], {}, async (cli, url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(cli.stdout()).toMatch(/bound to 0\.0\.0\.0 \(every interface\)/);
      expect(cli.stdout()).toContain("WARNING: /__admin has no authentication: anyone who can reach this port can read, replace or reset the data");
      expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
      expect(await stop(cli)).toBe(0);
    });
  });
});

// The rest of the option parsing, in-process (the same function the CLI calls first).
describe("parseConfig", () => {
  it("has the documented defaults", () => {
    expect(parseConfig([], {})).toEqual({
      port: 5555,
      host: "127.0.0.1",
      db: ".data/db.json",
      seed: 42,
      scenario: "default",
      seedOrScenarioGiven: false,
      rateLimit: "off",
      journalSize: 1000,
      watch: false,
      responseCache: true,
      specs: [],
      dynamic: false,
      quiet: false,
      help: false,
      version: false,
    });
  });

  it("reads every flag, and every environment variable, flags first", () => {
    const flags = ["--port", "0", "--host", "::1", "--db", "memory", "--seed", "3", "--scenario", "multi-org", "--rate-limit", "cal", "--journal-size", "10", "--watch", "--no-response-cache", "--spec", "a.json", "--spec", "b.json", "--dynamic", "--quiet"];
    const fromFlags = parseConfig(flags, {});
    const env = {
      [ENV.port]: "0",
      [ENV.host]: "::1",
      [ENV.db]: "memory",
      [ENV.seed]: "3",
      [ENV.scenario]: "multi-org",
      [ENV.rateLimit]: "cal",
      [ENV.journalSize]: "10",
      [ENV.watch]: "1",
      [ENV.responseCache]: "off",
      [ENV.spec]: ["a.json", "b.json"].join(delimiter),
      [ENV.dynamic]: "1",
      [ENV.quiet]: "1",
    };
    expect(parseConfig([], env)).toEqual(fromFlags);
    expect(fromFlags).toEqual({
      port: 0,
      host: "::1",
      db: "memory",
      seed: 3,
      scenario: "multi-org",
      seedOrScenarioGiven: true,
      rateLimit: "cal",
      journalSize: 10,
      watch: true,
      responseCache: false,
      specs: ["a.json", "b.json"],
      dynamic: true,
      quiet: true,
      help: false,
      version: false,
    });
    expect(parseConfig([], { [ENV.responseCache]: "on" }).responseCache).toBe(true);
    expect(parseConfig(["--seed", "8"], { ...env, [ENV.seed]: "9" }).seed).toBe(8);
    expect(parseConfig([], { [ENV.watch]: "true" }).watch).toBe(true);
    expect(parseConfig([], { [ENV.watch]: "0" }).watch).toBe(false);
    expect(parseConfig(["--rate-limit", "5/250ms"], {}).rateLimit).toBe("5/250ms");
    expect(() => parseConfig([], { [ENV.rateLimit]: "sometimes" })).toThrow(/--rate-limit/);
    // An empty variable counts as unset.
    expect(parseConfig([], { [ENV.port]: "", [ENV.seed]: "" })).toMatchObject({ port: 5555, seed: 42, seedOrScenarioGiven: false });
  });

  it.each([
    [["--port", "70000"], /--port must be an integer from 0 to 65535/],
    [["--port", "-1"], /--port/],
    [["--port", "1.5"], /--port/],
    [["--seed", "-3"], /--seed/],
    [["--seed", "abc"], /--seed must be an integer/],
    [["--journal-size", "lots"], /--journal-size must be an integer/],
    [["--journal-size", "2000000"], /--journal-size must be an integer from 0 to 1000000/],
    [["extra-positional"], /positional/i],
    [["--db", ""], /--db must be a file path or memory/],
    [["--port"], /--port/],
    [["--watch=yes"], /--watch/],
    [["--rate-limit", "10/1h"], /--rate-limit: rate limit must be .* with DURATION in ms, s or m/],
    [["--seed", "-1"], /--seed must be an integer from 0/],
    [["--scenario", "nope"], /--scenario must be a built-in scenario/],
    [["--rate-limit", "0/1s"], /--rate-limit: rate limit must allow at least 1 request/],
  ])("refuses %j with a ConfigError (the CLI prints it with the usage and exits 2)", (args, pattern) => {
    expect(() => parseConfig(args, {})).toThrow(ConfigError);
    expect(() => parseConfig(args, {})).toThrow(pattern);
  });
});
