import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Headers every Cal.com answer carries before anything else runs: an `X-Request-Id` (a UUID per request, which
 * Cal.com sets and its exception filter repeats) and helmet's default security headers (Cal.com's app.ts calls
 * `app.use(helmet())` first).
 */
export function responseHeaders(): RequestHandler {
  const security = helmet();
  return (req, res, next) => {
    res.setHeader("X-Request-Id", randomUUID());
    security(req, res, next);
  };
}
