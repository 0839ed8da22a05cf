import type { NextFunction, Request, RequestHandler, Response } from "express";
import { authenticate } from "../auth/api-key.js";
import { runGuards } from "../auth/guards.js";
import { authorizeOrg } from "../auth/roles.js";
import { matchOperation, type Contract, type RawQuery, type RequestValidator } from "../contract/index.js";
import type { OperationId } from "../contract/types.js";
import { fromDiagnostics, notFound } from "../errors.js";
import type { Database } from "../store/database.js";
import type { User } from "../store/schema.js";
import { assignmentHandlers } from "./assignments.js";
import { attributeHandlers } from "./attributes.js";
import { membershipHandlers } from "./memberships.js";
import { optionHandlers } from "./options.js";
import { ResponseCache } from "./response-cache.js";
import { teamHandlers } from "./teams.js";
import type { ApiRequest, Handler, Handlers } from "./types.js";
import { userHandlers } from "./users.js";

export const handlers: Handlers = {
  ...attributeHandlers,
  ...optionHandlers,
  ...assignmentHandlers,
  ...userHandlers,
  ...membershipHandlers,
  ...teamHandlers,
};

export interface ApiContext {
  contract: () => Contract;
  db: () => Database;
  /** Serve repeated GETs from a cache emptied by every write (on unless false). */
  responseCache?: boolean;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** Sends a serialized answer with the headers Express's res.json would set. */
function send(res: Response, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", JSON_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * The /v2 pipeline, in Cal.com's order: match the operation in the spec, authenticate (401), validate the path
 * (400; the guards need an integer orgId), check the organization and role (403), validate query, headers and
 * body (400), then hand a typed request to the operation's handler and wrap its data in the success envelope.
 * An operation that names its guards (`x-calcom-guards`: the directory's) has its path validated first and then
 * runs exactly those guards, in their order, authentication among them.
 */
export function apiRouter(ctx: ApiContext): RequestHandler {
  const cache = ctx.responseCache === false ? undefined : new ResponseCache();
  return (req: Request, res: Response, next: NextFunction) => {
    const fullPath = req.path;
    const contract = ctx.contract();
    // HEAD is answered as GET without a body, as Express (and so NestJS) routes do.
    const method = req.method === "HEAD" ? "GET" : req.method;
    const match = matchOperation(contract.operations, method, fullPath);
    const operation = match.operation;
    if (!operation) return next(notFound(`Cannot ${req.method} ${fullPath}`));
    try {
      const db = ctx.db();
      const headers = {
        authorization: req.get("authorization"),
        clientId: req.get("x-cal-client-id"),
        secret: req.get("x-cal-secret-key"),
      };
      const validator = contract.validators.get(operation.operationId)!;
      let user: User;
      let path: ReturnType<RequestValidator["path"]>;
      if (operation.guards) {
        path = validator.path(match.rawParams);
        if ("diagnostics" in path) throw fromDiagnostics(path.diagnostics);
        user = runGuards(operation.guards, { store: db.store, headers, path: path.value });
      } else {
        user = authenticate(db.store, headers);
        path = validator.path(match.rawParams);
        if ("diagnostics" in path) throw fromDiagnostics(path.diagnostics);
        authorizeOrg(db.store, path.value.orgId as number, user, operation.requiredRole);
      }
      // 0 on the routes outside any organization (/v2/me, /v2/teams): their handlers do not read it.
      const orgId = (path.value.orgId as number | undefined) ?? 0;
      const rest = validator.rest(req.query as RawQuery, req.headers, req.body);
      if ("diagnostics" in rest) throw fromDiagnostics(rest.diagnostics);
      const cacheable = cache && operation.method === "GET" ? cache : undefined;
      const cacheKey = operation.perCaller ? `${user.id} ${req.originalUrl}` : req.originalUrl;
      const cached = cacheable?.get(db.store, cacheKey);
      if (cached !== undefined) return send(res, 200, cached);
      const handler = handlers[operation.operationId as OperationId] as Handler<OperationId>;
      const apiRequest = { db, orgId, actor: { user }, path: path.value, query: rest.value.query, body: rest.value.body } as ApiRequest<OperationId>;
      const status = operation.method === "POST" ? 201 : 200;
      const answer = (data: unknown) => {
        const body = JSON.stringify({ status: "success", data });
        // Stored against the store as it was when the answer was computed: a write since then empties the cache.
        cacheable?.set(db.store, cacheKey, body);
        send(res, status, body);
      };
      const result = handler(apiRequest);
      // Reads answer in the same tick; writes resolve once they are durable.
      if (result instanceof Promise) result.then(answer, next);
      else answer(result);
    } catch (err) {
      next(err);
    }
  };
}
