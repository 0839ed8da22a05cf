import { hash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Express's weak ETag of a body (the `etag` package with `weak: true`, which Express's default "etag" setting
 * uses and Cal.com's NestJS app keeps): `W/"<byte length in hex>-<first 27 characters of the base64 SHA-1>"`.
 * Given the bytes (what is sent), nothing is encoded again; the one-shot hash makes no Hash object, which the
 * garbage collector would otherwise keep past a minor collection for every answer.
 */
export function weakEtag(body: string | Buffer): string {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return `W/"${bytes.length.toString(16)}-${hash("sha1", bytes, "base64").slice(0, 27)}"`;
}

const strip = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);

/**
 * Whether a GET's `If-None-Match` names this tag (weak comparison, `*` names any), as the `fresh` package Express
 * uses decides it; a request that says `Cache-Control: no-cache` always wants the body.
 */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const match = headers["if-none-match"];
  if (!match) return false;
  const cacheControl = headers["cache-control"];
  if (cacheControl && /(?:^|,)\s*no-cache\s*(?:,|$)/.test(cacheControl)) return false;
  if (match.trim() === "*") return true;
  const wanted = strip(etag);
  return match.split(",").some((tag) => strip(tag.trim()) === wanted);
}
