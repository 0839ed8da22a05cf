import { once } from "node:events";
import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import { FaultRules } from "./admin/faults.js";
import type { OperationSummary } from "./admin/index.js";
import { LiveFeed } from "./admin/live-feed.js";
import { OperationCounts } from "./admin/operation-counts.js";
import { RequestLog } from "./admin/request-log.js";
import { parseStateDocument } from "./admin/state-document.js";
import { createApp } from "./app.js";
import { DEFAULT_SPEC_PATH, loadContract, type Contract } from "./contract/index.js";
import { errorEnvelope, httpException, notFound } from "./errors.js";
import { parseRateLimit, type RateLimitOption } from "./rate-limit.js";
import { createResponder, type Responder } from "./responder/engine.js";
import { answeredBy } from "./routes/index.js";
import { Database, type DbLocation } from "./store/database.js";
import { scenarioFile, scenarioNames, scenarioState } from "./store/scenarios.js";
import type { State, StateMeta } from "./store/schema.js";
import { watchFiles } from "./watch.js";

export interface MockServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** "memory" (the default) or the path of a JSON file. */
  db?: DbLocation;
  seed?: number;
  /** A built-in scenario name (see fixtures/) or a scenario file path. */
  scenario?: string;
  /** Reseed an existing file database when its seed or scenario differ from these options. */
  reseedOnMismatch?: boolean;
  /**
   * Largest accepted /v2 request body: bytes or a string like "100kb" (the default: body-parser's, which Cal.com
   * keeps). The control API has limits of its own (1 MB; `PUT /__admin/state` 512 MB).
   */
  bodyLimit?: string | number;
  /** How many requests the journal keeps (default 1000; 0 keeps none). */
  journalSize?: number;
  /** Cal.com's rate limits: "cal", "off" (the default), "N/DURATION" such as "10/1s", or {limit, ttlMs, blockMs}. */
  rateLimit?: RateLimitOption;
  /**
   * Serve a repeated GET from the answer computed last time, until the next write or reset (default true). Off,
   * every GET is computed afresh: the answers are the same either way.
   */
  responseCache?: boolean;
  /** Reload spec/ and the scenario file when they change. */
  watch?: boolean;
  /** Where watch mode reports what it reloaded; defaults to console.log. */
  log?: (line: string) => void;
  /** Path to the OpenAPI document; defaults to the one in spec/. */
  specPath?: string;
  /**
   * Further OpenAPI 3 documents (a newer Cal.com document, say): their operations that the contract lacks are
   * answered from them. A document that does not load makes createMockServer reject, naming it.
   */
  specs?: string[];
  /** Generated answers for the spec-driven operations unless a request says `Prefer: dynamic=false`. */
  dynamic?: boolean;
}

export interface MockServer {
  url: string;
  port: number;
  /** The seed and scenario the state was made from, and whether this start made it. */
  meta: StateMeta & { seeded: boolean };
  close(): Promise<void>;
  reset(options?: { seed?: number; scenario?: string }): Promise<StateMeta>;
  /** A copy of the whole state. */
  state(): State;
  database(): Database;
  /** Every operation served, how it is answered and its request count (as GET /__admin/operations). */
  operations(): OperationSummary[];
  server: Server;
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (a request line or headers over 16 KB, raw bytes
 * that are not allowed on the request line) still get Cal.com's error envelope rather than an empty answer.
 */
function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "HPE_REQUEST_TIMEOUT" ? 408 : 400;
  const message =
    status === 431
      ? "Request line or headers are larger than the server accepts"
      : status === 408
        ? "The request was not received in time"
        : "The request could not be parsed as HTTP";
  const requestLine = err.rawPacket?.toString("latin1").split("\r\n", 1)[0] ?? "";
  const path = (requestLine.split(" ")[1] ?? "/").slice(0, 2048);
  const { code, details } = httpException(status, message);
  const body = JSON.stringify(errorEnvelope(path, code, message, details));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function operationsOf(contract: Contract, counts: OperationCounts): OperationSummary[] {
  return contract.operations.map((op) => ({
    method: op.method,
    path: op.pathTemplate,
    operationId: op.operationId,
    tag: op.tag,
    answeredBy: answeredBy(op.operationId),
    requests: counts.get(op.operationId),
  }));
}

export const DEFAULT_SEED = 42;
/** body-parser's default JSON limit, which Cal.com's NestJS app keeps. */
export const DEFAULT_BODY_LIMIT = "100kb";
export const DEFAULT_SCENARIO = "default";

/** Starts a mock server: its own contract, store, journal and listener, sharing nothing with any other instance. */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const seed = options.seed ?? DEFAULT_SEED;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const specPath = options.specPath ?? DEFAULT_SPEC_PATH;
  const log = options.log ?? ((line: string) => console.log(line));
  const rateLimit = parseRateLimit(options.rateLimit);
  const specs = options.specs ?? [];
  let contract: Contract = loadContract(specPath, specs);
  for (const source of contract.sources.slice(1)) {
    if (source.repairs.length) log(`calcom-mock: --spec ${source.path} repaired as the contract is: ${source.repairs.join("; ")}`);
  }
  // Prism is imported on the first spec-driven request, not at start-up: the import alone takes over a second.
  let responder: Responder = createResponder(contract.sources, seed);
  const counts = new OperationCounts();
  let openapiJson: { base: string; json: string } | undefined;
  let current = { seed, scenario };

  let seeded = false;
  const db = await Database.open(options.db ?? "memory", () => {
    seeded = true;
    return scenarioState(scenario, seed);
  });
  if (!seeded && options.reseedOnMismatch && (db.store.meta.seed !== seed || db.store.meta.scenario !== scenario)) {
    await db.replace(scenarioState(scenario, seed));
    seeded = true;
  }

  const feed = new LiveFeed();
  /** Tells connected inspectors that the whole state was replaced, so they load what they show again. */
  const replaced = (): StateMeta => {
    const meta = { ...db.store.meta };
    if (feed.watched) feed.publish("state", meta);
    return meta;
  };

  let onScenarioChange: (() => void) | undefined;
  const reset = async (opts: { seed?: number; scenario?: string } = {}): Promise<StateMeta> => {
    const next = { seed: opts.seed ?? current.seed, scenario: opts.scenario ?? current.scenario };
    await db.replace(scenarioState(next.scenario, next.seed));
    const switched = next.scenario !== current.scenario;
    current = next;
    if (switched) onScenarioChange?.();
    return replaced();
  };

  const snapshots = new Map<string, { state: State; createdAt: string }>();
  // A seeded generator for probabilistic faults, so a run repeats (mulberry32).
  let faultSeed = seed >>> 0;
  const random = () => {
    faultSeed = (faultSeed + 0x6d2b79f5) >>> 0;
    let t = faultSeed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const app = createApp({
    contract: () => contract,
    db: () => db,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    rateLimit,
    responseCache: options.responseCache,
    responder: () => responder,
    dynamic: options.dynamic,
    counts,
    admin: {
      operations: () => operationsOf(contract, counts),
      clearCounts: () => counts.clear(),
      openapi(baseUrl) {
        if (openapiJson?.base !== baseUrl) openapiJson = { base: baseUrl, json: JSON.stringify({ ...contract.doc, servers: [{ url: baseUrl }] }) };
        return openapiJson.json;
      },
      reset,
      stateJson: () => JSON.stringify(db.store.toState()),
      async loadState(doc) {
        const state = parseStateDocument(doc, { seed: current.seed, scenario: "custom" });
        await db.replace(state);
        return replaced();
      },
      snapshot(name) {
        // Rows are replaced, never changed in place, so the arrays of the moment are a consistent copy.
        const entry = { state: db.store.toState(), createdAt: new Date().toISOString() };
        snapshots.set(name, entry);
        return { name, createdAt: entry.createdAt };
      },
      async restore(name) {
        const entry = snapshots.get(name);
        if (!entry) throw notFound(`No snapshot named "${name}"; taken: ${[...snapshots.keys()].join(", ") || "none"}`);
        await db.replace(entry.state);
        return replaced();
      },
      snapshots: () => [...snapshots].map(([name, s]) => ({ name, createdAt: s.createdAt })),
      requests: new RequestLog(options.journalSize ?? 1000, feed),
      faults: new FaultRules(random),
      store: () => db.store,
      scenarios: () => ({ current: { ...db.store.meta }, available: scenarioNames() }),
      feed,
    },
  });

  const server = app.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  server.on("clientError", answerClientError);
  try {
    await once(server, "listening");
  } catch (err) {
    await db.close();
    throw err;
  }
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  let stopWatching: (() => void) | undefined;
  // Watches the spec and the file of the scenario being served; a reset to another scenario re-targets it.
  const watchCurrent = () => {
    stopWatching?.();
    const watched = [specPath];
    try {
      watched.push(scenarioFile(current.scenario));
    } catch {
      // A scenario whose file is gone has nothing to watch.
    }
    stopWatching = watchFiles(watched, (file) => {
      if (file === specPath) {
        try {
          contract = loadContract(specPath, specs);
          responder = createResponder(contract.sources, seed);
          openapiJson = undefined;
          log(`calcom-mock: reloaded ${file}: ${contract.operations.length} operations; the state is kept`);
        } catch (err) {
          log(`calcom-mock: ${file} changed but does not load (${(err as Error).message}); still serving the previous spec`);
        }
        return;
      }
      reset().then(
        (meta) => log(`calcom-mock: reloaded scenario ${file}: state re-seeded (scenario ${meta.scenario}, seed ${meta.seed})`),
        (err: Error) => log(`calcom-mock: scenario ${file} changed but does not load (${err.message}); the state is kept`),
      );
    });
  };
  if (options.watch) {
    watchCurrent();
    onScenarioChange = watchCurrent;
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    meta: { ...db.store.meta, seeded },
    server,
    state: () => structuredClone(db.store.toState()),
    database: () => db,
    operations: () => operationsOf(contract, counts),
    reset,
    close() {
      closing ??= (async () => {
        stopWatching?.();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.close();
      })();
      return closing;
    },
  };
}
