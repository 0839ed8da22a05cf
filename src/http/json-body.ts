import type { Request, RequestHandler } from "express";
import { addHint, httpException } from "../errors.js";

/** Whether a request carries body bytes (a `Content-Length: 0` carries none). */
function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** What express.json() reads (and Cal.com's body parser): application/json, with or without a charset. */
const isJson = (req: Request) => /^application\/json\s*(?:;|$)/i.test(req.headers["content-type"] ?? "");

/** What a body that is not JSON was sent as, and the fix: curl's `-d` sends form encoding unless told otherwise. */
function unreadBodyText(req: Request): string {
  const type = req.headers["content-type"];
  const sent = type ? `Content-Type ${type}` : "no Content-Type";
  const curl = type?.startsWith("application/x-www-form-urlencoded") ? " (what curl -d sends unless told otherwise)" : "";
  return `the body was sent with ${sent}${curl}: send it with -H 'Content-Type: application/json'`;
}

/**
 * A /v2 body that is not JSON is not read, as Cal.com's JSON parser leaves it (the operation then sees no body and
 * answers as Cal.com would: a missing `name`, say). The answer stays Cal.com's; the hint says why.
 */
export const unreadBodyHint: RequestHandler = (req, res, next) => {
  if (req.body === undefined && hasBody(req)) addHint(res, `${unreadBodyText(req)}; Cal.com does not read it, so neither did the mock`);
  next();
};

/**
 * The control API is the mock's own: a body it cannot read is refused (415 with the fix) instead of being taken
 * for no body (`POST /__admin/reset -d '{"seed":7}'` would reset to the current seed).
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !isJson(req)) return next(httpException(415, `The control API reads JSON bodies only: ${unreadBodyText(req)}`));
  next();
};
