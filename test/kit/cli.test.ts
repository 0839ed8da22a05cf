import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, ENV, parseConfig } from "../../src/config.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, client, expectSuccess, makeTempDir } from "../support/harness.js";
import { canListen, freePort, waitFor } from "./helpers.js";

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
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
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

describe("calcom-mock CLI: serving", () => {
  it("prints its URL, the scenario and the default scenario's three API keys, serves, and stops on SIGTERM", async () => {
    const port = await freePort();
    await withCli(["--port", String(port), "--db", "memory"], {}, async (cli, url) => {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const out = cli.stdout();
      expect(out).toMatch(/scenario: default, seed 42/);
      expect(out).toMatch(/db: +memory/);
      expect(out).toContain(`API base: ${url}/v2`);
      expect(out).toContain("operations: 181: 48 answered from state, 133 from the spec (static)");
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
      const state = (await (await fetch(`${url}/__admin/state`)).json()) as { meta: unknown };
      expect(state.meta).toEqual({ seed: 7, scenario: "multi-org" });
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

  it("exits 1 when the port is taken", async () => {
    await withCli(["--port", "0", "--db", "memory"], {}, async (first, url) => {
      const second = run(["--port", new URL(url).port, "--db", "memory"]);
      try {
        expect(await second.exited).toBe(1);
        expect(second.stderr()).toMatch(/could not start: .*EADDRINUSE/);
      } finally {
        await kill(second);
      }
      expect(await stop(first)).toBe(0);
    });
  });
});

// These processes end by themselves, so they run side by side.
describe.concurrent("calcom-mock CLI: usage", () => {
  /** Runs the CLI to its end (killing it if the test fails first). */
  async function runToEnd(args: string[], env: Record<string, string> = {}) {
    const cli = run(args, env);
    try {
      return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
    } finally {
      await kill(cli);
    }
  }

  it("prints the usage with --help and exits 0", async ({ expect }) => {
    const { code, stdout } = await runToEnd(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: calcom-mock \[options\]/);
    for (const flag of ["--port", "--db", "--seed", "--scenario", "--rate-limit", "--journal-size", "--watch"]) expect(stdout).toContain(flag);
  });

  it.for<[string[], RegExp]>([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port", "abc"], /--port must be an integer from 0 to 65535, got "abc"/],
    [["--rate-limit", "fast"], /--rate-limit: rate limit must be "cal", "off" or N\/DURATION like 100\/60s, got "fast"/],
  ])("exits 2 with a usage message for %j", async ([args, pattern], { expect }) => {
    const { code, stdout, stderr } = await runToEnd([...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(pattern);
    expect(stderr).toContain("Usage: calcom-mock [options]");
    expect(stdout).toBe("");
  });

  it("refuses a bad environment variable the same way", async ({ expect }) => {
    const { code, stderr } = await runToEnd([], { CALCOM_MOCK_PORT: "eighty", CALCOM_MOCK_DB: "memory" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be an integer from 0 to 65535, got "eighty"/);
  });

  it.for<[string[], RegExp]>([
    [["--scenario", "no-such-scenario"], /could not start: Unknown scenario "no-such-scenario"/],
  ])("exits 1 naming the problem when it cannot start with %j", async ([args, pattern], { expect }) => {
    const { code, stderr } = await runToEnd(["--port", "0", "--db", "memory", ...args]);
    expect(code).toBe(1);
    expect(stderr).toMatch(pattern);
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
      help: false,
    });
  });

  it("reads every flag, and every environment variable, flags first", () => {
    const flags = ["--port", "0", "--host", "::1", "--db", "memory", "--seed", "3", "--scenario", "multi-org", "--rate-limit", "cal", "--journal-size", "10", "--watch", "--no-response-cache", "--spec", "a.json", "--spec", "b.json", "--dynamic"];
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
      help: false,
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
    [["--rate-limit", "10/1h"], /--rate-limit: rate limit must be/],
    [["--rate-limit", "0/1s"], /--rate-limit: rate limit must allow at least 1 request/],
  ])("refuses %j with a ConfigError (the CLI prints it with the usage and exits 2)", (args, pattern) => {
    expect(() => parseConfig(args, {})).toThrow(ConfigError);
    expect(() => parseConfig(args, {})).toThrow(pattern);
  });
});
