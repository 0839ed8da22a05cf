#!/usr/bin/env -S node --max-semi-space-size=4
import { networkInterfaces } from "node:os";
import { setFlagsFromString } from "node:v8";
import { ConfigError, parseConfig, usage, type CliConfig } from "./config.js";
import { HttpError } from "./errors.js";
import { createMockServer, StartError, type MockServer } from "./server.js";
import { keyHolders } from "./store/keys.js";
import { VERSION } from "./version.js";


/** How long requests in flight may take to finish once SIGINT or SIGTERM arrives. */
const SHUTDOWN_GRACE_MS = 5000;

/** A start-up failure as one message that says what to do; the store's own errors already do. */
function startFailure(err: unknown, config: CliConfig): string {
  if (err instanceof StartError) {
    switch (err.code) {
      case "EADDRINUSE":
        return `${err.message}; pick another with --port <n>, or --port 0 for any free port`;
      case "EACCES":
        return `${err.message}; use a port above 1023, or --port 0 for any free port`;
      case "EADDRNOTAVAIL":
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `--host: ${err.message}; use 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface), ::1, or an address of this machine`;
      default:
        return err.message;
    }
  }
  const code = (err as { code?: unknown }).code;
  if (code === "EDBLOCKED") return `${(err as Error).message.replace("another db file (or memory)", "another --db (or --db memory)")}`;
  if (code === "EDBINVALID") return (err as Error).message;
  if (code === "EACCES" || code === "EROFS" || code === "ENOTDIR") {
    return `cannot use --db ${config.db}: ${(err as Error).message}; give a path in a folder you can write to, or --db memory`;
  }
  const message = err instanceof HttpError ? err.message : (err as Error).message;
  return `could not start: ${message}`;
}

/** Addresses of this machine other hosts can reach, for a server bound to every interface. */
function externalUrls(port: number): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === "IPv4")
    .map((a) => `http://${a!.address}:${port}`);
}

function banner(mock: MockServer, config: CliConfig, startedMs: number): string {
  const store = mock.database().store;
  const keys = keyHolders(store);
  const operations = mock.operations();
  const fromState = operations.filter((o) => o.answeredBy === "state").length;
  const furtherDocs = config.specs.length ? `, ${config.specs.length} further document${config.specs.length > 1 ? "s" : ""}` : "";
  const everywhere = mock.address === "0.0.0.0" || mock.address === "::";
  const lines = [
    `calcom-mock ${VERSION} listening on ${mock.url} (started in ${startedMs} ms)`,
    ...(everywhere
      ? [
          `  bound to ${mock.address} (every interface): also reachable at ${externalUrls(mock.port).join(", ") || "this machine's addresses"}`,
          `  WARNING: /__admin has no authentication: anyone who can reach this port can read, replace or reset the data`,
        ]
      : []),
    `  db:       ${config.db === "memory" ? "memory" : `${config.db} (${mock.meta.seeded ? "seeded now" : "existing file kept"})`}`,
    `  scenario: ${mock.meta.scenario}, seed ${mock.meta.seed}`,
    `  API base: ${mock.url}/v2   control API: ${mock.url}/__admin   health: ${mock.url}/__admin/health`,
    `  inspector: ${mock.url}/__inspector   (organization, calendars, bookings, attributes, live requests, controls in the browser)`,
    `  operations: ${operations.length}: ${fromState} answered from state, ${operations.length - fromState} from the spec (${config.dynamic ? "dynamic" : "static"})${furtherDocs}   contract: ${mock.url}/__admin/openapi.json`,
    `  rate limit: ${config.rateLimit}   response cache: ${config.responseCache ? "on" : "off"}${config.watch ? "   watching spec/ and the scenario file" : ""}`,
    `  requests: ${config.quiet ? "not printed (--quiet)" : "one line each below (--quiet to silence)"}`,
    `  API keys (Authorization: Bearer <key>):`,
    ...keys.slice(0, 12).map((k) => `    ${k.key.padEnd(32)} user ${k.userId} (${k.username ?? "?"}), ${k.note}${k.orgIds.length ? `, orgId ${k.orgIds.join(",")}` : ""}`),
    ...(keys.length > 12 ? [`    … and ${keys.length - 12} more: GET ${mock.url}/__admin/state`] : []),
  ];
  return lines.join("\n");
}

/** Exits once the message is written: a write to a pipe is asynchronous, and process.exit() would cut it off. */
function exitWith(code: number, message: string): void {
  process.stderr.write(`${message}\n`, () => process.exit(code));
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      return exitWith(2, `calcom-mock: ${err.message} (calcom-mock --help lists every option)`);
    }
    throw err;
  }
  if (config.help) {
    console.log(usage());
    return;
  }
  if (config.version) {
    console.log(VERSION);
    return;
  }
  const started = Date.now();
  let mock: MockServer;
  try {
    mock = await createMockServer({
      port: config.port,
      host: config.host,
      db: config.db,
      seed: config.seed,
      scenario: config.scenario,
      ...(config.now !== undefined && { now: config.now }),
      reseedOnMismatch: config.seedOrScenarioGiven,
      rateLimit: config.rateLimit,
      journalSize: config.journalSize,
      watch: config.watch,
      responseCache: config.responseCache,
      specs: config.specs,
      dynamic: config.dynamic,
      verbose: !config.quiet,
    });
  } catch (err) {
    return exitWith(1, `calcom-mock: ${startFailure(err, config)}`);
  }

  // V8 lets the heap grow about 4x before it collects, so a server holding ~45 MB of data sat at 300 MB under
  // load. Growing by a quarter at a time, with the young generation capped at 4 MB a semi-space (the flag on the
  // first line and in `npm start`; it must be given at launch), keeps it well under 300 MB through 100,000 writes
  // and their history. Set once the data is loaded: while the store is built nearly everything allocated stays,
  // and growing by a quarter then meant a full collection of the growing heap every few megabytes.
  setFlagsFromString("--heap-growing-percent=25");
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // The journal already holds every acknowledged write: stopping at once loses nothing.
      console.log(`calcom-mock: ${signal} again, stopping at once`);
      process.exit(1);
    }
    stopping = true;
    console.log(`calcom-mock: ${signal}, saving and stopping (requests in flight get up to ${SHUTDOWN_GRACE_MS / 1000} s)`);
    await mock.close({ graceMs: SHUTDOWN_GRACE_MS });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // After the handlers: whoever waits for the banner may signal at once.
  console.log(banner(mock, config, Date.now() - started));
}

void main();
