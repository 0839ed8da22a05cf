import { IncomingMessage, ServerResponse, type RequestListener } from "node:http";
import express, { type Express, type Request, type RequestHandler, type Response } from "express";
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
import type { Clock } from "./store/clock.js";
import type { Database } from "./store/database.js";

const ADMIN_BODY_LIMIT = "1mb";
export const API_PREFIX = /^\/v2(?:[/?]|$)/i;

export interface AppContext {
  /** Getters, because a reset swaps the store and watch mode swaps the contract. */
  contract: () => Contract;
  db: () => Database;
  /** The server's one clock: the handlers' now, set through /__admin/clock. */
  clock: Clock;
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
  return createMockApp(ctx).app;
}

/**
 * The app, and the same /v2 pipeline as a plain request listener, which the mock's own server calls for /v2
 * without Express's application and router (see `v2`).
 */
export function createMockApp(ctx: AppContext): { app: Express; v2: RequestListener } {
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

  /**
   * /v2 as the app above serves it, minus Express's `app.handle` and router: what they do for a /v2 request is done
   * here (the cross references, Express's request and response prototypes, `res.locals`, `req.originalUrl`), and
   * what the pipeline hands on goes where the router would send it: an error to errorMiddleware, nothing to the
   * 404 after every route. Their cost was most of a /v2 read's: giving each request Express's prototypes with
   * Object.setPrototypeOf, one request at a time, doubled the CPU of a bare node:http answer and left work for the
   * old generation's collector on every request. The mock's server creates requests that already have them
   * (`expressPrototypes`).
   */
  const v2: RequestListener = (incoming, outgoing) => {
    const req = incoming as Request;
    const res = outgoing as Response;
    if (Object.getPrototypeOf(req) !== app.request) Object.setPrototypeOf(req, app.request);
    if (Object.getPrototypeOf(res) !== app.response) Object.setPrototypeOf(res, app.response);
    req.res = res;
    res.req = req;
    res.locals ??= Object.create(null) as Response["locals"];
    req.originalUrl ??= req.url;
    const failed = (err: unknown) => {
      try {
        errorMiddleware(err, req, res, () => undefined);
      } catch (e) {
        // What Express's final handler does with an error handler's own error: no body, the connection ended.
        console.error("[calcom-mock] unexpected error", e);
        if (res.headersSent) res.destroy();
        else res.writeHead(500).end();
      }
    };
    api(req, res, (err?: unknown) => failed(err ?? notFound(`Cannot ${req.method} ${req.originalUrl}`)));
  };
  return { app, v2 };
}

/**
 * Request and response classes for node:http's `createServer` whose instances are born with an Express app's
 * prototypes (once `use` names the app), so neither Express nor `v2` has to change them request by request.
 * Their constructors also make the fields Express adds, so every request has one shape from the start.
 */
export function expressPrototypes(): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse; use(app: Express): void } {
  // Constructor functions (node:http's own are), so `prototype` can be pointed at the app's objects later.
  function MockRequest(this: Request, socket: unknown) {
    Reflect.apply(IncomingMessage, this, [socket]);
    this.res = undefined as unknown as Response;
    this.originalUrl = undefined as unknown as string;
  }
  function MockResponse(this: Response, req: IncomingMessage, options?: unknown) {
    // node:http passes options (its highWaterMark among them) that the typings leave out.
    Reflect.apply(ServerResponse, this, [req, options]);
    this.req = undefined as unknown as Request;
    this.locals = Object.create(null) as Response["locals"];
  }
  MockRequest.prototype = Object.create(IncomingMessage.prototype) as object;
  MockResponse.prototype = Object.create(ServerResponse.prototype) as object;
  return {
    IncomingMessage: MockRequest as unknown as typeof IncomingMessage,
    ServerResponse: MockResponse as unknown as typeof ServerResponse,
    use(app) {
      MockRequest.prototype = app.request;
      MockResponse.prototype = app.response;
    },
  };
}
