import type { NextFunction, Request, RequestHandler, Response } from "express";
import { authenticate } from "../auth/api-key.js";
import { authorizeOrg } from "../auth/roles.js";
import { matchOperation, type Contract, type RawQuery } from "../contract/index.js";
import type { OperationId } from "../contract/types.js";
import { notFound, validationFailure } from "../errors.js";
import type { Database } from "../store/database.js";
import { assignmentHandlers } from "./assignments.js";
import { attributeHandlers } from "./attributes.js";
import { optionHandlers } from "./options.js";
import { ResponseCache, type CachedAnswer } from "./response-cache.js";
import { notModified, weakEtag } from "../etag.js";
import type { ApiRequest, Handler, Handlers } from "./types.js";

export const handlers: Handlers = { ...attributeHandlers, ...optionHandlers, ...assignmentHandlers };

export interface ApiContext {
  contract: () => Contract;
  db: () => Database;
  /** Serve repeated GETs from a cache emptied by every write (on unless false). */
  responseCache?: boolean;
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Sends a serialized answer with the headers Express's res.json would set, its weak ETag included, and answers a
 * GET whose If-None-Match names that tag with 304 and no body, as res.send does.
 */
function send(req: Request, res: Response, status: number, answer: CachedAnswer): void {
  res.setHeader("ETag", answer.etag);
  if (status < 300 && (req.method === "GET" || req.method === "HEAD") && notModified(req.headers, answer.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", JSON_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(answer.body));
  res.end(answer.body);
}

/**
 * The /v2 pipeline, in Cal.com's order: match the operation in the spec, authenticate (401), check the
 * organization and role (403; a non-integer orgId is refused first, since the guards need it), validate the other
 * path parameters (400, as ParseIntPipe), then query, headers and body (400, as the ValidationPipe), then hand a typed request to the operation's handler and wrap its data in the success envelope.
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
    if (!operation) return next(notFound(`Cannot ${req.method} ${req.originalUrl}`));
    try {
      const db = ctx.db();
      const user = authenticate(db.store, {
        authorization: req.get("authorization"),
        clientId: req.get("x-cal-client-id"),
        secret: req.get("x-cal-secret-key"),
      });
      const validator = contract.validators.get(operation.operationId)!;
      const path = validator.path(match.rawParams);
      // Cal.com's guards run before the path's ParseIntPipes, but they need the organization's id: only a bad
      // orgId is refused before them; any other bad path parameter after them (a member gets 403 first).
      if ("diagnostics" in path && path.diagnostics.some((d) => d.field === "orgId")) throw validationFailure(path.diagnostics);
      const orgId = Number(decodeURIComponent(match.rawParams.orgId ?? ""));
      authorizeOrg(db.store, orgId, user, operation.requiredRole);
      if ("diagnostics" in path) throw validationFailure(path.diagnostics);
      const rest = validator.rest(req.query as RawQuery, req.headers, req.body);
      if ("diagnostics" in rest) throw validationFailure(rest.diagnostics, rest.targets);
      const cacheable = cache && operation.method === "GET" ? cache : undefined;
      const cached = cacheable?.get(db.store, req.originalUrl);
      if (cached !== undefined) return send(req, res, 200, cached);
      const handler = handlers[operation.operationId as OperationId] as Handler<OperationId>;
      const apiRequest = { db, orgId, actor: { user }, path: path.value, query: rest.value.query, body: rest.value.body } as ApiRequest<OperationId>;
      const status = operation.method === "POST" ? 201 : 200;
      const answer = (data: unknown) => {
        const body = JSON.stringify({ status: "success", data });
        const computed = { body, etag: weakEtag(body) };
        // Stored against the store as it was when the answer was computed: a write since then empties the cache.
        cacheable?.set(db.store, req.originalUrl, computed);
        send(req, res, status, computed);
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
