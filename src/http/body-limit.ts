import type { RequestHandler } from "express";
import { payloadTooLarge } from "../errors.js";

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Reads a body limit as body-parser takes it: bytes, or a string like "100kb" or "1mb". */
export function limitBytes(limit: string | number): number {
  if (typeof limit === "number") return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) throw new Error(`body limit must be bytes or a size like "1mb", got "${limit}"`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? "b").toLowerCase()]!);
}

/**
 * Refuses a body whose announced length is over the limit before any of it is read. body-parser reads the whole
 * announced body before it answers 413, so a client that announced 50 MB and sent nothing would wait for a
 * timeout; this answers at once and closes the connection instead of reading what is left.
 */
export function announcedBodyLimit(limit: string | number): RequestHandler {
  const max = limitBytes(limit);
  return (req, res, next) => {
    const announced = Number(req.headers["content-length"]);
    if (!(announced > max)) return next();
    res.setHeader("Connection", "close");
    next(payloadTooLarge());
  };
}
