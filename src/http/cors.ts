import type { RequestHandler } from "express";

/**
 * CORS as Cal.com's API v2 configures it: any origin, its list of methods and request headers, preflight
 * answers cached for a day. Preflight requests are answered here with 204 and go no further.
 */
const ALLOW_METHODS = "GET,PATCH,DELETE,HEAD,POST,PUT,OPTIONS";
const ALLOW_HEADERS = "x-cal-client-id,x-cal-secret-key,x-cal-platform-embed,cal-api-version,Accept,Authorization,Content-Type,Origin";
const MAX_AGE = "86400";

export function cors(): RequestHandler {
  return (req, res, next) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
    res.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
    res.setHeader("Access-Control-Max-Age", MAX_AGE);
    res.setHeader("Content-Length", "0");
    res.status(204).end();
  };
}
