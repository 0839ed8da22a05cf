import express, { type Express, type RequestHandler } from "express";
import { home } from "./admin/home.js";
import { adminRouter, type AdminControl } from "./admin/index.js";
import type { OperationCounts } from "./admin/operation-counts.js";
import { matchOperation, type Contract } from "./contract/index.js";
import type { Responder } from "./responder/engine.js";
import { announcedBodyLimit } from "./http/body-limit.js";
import { cors } from "./http/cors.js";
import { nestingDepthLimit } from "./http/depth-limit.js";
import { errorMiddleware, notFound } from "./errors.js";
import { unreadBodyHint } from "./http/json-body.js";
import { inspectorRouter } from "./http/inspector.js";
import type { RateLimit } from "./http/rate-limit.js";
import { rateLimiter } from "./http/rate-limiter.js";
import { responseHeaders } from "./http/response-headers.js";
import { apiRouter } from "./routes/index.js";
import type { Database } from "./store/database.js";

const ADMIN_BODY_LIMIT = "1mb";
const API_PREFIX = /^\/v2(?:[/?]|$)/i;

export interface AppContext {
  /** Getters, because a reset swaps the store and watch mode swaps the contract. */
  contract: () => Contract;
  db: () => Database;
  admin: AdminControl;
  /** Largest accepted /v2 request body ("100kb", or bytes). */
  bodyLimit: string | number;
  rateLimit?: RateLimit | undefined;
  /** Serve repeated GETs from a cache emptied by every write (on unless false). */
  responseCache?: boolean | undefined;
  /** The spec-driven responder of the current contract. */
  responder: () => Responder;
  /** Generated (dynamic) answers by default for the spec-driven operations. */
  dynamic?: boolean | undefined;
  /** Requests per operation, for GET /__admin/operations. */
  counts: OperationCounts;
}

/**
 * Runs middleware in order as one Express layer. The router's own walk from layer to layer (path matching and
 * parameter handling for each) cost more than several of these steps together on every /v2 request.
 */
function chain(steps: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = steps[i++];
      if (!handler) return next();
      try {
        const result: unknown = handler(req, res, step);
        // Express 5 takes a rejected promise from a middleware as its error; so does this chain.
        if (result instanceof Promise) result.catch(next);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

/** Whether the request is for an operation with its own throttle, which replaces the default rate limit for it. */
function hasOwnThrottle(ctx: AppContext, method: string, path: string): boolean {
  return matchOperation(ctx.contract().operations, method === "HEAD" ? "GET" : method, path).operation?.throttle !== undefined;
}

/**
 * The Express app. It receives its store and contract instead of opening them, so the CLI, the tests and any
 * embedding program serve the same app (json-server's createApp idea). On /v2, in order: the request id and
 * helmet's headers, CORS, the request journal, body parsing, Cal.com's rate limit (opt-in), injected faults, then
 * the spec-driven API.
 */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable("x-powered-by");
  // Express's default weak ETags (and 304s) for what res.send answers: errors and the control API. The API's own
  // answers get the same tag, computed once per cached body (src/routes).
  app.set("etag", "weak");
  // Cal.com runs on Express 4, whose default query parser is qs's extended syntax (`a[b]=1` nests, `x[]=1` is a
  // list); Express 5's default is the flat "simple" one.
  app.set("query parser", "extended");
  const jsonBody = express.json({ limit: ctx.bodyLimit, strict: true });
  const api = chain([
    responseHeaders(),
    cors(),
    ctx.admin.requests.middleware(() => ctx.db().store),
    announcedBodyLimit(ctx.bodyLimit),
    // A request without a body (most reads) skips the parser altogether.
    (req, res, next) => (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined ? next() : jsonBody(req, res, next)),
    nestingDepthLimit(),
    unreadBodyHint,
    ...(ctx.rateLimit ? [rateLimiter(ctx.rateLimit, Date.now, (req) => hasOwnThrottle(ctx, req.method, req.path))] : []),
    ctx.admin.faults.middleware(),
    apiRouter({ ...ctx, dynamic: ctx.dynamic ?? false, stubs: ctx.admin.stubs }),
  ]);
  // Matched here rather than mounted at "/v2": a mount makes the router strip and restore the prefix on every
  // request, and the API wants the whole path anyway.
  // Case-insensitive, as Express's routing (and so Cal.com's) is by default.
  app.use((req, res, next) => (API_PREFIX.test(req.url) ? api(req, res, next) : next()));
  // The control API takes larger bodies than Cal.com's API (fault rules, scenario names; the state its own).
  app.use("/__admin", adminRouter(ctx.admin, ADMIN_BODY_LIMIT));
  app.use("/__inspector", inspectorRouter());
  app.get("/", home());
  // Express's own words for an unknown route, naming the URL as sent, query included.
  app.use((req, _res, next) => next(notFound(`Cannot ${req.method} ${req.originalUrl}`)));
  app.use(errorMiddleware);
  return app;
}
