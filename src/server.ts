import { statSync } from "node:fs";
import { STATUS_CODES, createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import { accessLog } from "./http/access-log.js";
import { FaultRules } from "./admin/faults.js";
import { LiveFeed } from "./admin/live-feed.js";
import { OperationCounts, type OperationSummary } from "./admin/operation-counts.js";
import { RequestLog } from "./admin/request-log.js";
import { Stubs } from "./admin/stubs.js";
import type { Stub, StubDefinition } from "./admin/stub-types.js";
import { parseStateDocument } from "./store/state-document.js";
import { API_PREFIX, createMockApp, expressPrototypes } from "./app.js";
import { DEFAULT_SPEC_PATH, loadContract, type Contract } from "./contract/index.js";
import { errorEnvelope, httpException, notFound } from "./errors.js";
import { parseRateLimit, type RateLimitOption } from "./http/rate-limit.js";
import { createResponder, type Responder } from "./responder/engine.js";
import { answeredBy } from "./routes/index.js";
import { Database, type DbLocation } from "./store/database.js";
import { keyHolders } from "./store/keys.js";
import { lockDbFile, type DbLock } from "./store/lock.js";
import { Clock, parseInstant } from "./store/clock.js";
import { scenarioFile, scenarioNames, scenarioState } from "./store/scenarios.js";
import type { State, StateMeta } from "./store/schema.js";
import { VERSION } from "./version.js";
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
  /** Where watch mode (and `verbose`) report; defaults to console.log. */
  log?: (line: string) => void;
  /**
   * Print one line per request (method, path, status, time, and a 4xx's reason) to stdout, and a line through
   * `log` whenever a reset, state load or restore changes the data. Off by default; the CLI turns it on unless
   * --quiet.
   */
  verbose?: boolean;
  /** Path to the OpenAPI document; defaults to the one in spec/. */
  specPath?: string;
  /**
   * Further OpenAPI 3 documents (a newer Cal.com document, say): their operations that the contract lacks are
   * answered from them. A document that does not load makes createMockServer reject, naming it.
   */
  specs?: string[];
  /** Generated answers for the spec-driven operations unless a request says `Prefer: dynamic=false`. */
  dynamic?: boolean;
  /**
   * Stubs installed at start (as POST /__admin/stubs takes them). They stay through a reset, which removes only
   * the stubs added since; a malformed one makes createMockServer reject, naming the field.
   */
  stubs?: StubDefinition[];
  /**
   * Start the clock at this instant (ms since the epoch, or an ISO string), frozen there until moved through
   * /__admin/clock; left out, the clock is real time. Seeding follows it: the same seed and now give the same state.
   */
  now?: number | string;
}

export interface MockServer {
  /** A URL a client on this machine can use (127.0.0.1 or [::1] when bound to every interface). */
  url: string;
  port: number;
  /** The address bound, as given by the operating system (0.0.0.0 or :: for every interface). */
  address: string;
  /** The seed and scenario the state was made from, and whether this start made it. */
  meta: StateMeta & { seeded: boolean };
  /**
   * Stops listening, ends the connections, saves and releases the db file. With `graceMs`, requests in flight
   * may finish first, for that long at most (the CLI gives 5 s on SIGINT and SIGTERM); by default they are cut.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  reset(options?: { seed?: number; scenario?: string }): Promise<StateMeta>;
  /** A copy of the whole state. */
  state(): State;
  database(): Database;
  /** Every operation served, how it is answered and its request count (as GET /__admin/operations). */
  operations(): OperationSummary[];
  /** Installs a stub (as POST /__admin/stubs): its answer comes before the stateful and the spec-driven one. */
  addStub(definition: StubDefinition): Stub;
  /** The stubs installed, in the order they are matched (as GET /__admin/stubs). */
  stubs(): Stub[];
  /** Removes one stub; false if there is none with that id. */
  removeStub(id: string): boolean;
  /** Removes every stub, those given at start included (until the next reset). */
  clearStubs(): void;
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

/** A start-up failure the caller can act on; `code` is Node's (EADDRINUSE, EADDRNOTAVAIL, EACCES) or the mock's. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Binds the port, turning the OS's refusals into sentences. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      const code = err.code ?? "EUNKNOWN";
      const reasons: Record<string, string> = {
        EADDRINUSE: `port ${port} on ${host} is already in use`,
        EACCES: `port ${port} on ${host} needs privileges this process does not have`,
        EADDRNOTAVAIL: `host ${host} is not an address of this machine`,
        ENOTFOUND: `host ${host} does not resolve to an address`,
        EAI_AGAIN: `host ${host} could not be resolved (name lookup failed)`,
      };
      reject(new StartError(reasons[code] ? `${reasons[code]} (${code})` : `could not listen on ${host}:${port}: ${err.message}`, code));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/**
 * Requests that arrive between the port being bound and the data being ready wait, and are answered once it is
 * (a client polling during start-up sees the same as before: its first answer is a real one). If the start
 * fails, they get a 503 in Cal.com's envelope.
 */
class StartupQueue {
  private waiting: Array<[IncomingMessage, ServerResponse]> = [];
  readonly listener: RequestListener = (req, res) => {
    this.waiting.push([req, res]);
  };

  release(listener: RequestListener): void {
    for (const [req, res] of this.waiting.splice(0)) listener(req, res);
  }

  refuse(): void {
    for (const [req, res] of this.waiting.splice(0)) {
      const message = "calcom-mock could not start";
      const { code, details } = httpException(503, message);
      const body = JSON.stringify(errorEnvelope(req.url ?? "/", code, message, details));
      res.writeHead(503, { "content-type": "application/json; charset=utf-8", connection: "close" }).end(body);
    }
  }
}

/** The keys a state issues, for the console line of a data change. */
function keysSummary(db: Database): string {
  const keys = keyHolders(db.store).map((k) => `${k.key}${k.orgIds.length ? ` (org ${k.orgIds.join(",")})` : ""}`);
  return keys.length > 6 ? `${keys.slice(0, 6).join(", ")} and ${keys.length - 6} more` : keys.join(", ") || "none";
}

/**
 * Starts a mock server: its own contract, store, journal and listener, sharing nothing with any other instance.
 * The port is bound first and the db file locked next, so a port clash or a second server on the same file is
 * refused before any data is read or changed.
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const seed = options.seed ?? DEFAULT_SEED;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const specPath = options.specPath ?? DEFAULT_SPEC_PATH;
  const log = options.log ?? ((line: string) => console.log(line));
  const rateLimit = parseRateLimit(options.rateLimit);
  const location = options.db ?? "memory";
  scenarioFile(scenario); // an unknown scenario is refused before anything starts
  const startNow = typeof options.now === "string" ? parseInstant(options.now) : options.now;
  if (options.now !== undefined && (startNow === undefined || !Number.isFinite(startNow))) {
    throw new StartError(`now must be an ISO 8601 instant with an offset (2026-12-07T09:00:00Z) or milliseconds, got ${JSON.stringify(options.now)}`, "EBADNOW");
  }
  const clock = new Clock(startNow === undefined ? undefined : { now: startNow });
  if (location !== "memory" && statSync(location, { throwIfNoEntry: false })?.isDirectory()) {
    throw new StartError(`db ${location} is a directory; give the path of a JSON file in it, like ${location.replace(/\/+$/, "")}/db.json`, "EISDIR");
  }
  // Stubs given at start are checked before anything starts, as POST /__admin/stubs would check them.
  let stubs: Stubs;
  try {
    stubs = new Stubs(options.stubs ?? []);
  } catch (err) {
    throw new StartError(`stubs: ${(err as Error).message}`, "EBADSTUB");
  }
  // The contract and any --spec document load before the port is bound: one that does not load is refused
  // with nothing started.
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

  const queue = new StartupQueue();
  let handle: RequestListener = queue.listener;
  let shuttingDown = false;
  const requestLines = options.verbose ? accessLog((text) => process.stdout.write(text)) : undefined;
  const dispatch: RequestListener = (req, res) => {
    // Once closing, each answer ends its connection, so keep-alive clients let go of the server.
    if (shuttingDown) res.setHeader("connection", "close");
    handle(req, res);
  };
  const prototypes = expressPrototypes();
  const server = createServer({ IncomingMessage: prototypes.IncomingMessage, ServerResponse: prototypes.ServerResponse }, requestLines ? requestLines.wrap(dispatch) : dispatch);
  server.on("clientError", answerClientError);
  await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const { port, address } = server.address() as AddressInfo;
  const reachable = address === "0.0.0.0" ? "127.0.0.1" : address === "::" ? "::1" : address;
  const url = `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;

  let lock: DbLock | undefined;
  let opened: Database | undefined;
  let seeded = false;
  try {
    if (location !== "memory") {
      lock = lockDbFile(location);
      lock.describe(url);
      if (lock.takenOverFrom) {
        const why = { gone: "", damaged: "", zombie: " (a zombie: it was killed and nothing reaped it)", "pid reused": " (its pid now belongs to another process)" }[lock.takenOverFrom.reason];
        log(`calcom-mock: ${lock.file} was locked by process ${lock.takenOverFrom.pid}, which is no longer running${why}; lock taken over (its journal is replayed now)`);
      }
    }
    opened = await Database.open(location, () => {
      seeded = true;
      return scenarioState(scenario, seed, clock.now());
    });
    if (!seeded && options.reseedOnMismatch && (opened.store.meta.seed !== seed || opened.store.meta.scenario !== scenario)) {
      await opened.replace(scenarioState(scenario, seed, clock.now()));
      seeded = true;
    }
  } catch (err) {
    queue.refuse();
    await opened?.close();
    lock?.release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  const db = opened;

  const feed = new LiveFeed(log);
  /**
   * After a reset, load or restore replaced the whole state: a console line (verbose) with the keys now served,
   * and an event that makes connected inspectors load what they show again.
   */
  const changed = (what: string, state: State): StateMeta => {
    // The meta of the state this replace brought: with replaces queued one after another, db.store may already be
    // the next one's.
    const meta = { ...state.meta };
    if (options.verbose) log(`calcom-mock: ${what}: scenario ${meta.scenario}, seed ${meta.seed}; keys: ${keysSummary(db)}`);
    if (feed.watched) feed.publish("state", meta);
    return meta;
  };

  let onScenarioChange: (() => void) | undefined;
  const reset = async (opts: { seed?: number; scenario?: string } = {}): Promise<StateMeta> => {
    const next = { seed: opts.seed ?? current.seed, scenario: opts.scenario ?? current.scenario };
    const state = scenarioState(next.scenario, next.seed, clock.now());
    await db.replace(state);
    // As WireMock's reset: the stubs added since the start go, those given at start come back with fresh counts.
    stubs.reset();
    const switched = next.scenario !== current.scenario;
    current = next;
    if (switched) onScenarioChange?.();
    return changed("state reset", state);
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

  const startedAt = Date.now();
  const { app, v2 } = createMockApp({
    contract: () => contract,
    db: () => db,
    clock,
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
        return changed("state loaded (PUT /__admin/state)", state);
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
        return changed(`snapshot "${name}" restored`, entry.state);
      },
      snapshots: () => [...snapshots].map(([name, s]) => ({ name, createdAt: s.createdAt })),
      health: () => ({
        status: "ok",
        version: VERSION,
        // Which process answers: a CI step that started the server can tell it from another one on the port.
        pid: process.pid,
        uptimeMs: Date.now() - startedAt,
        db: db.location,
        scenario: db.store.meta.scenario,
        seed: db.store.meta.seed,
      }),
      requests: new RequestLog(options.journalSize ?? 1000, feed),
      faults: new FaultRules(random),
      stubs,
      store: () => db.store,
      clock,
      scenarios: () => ({ current: { ...db.store.meta }, available: scenarioNames() }),
      feed,
    },
  });
  prototypes.use(app);
  // /v2 without Express's application and router (see createMockApp), everything else through them.
  handle = (req, res) => (API_PREFIX.test(req.url ?? "") ? v2(req, res) : app(req, res));
  queue.release(handle);

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
    url,
    port,
    address,
    meta: { ...db.store.meta, seeded },
    server,
    state: () => structuredClone(db.store.toState()),
    database: () => db,
    operations: () => operationsOf(contract, counts),
    addStub: (definition) => stubs.add(definition),
    stubs: () => stubs.list(),
    removeStub: (id) => stubs.remove(id),
    clearStubs: () => stubs.clear(),
    reset,
    close({ graceMs = 0 } = {}) {
      closing ??= (async () => {
        stopWatching?.();
        shuttingDown = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // An inspector's live stream never finishes by itself: end it rather than wait out the grace.
        feed.close();
        if (graceMs > 0) {
          // Idle keep-alive connections go at once, busy ones as soon as their answer is sent.
          const sweep = setInterval(() => server.closeIdleConnections(), 25);
          server.closeIdleConnections();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
          clearInterval(sweep);
          clearTimeout(timer);
        }
        server.closeAllConnections();
        await closed;
        requestLines?.flush();
        await db.close();
        lock?.release();
      })();
      return closing;
    },
  };
}
