import { readFileSync, statSync } from "node:fs";
import { delimiter } from "node:path";
import { parseArgs } from "node:util";
import { parseRateLimit } from "./http/rate-limit.js";
import { parseInstant } from "./store/clock.js";
import { scenarioFile, scenarioNames } from "./store/scenarios.js";

/** The CLI's settings: flags win over environment variables, which win over the defaults. */
export interface CliConfig {
  port: number;
  host: string;
  db: string;
  seed: number;
  scenario: string;
  /** The clock's start, frozen there (ms since the epoch); undefined: real time. */
  now?: number;
  /** Whether --seed or --scenario was given (on the command line or in the environment). */
  seedOrScenarioGiven: boolean;
  rateLimit: string;
  journalSize: number;
  watch: boolean;
  responseCache: boolean;
  /** Further OpenAPI documents whose operations the contract lacks (--spec, repeatable). */
  specs: string[];
  /** Generated answers for the spec-driven operations by default. */
  dynamic: boolean;
  /** No line per request and none per data change: only the banner and problems. */
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export const ENV = {
  port: "CALCOM_MOCK_PORT",
  host: "CALCOM_MOCK_HOST",
  db: "CALCOM_MOCK_DB",
  seed: "CALCOM_MOCK_SEED",
  scenario: "CALCOM_MOCK_SCENARIO",
  now: "CALCOM_MOCK_NOW",
  rateLimit: "CALCOM_MOCK_RATE_LIMIT",
  journalSize: "CALCOM_MOCK_JOURNAL_SIZE",
  watch: "CALCOM_MOCK_WATCH",
  responseCache: "CALCOM_MOCK_RESPONSE_CACHE",
  spec: "CALCOM_MOCK_SPEC",
  dynamic: "CALCOM_MOCK_DYNAMIC",
  quiet: "CALCOM_MOCK_QUIET",
} as const;

const OPTIONS = `Options (flags win over the CALCOM_MOCK_* environment variables):
  --port <n>          port to listen on (default 5555; 0 picks a free one)   env ${ENV.port}
  --host <addr>       address to bind (default 127.0.0.1; 0.0.0.0 for every interface)  env ${ENV.host}
  --db <file|memory>  JSON file to keep state in, or memory (default .data/db.json)  env ${ENV.db}
  --seed <n>          seed of the generated data (default 42)                env ${ENV.seed}
  --scenario <name>   built-in scenario (below) or a scenario file           env ${ENV.scenario}
  --now <ISO>         start the clock frozen at this instant (2026-12-07T09:00:00Z), not real time:
                      slots, notice, upcoming/past and the seeded bookings follow it   env ${ENV.now}
  --rate-limit <r>    off (default), cal (Cal.com's 120/60s per key), or N/DURATION like 10/1s
                      (DURATION in ms, s or m)                               env ${ENV.rateLimit}
  --journal-size <n>  requests kept in the request journal (default 1000)   env ${ENV.journalSize}
  --watch             reload spec/ and the scenario file when they change    env ${ENV.watch}=1
  --no-response-cache compute every GET afresh instead of reusing the answer until the next write
                                                                         env ${ENV.responseCache}=off
  --spec <file>       a further OpenAPI 3 document: its operations the contract lacks are answered from it
                      (repeatable)                                       env ${ENV.spec} (paths joined by ${delimiter})
  --dynamic           generated bodies for the operations answered from the spec (default: the examples)
                                                                         env ${ENV.dynamic}=1
  -q, --quiet         no console line per request or per data change         env ${ENV.quiet}=1
  -v, --version       print the version
  -h, --help          show this help`;

/** One line per built-in scenario: its name and the first sentence of its description. */
function scenarioLines(): string[] {
  return scenarioNames().map((name) => {
    let description = "";
    try {
      const recipe = JSON.parse(readFileSync(scenarioFile(name), "utf8")) as { description?: string };
      description = /^[^.]*\./.exec(recipe.description ?? "")?.[0] ?? "";
    } catch {
      // A scenario that does not read is still listed by name.
    }
    return `  ${name.padEnd(12)}${description}`;
  });
}

/** The whole help: enough to use the server without the README. */
export function usage(): string {
  return `Usage: calcom-mock [options]

A mock of the whole Cal.com API v2, validated against its OpenAPI contract: attributes, their options and the
organization directory (users, memberships, teams, me) kept in a store (state), every other operation answered
from the contract's examples (spec).

${OPTIONS}

Scenarios (--scenario NAME, or a path to a recipe or state file of your own):
${scenarioLines().join("\n")}
  The start-up banner prints each API key of the scenario with its user and organization id.
  The default scenario's keys: cal_test_mock_owner_key, cal_test_mock_admin_key, cal_test_mock_member_key (org 1).

Endpoints:
  /v2/...                     Cal.com's API (Authorization: Bearer <key>); operations that need cal-api-version
                              answer 400 without it. Header Prefer: dynamic=true, code=404 or example=NAME
                              chooses a spec-driven answer.
  GET  /                      where everything is
  GET  /__inspector/          the web inspector: organization, calendar, bookings, attributes, live requests, controls
  GET  /__admin               the control API's endpoints (bodies are JSON: send Content-Type: application/json)
  GET  /__admin/health        200 once ready (for CI wait steps)
  POST /__admin/reset         back to the seeded state; body {"seed": 7, "scenario": "multi-org"} optional
  GET  /__admin/state         the whole state; PUT loads one (spec/state.schema.json), bare or as GET answers it
  POST /__admin/snapshot      {"name": "x"}; POST /__admin/restore {"name": "x"}; GET /__admin/snapshots
  GET  /__admin/requests      the request journal (filters method, path, status, since); DELETE empties it
  POST /__admin/faults        inject errors or delays: {"path": "/v2/**", "status": 503, "count": 1}
  GET  /__admin/scenarios     the scenario served and the built-in ones
  GET  /__admin/clock         the mock's now; PUT {"now": ISO, "frozen": true} sets it, POST /__admin/clock/advance
                              {"by": "2h"} moves it, DELETE back to real time
  GET  /__admin/operations    every operation, answered by state or spec, and its request count
  GET  /__admin/openapi.json  the contract, its servers naming this server (generate a client from it)
  /__admin answers {"status":"success","data":...} (the contract and the live stream excepted), errors in
  Cal.com's envelope.
  The control API (/__admin) has no authentication: keep it on 127.0.0.1 unless you mean to share it.

Examples:
  calcom-mock                                     serve .data/db.json on http://127.0.0.1:5555
  calcom-mock --db memory --port 0 --quiet        a throw-away server on a free port (for CI)
  calcom-mock --scenario multi-org --seed 7       two organizations, another seed
  calcom-mock --dynamic --spec ./newer-calcom.json  generated bodies; operations only the newer document has
  curl -s http://127.0.0.1:5555/v2/organizations/1/attributes -H 'Authorization: Bearer cal_test_mock_member_key'
  curl -s -X POST http://127.0.0.1:5555/__admin/reset
`;
}

export class ConfigError extends Error {}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

const STRING_OPTIONS = ["port", "host", "db", "seed", "scenario", "now", "rate-limit", "journal-size"];

/**
 * `--seed -1` is a mistyped value, not a missing one: parseArgs would refuse it as ambiguous, and the message
 * would not say what the option accepts. Joined as `--seed=-1`, it reaches the option's own check.
 */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (STRING_OPTIONS.includes(arg.slice(2)) && arg.startsWith("--") && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinDashValues(argv),
      options: {
        port: { type: "string" },
        host: { type: "string" },
        db: { type: "string" },
        seed: { type: "string" },
        scenario: { type: "string" },
        now: { type: "string" },
        "rate-limit": { type: "string" },
        "journal-size": { type: "string" },
        watch: { type: "boolean" },
        "no-response-cache": { type: "boolean" },
        spec: { type: "string", multiple: true },
        dynamic: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const flag = (key: keyof typeof ENV): string | undefined => {
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as keyof typeof values;
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const pick = (key: keyof typeof ENV) => flag(key) ?? (env[ENV[key]] || undefined);
  const seed = pick("seed");
  const scenario = pick("scenario");
  const db = pick("db") ?? ".data/db.json";
  if (db === "") throw new ConfigError("--db must be a file path or memory");
  if (db !== "memory") {
    let isDirectory: boolean | undefined;
    try {
      isDirectory = statSync(db, { throwIfNoEntry: false })?.isDirectory();
    } catch {
      // ENOTDIR: a part of the path is a file.
      throw new ConfigError(`--db must be a JSON file path or memory, but a part of ${db} is a file, not a folder`);
    }
    if (isDirectory) throw new ConfigError(`--db must be a JSON file or memory, but ${db} is a directory (try ${db.replace(/\/+$/, "")}/db.json)`);
  }
  if (scenario !== undefined) {
    try {
      scenarioFile(scenario);
    } catch {
      const isPath = /[/\\]|\.json$/.test(scenario);
      throw new ConfigError(
        isPath
          ? `--scenario: no file ${scenario}; give a scenario file that exists, or a built-in scenario: ${scenarioNames().join(", ")}`
          : `--scenario must be a built-in scenario (${scenarioNames().join(", ")}) or the path of a scenario file, got "${scenario}"`,
      );
    }
  }
  const nowText = pick("now");
  const now = nowText === undefined ? undefined : parseInstant(nowText);
  if (nowText !== undefined && now === undefined) {
    throw new ConfigError(`--now must be an ISO 8601 instant with an offset, like 2026-12-07T09:00:00Z (or a date, 2026-12-07), got "${nowText}"`);
  }
  const rateLimit = pick("rateLimit") ?? "off";
  try {
    parseRateLimit(rateLimit);
  } catch (err) {
    // A bad value is a usage error like a bad --port, not a failure to start.
    throw new ConfigError(`--rate-limit: ${(err as Error).message}`);
  }
  return {
    port: integer("--port", pick("port") ?? "5555", 0, 65535),
    host: pick("host") ?? "127.0.0.1",
    db,
    seed: seed === undefined ? 42 : integer("--seed", seed, 0, Number.MAX_SAFE_INTEGER),
    scenario: scenario ?? "default",
    ...(now !== undefined && { now }),
    seedOrScenarioGiven: seed !== undefined || scenario !== undefined,
    rateLimit,
    journalSize: integer("--journal-size", pick("journalSize") ?? "1000", 0, 1_000_000),
    watch: values.watch ?? ["1", "true", "yes"].includes((env[ENV.watch] ?? "").toLowerCase()),
    specs: values.spec ?? (env[ENV.spec] ?? "").split(delimiter).filter(Boolean),
    dynamic: values.dynamic ?? ["1", "true", "yes"].includes((env[ENV.dynamic] ?? "").toLowerCase()),
    responseCache: !(values["no-response-cache"] ?? ["0", "false", "no", "off"].includes((env[ENV.responseCache] ?? "").toLowerCase())),
    quiet: values.quiet ?? ["1", "true", "yes"].includes((env[ENV.quiet] ?? "").toLowerCase()),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
