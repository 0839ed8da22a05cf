import { delimiter } from "node:path";
import { parseArgs } from "node:util";
import { parseRateLimit } from "./rate-limit.js";

/** The CLI's settings: flags win over environment variables, which win over the defaults. */
export interface CliConfig {
  port: number;
  host: string;
  db: string;
  seed: number;
  scenario: string;
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
  help: boolean;
}

export const ENV = {
  port: "CALCOM_MOCK_PORT",
  host: "CALCOM_MOCK_HOST",
  db: "CALCOM_MOCK_DB",
  seed: "CALCOM_MOCK_SEED",
  scenario: "CALCOM_MOCK_SCENARIO",
  rateLimit: "CALCOM_MOCK_RATE_LIMIT",
  journalSize: "CALCOM_MOCK_JOURNAL_SIZE",
  watch: "CALCOM_MOCK_WATCH",
  responseCache: "CALCOM_MOCK_RESPONSE_CACHE",
  spec: "CALCOM_MOCK_SPEC",
  dynamic: "CALCOM_MOCK_DYNAMIC",
} as const;

export const USAGE = `Usage: calcom-mock [options]

  --port <n>          port to listen on (default 5555; 0 picks a free one)   env ${ENV.port}
  --host <addr>       address to bind (default 127.0.0.1)                    env ${ENV.host}
  --db <file|memory>  JSON file to keep state in, or memory (default .data/db.json)  env ${ENV.db}
  --seed <n>          seed of the generated data (default 42)                env ${ENV.seed}
  --scenario <name>   built-in scenario (see fixtures/) or a scenario file   env ${ENV.scenario}
  --rate-limit <r>    off (default), cal (Cal.com's 120/60s per key), or N/DURATION like 10/1s
                                                                         env ${ENV.rateLimit}
  --journal-size <n>  requests kept in the request journal (default 1000)   env ${ENV.journalSize}
  --watch             reload spec/ and the scenario file when they change    env ${ENV.watch}=1
  --no-response-cache compute every GET afresh instead of reusing the answer until the next write
                                                                         env ${ENV.responseCache}=off
  --spec <file>       a further OpenAPI 3 document: its operations the contract lacks are answered from it
                      (repeatable)                                       env ${ENV.spec} (paths joined by ${delimiter})
  --dynamic           generated bodies for the operations answered from the spec (default: the examples)
                                                                         env ${ENV.dynamic}=1
  -h, --help          show this help
`;

export class ConfigError extends Error {}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        db: { type: "string" },
        seed: { type: "string" },
        scenario: { type: "string" },
        "rate-limit": { type: "string" },
        "journal-size": { type: "string" },
        watch: { type: "boolean" },
        "no-response-cache": { type: "boolean" },
        spec: { type: "string", multiple: true },
        dynamic: { type: "boolean" },
        help: { type: "boolean", short: "h" },
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
    seedOrScenarioGiven: seed !== undefined || scenario !== undefined,
    rateLimit,
    journalSize: integer("--journal-size", pick("journalSize") ?? "1000", 0, 1_000_000),
    watch: values.watch ?? ["1", "true", "yes"].includes((env[ENV.watch] ?? "").toLowerCase()),
    specs: values.spec ?? (env[ENV.spec] ?? "").split(delimiter).filter(Boolean),
    dynamic: values.dynamic ?? ["1", "true", "yes"].includes((env[ENV.dynamic] ?? "").toLowerCase()),
    responseCache: !(values["no-response-cache"] ?? ["0", "false", "no", "off"].includes((env[ENV.responseCache] ?? "").toLowerCase())),
    help: values.help ?? false,
  };
}
