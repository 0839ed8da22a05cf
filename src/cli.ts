#!/usr/bin/env -S node --max-semi-space-size=4
import { setFlagsFromString } from "node:v8";
import { ConfigError, USAGE, parseConfig } from "./config.js";
import { HttpError } from "./errors.js";
import { createMockServer } from "./server.js";

// V8 lets the heap grow about 4x before it collects, so a server holding ~45 MB of data sat at 300 MB under
// load. Growing by a quarter at a time, with the young generation capped at 4 MB a semi-space (the flag on the
// first line and in `npm start`; it must be given at launch), keeps it well under 300 MB through 100,000 writes
// and their history, at no throughput cost the benchmark could measure (bench/).
setFlagsFromString("--heap-growing-percent=25");

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`calcom-mock: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  let mock;
  try {
    mock = await createMockServer({
      port: config.port,
      host: config.host,
      db: config.db,
      seed: config.seed,
      scenario: config.scenario,
      reseedOnMismatch: config.seedOrScenarioGiven,
      rateLimit: config.rateLimit,
      journalSize: config.journalSize,
      watch: config.watch,
      responseCache: config.responseCache,
      specs: config.specs,
      dynamic: config.dynamic,
    });
  } catch (err) {
    const message = err instanceof HttpError ? err.message : (err as Error).message;
    console.error(`calcom-mock: could not start: ${message}`);
    process.exit(1);
  }
  const state = mock.database().store;
  const operations = mock.operations();
  const fromState = operations.filter((o) => o.answeredBy === "state").length;
  const keys = [...state.rows.apiKeys.values()];
  const lines = [
    `calcom-mock listening on ${mock.url} (started in ${Date.now() - started} ms)`,
    `  db:       ${config.db === "memory" ? "memory" : `${config.db} (${mock.meta.seeded ? "seeded now" : "existing file kept"})`}`,
    `  scenario: ${mock.meta.scenario}, seed ${mock.meta.seed}`,
    `  API base: ${mock.url}/v2   control API: ${mock.url}/__admin`,
    `  inspector: ${mock.url}/__inspector   (organization, attributes, live requests, controls in the browser)`,
    `  operations: ${operations.length}: ${fromState} answered from state, ${operations.length - fromState} from the spec (${config.dynamic ? "dynamic" : "static"})${config.specs.length ? `, ${config.specs.length} further document${config.specs.length > 1 ? "s" : ""}` : ""}   contract: ${mock.url}/__admin/openapi.json`,
    `  rate limit: ${config.rateLimit}   response cache: ${config.responseCache ? "on" : "off"}${config.watch ? "   watching spec/ and the scenario file" : ""}`,
    `  API keys (Authorization: Bearer <key>):`,
    ...keys.slice(0, 12).map((k) => {
      const user = state.get("users", k.userId);
      const orgs = [...state.rows.organizations.values()].filter((o) => state.membershipByTeamUser.get(`${o.id}:${k.userId}`));
      return `    ${k.key.padEnd(32)} user ${k.userId} (${user?.username ?? "?"}), ${k.note}${orgs.length ? `, orgId ${orgs.map((o) => o.id).join(",")}` : ""}`;
    }),
    ...(keys.length > 12 ? [`    … and ${keys.length - 12} more: GET ${mock.url}/__admin/state`] : []),
  ];
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`calcom-mock: ${signal}, saving and stopping`);
    await mock.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

void main();
