import { Router, json, type Request } from "express";
import { badRequest, notFound } from "../errors.js";
import { requireJsonBody } from "../http/json-body.js";
import { nestingDepthLimit } from "../http/depth-limit.js";
import type { Clock } from "../store/clock.js";
import type { StateMeta } from "../store/schema.js";
import { clockRouter } from "./clock.js";
import type { Store } from "../store/store.js";
import type { FaultRules } from "./faults.js";
import { adminIndex, baseUrl } from "./home.js";
import type { LiveFeed } from "./live-feed.js";
import type { OperationSummary } from "./operation-counts.js";
import type { Stubs } from "./stubs.js";
import { stubsRouter } from "./stubs-router.js";
import { parseJournalPage, parseRequestFilter, type LoggedRequest, type RequestLog } from "./request-log.js";
import { viewsRouter } from "./views.js";
import { schedulingViewsRouter } from "./scheduling-views.js";

export interface AdminControl {
  reset(options: { seed?: number; scenario?: string }): Promise<StateMeta>;
  /** The whole state as JSON text, bare: GET /state wraps it in the envelope. */
  stateJson(): string;
  /**
   * Validates and loads a whole state document, bare or in the envelope GET /state answers; the current state is
   * untouched if it is refused.
   */
  loadState(doc: unknown): Promise<StateMeta>;
  snapshot(name: string): { name: string; createdAt: string };
  restore(name: string): Promise<StateMeta>;
  snapshots(): Array<{ name: string; createdAt: string }>;
  /** What GET /__admin/health answers once the server is ready. */
  health(): Record<string, unknown>;
  requests: RequestLog;
  faults: FaultRules;
  stubs: Stubs;
  /** The store as it is now (a reset replaces it), for the read endpoints of views.ts. */
  store(): Store;
  scenarios(): { current: StateMeta; available: string[] };
  /** Server-sent events for connected inspectors: new requests, and state replaced by reset, restore or load. */
  feed: LiveFeed;
  /** Every operation of the contract, how it is answered and how many requests it has had. */
  operations(): OperationSummary[];
  /** Forgets the request counts of GET /operations (DELETE /requests does it with the journal). */
  clearCounts(): void;
  /** The contract as JSON, its `servers` naming `baseUrl`. */
  openapi(baseUrl: string): string;
  /** The server's clock, read and set through /clock. */
  clock: Clock;
}

function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("body: must be a JSON object");
  return body as Record<string, unknown>;
}

function snapshotName(body: Record<string, unknown>): string {
  const name = body.name ?? "default";
  if (typeof name !== "string" || !/^[\w.-]{1,100}$/.test(name)) throw badRequest("body name: must be 1-100 letters, digits, '.', '-' or '_'");
  return name;
}

const ok = (data: unknown) => ({ status: "success", data });

/** What PUT /__admin/state accepts: whole state documents of the largest scenarios. */
const STATE_BODY_LIMIT = "512mb";

/** The control API, under /__admin so it never collides with Cal.com's /v2 routes. */
export function adminRouter(control: AdminControl, bodyLimit: string | number): Router {
  const router = Router();
  router.use(requireJsonBody);
  // A state document is as large as GET /state answers (large-org's is ~14 MB), far over the limit meant for
  // API traffic, so PUT /state reads its body with a limit of its own before the router-wide parser.
  router.put("/state", json({ limit: STATE_BODY_LIMIT }), nestingDepthLimit(), async (req, res) => {
    res.json(ok(await control.loadState(req.body)));
  });
  router.use(json({ limit: bodyLimit }), nestingDepthLimit());

  router.get("/", adminIndex());

  // Requests that arrive while the data opens wait for it (server.ts), so a 200 here means ready: CI waits on it.
  router.get("/health", (_req, res) => {
    res.json(ok(control.health()));
  });

  router.post("/reset", async (req, res) => {
    const { seed, scenario } = objectBody(req);
    if (seed !== undefined && (!Number.isSafeInteger(seed) || (seed as number) < 0)) throw badRequest("body seed: must be a non-negative integer");
    if (scenario !== undefined && (typeof scenario !== "string" || scenario === "")) throw badRequest("body scenario: must be a scenario name or file path");
    const meta = await control.reset({
      ...(seed !== undefined && { seed: seed as number }),
      ...(scenario !== undefined && { scenario: scenario as string }),
    });
    res.json(ok(meta));
  });

  router.get("/state", (_req, res) => {
    // The state is serialized once (large-org's is ~14 MB) and wrapped as text, not parsed and serialized again.
    res.type("application/json").send(`{"status":"success","data":${control.stateJson()}}`);
  });

  router.post("/snapshot", (req, res) => {
    res.status(201).json(ok(control.snapshot(snapshotName(objectBody(req)))));
  });

  router.get("/snapshots", (_req, res) => {
    res.json(ok(control.snapshots()));
  });

  router.post("/restore", async (req, res) => {
    res.json(ok(await control.restore(snapshotName(objectBody(req)))));
  });

  router.get("/requests", (req, res) => {
    const query = req.query as Record<string, unknown>;
    const matches = parseRequestFilter(query);
    res.json(ok(control.requests.select(matches, parseJournalPage(query))));
  });

  // The journal, live: each request as it is recorded (with the same filters), and a "state" event whenever
  // the whole state is replaced. Nothing is formatted for the feed while no one is connected. `brief=1` sends
  // requests without headers and bodies, for a viewer that only needs to know that something happened.
  router.get(
    "/requests/stream",
    control.feed.handler((query) => {
      const { brief, ...filters } = query;
      if (brief !== undefined && brief !== "1" && brief !== "0") throw badRequest("query brief: must be 1 or 0");
      const matches = parseRequestFilter(filters);
      return (event, data) => {
        if (event !== "request") return data;
        const r = data as LoggedRequest;
        if (!matches(r)) return undefined;
        return brief === "1" ? { id: r.id, timestamp: r.timestamp, method: r.method, path: r.path, status: r.status, durationMs: r.durationMs } : r;
      };
    }, (lastEventId) => control.requests.select(() => true, { afterId: lastEventId }).map((r) => ["request", r])),
  );

  router.get("/requests/count", (req, res) => {
    const matches = parseRequestFilter(req.query as Record<string, unknown>);
    res.json(ok({ count: control.requests.all().filter(matches).length }));
  });

  router.delete("/requests", (_req, res) => {
    control.requests.clear();
    control.clearCounts();
    res.json(ok({ cleared: true }));
  });

  router.get("/operations", (_req, res) => {
    res.json(ok(control.operations()));
  });

  router.get("/openapi.json", (req, res) => {
    res.type("application/json").send(control.openapi(baseUrl(req)));
  });

  router.get("/scenarios", (_req, res) => {
    res.json(ok(control.scenarios()));
  });

  router.use(clockRouter(control.clock));

  router.use(viewsRouter(control.store));
  router.use(schedulingViewsRouter(control.store, control.clock));

  router.use(stubsRouter(control.stubs));

  router.get("/faults", (_req, res) => {
    res.json(ok(control.faults.list()));
  });

  router.post("/faults", (req, res) => {
    res.status(201).json(ok(control.faults.add(req.body)));
  });

  router.delete("/faults", (_req, res) => {
    control.faults.clear();
    res.json(ok({ cleared: true }));
  });

  router.delete("/faults/:id", (req, res) => {
    if (!control.faults.remove(Number(req.params.id))) throw notFound(`No fault rule with id ${req.params.id}`);
    res.json(ok({ removed: Number(req.params.id) }));
  });

  return router;
}

