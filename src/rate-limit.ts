import type { RequestHandler } from "express";
import { HttpError } from "./errors.js";

/** Cal.com's CustomThrottlerGuard throws `new ThrottlerException(this text)`: its exception response is the text. */
const THROTTLED = "Too many requests. Please try again later.";

/** A limit: `limit` requests per `ttlMs` window; once over it, the tracker is blocked for `blockMs`. */
export interface RateLimit {
  limit: number;
  ttlMs: number;
  blockMs: number;
}

/**
 * Cal.com's published defaults: 120 requests per 60 s per API key (and per IP for requests without one), with
 * a 60 s block once exceeded. Access tokens and OAuth clients get 500, but the mock issues neither.
 */
export const CAL_RATE_LIMIT: RateLimit = { limit: 120, ttlMs: 60_000, blockMs: 60_000 };

export type RateLimitOption = "cal" | "off" | string | Partial<RateLimit>;

/** Reads `cal`, `off`, or a custom `N/DURATION` like `5/1s`, `100/60s`, `1000/1m` (block = the window). */
export function parseRateLimit(option: RateLimitOption | undefined): RateLimit | undefined {
  if (option === undefined || option === "off") return undefined;
  if (option === "cal") return CAL_RATE_LIMIT;
  if (typeof option === "object") {
    const merged = { ...CAL_RATE_LIMIT, ...option };
    if (!(merged.limit >= 1 && merged.ttlMs >= 1 && merged.blockMs >= 0)) throw new Error("rateLimit: limit and ttlMs must be positive");
    return merged;
  }
  const m = /^(\d+)\/(\d+)(ms|s|m)$/.exec(option);
  if (!m) throw new Error(`rate limit must be "cal", "off" or N/DURATION like 100/60s, got "${option}"`);
  const unit = { ms: 1, s: 1000, m: 60_000 }[m[3] as "ms" | "s" | "m"];
  const ttlMs = Number(m[2]) * unit;
  if (Number(m[1]) < 1 || ttlMs < 1) throw new Error(`rate limit must allow at least 1 request in a positive window, got "${option}"`);
  return { limit: Number(m[1]), ttlMs, blockMs: ttlMs };
}

interface Window {
  start: number;
  count: number;
  blockedUntil: number;
}

/**
 * Per-key fixed windows, as Cal.com's CustomThrottlerGuard (apps/api/v2/src/lib/throttler-guard.ts,
 * incrementRateLimit) answers: X-RateLimit-{Limit,Remaining,Reset}-Default on every answer, the reset in seconds
 * until the window (or the block) ends, remaining 0 while blocked; once over, 429 ThrottlerException with its
 * message and no Retry-After.
 */
export function rateLimiter(limit: RateLimit, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, Window>();
  let sweepAt = 0;
  return (req, res, next) => {
    const t = now();
    // Forget finished windows now and then, so many keys over a long run do not pile up.
    if (t >= sweepAt) {
      for (const [k, w] of windows) if (w.start + limit.ttlMs <= t && w.blockedUntil <= t) windows.delete(k);
      sweepAt = t + limit.ttlMs;
    }
    const token = req.get("authorization")?.replace(/^Bearer /, "");
    const tracker = token ? (token.startsWith("cal_") ? `api_key_${token}` : `access_token_${token}`) : `ip_${req.ip ?? "unknown"}`;
    let w = windows.get(tracker);
    if (!w || (w.start + limit.ttlMs <= t && w.blockedUntil <= t)) {
      w = { start: t, count: 0, blockedUntil: 0 };
      windows.set(tracker, w);
    }
    w.count++;
    const blocked = w.blockedUntil > t || w.count > limit.limit;
    if (blocked && w.blockedUntil <= t) w.blockedUntil = t + limit.blockMs;
    const resetAt = blocked ? w.blockedUntil : w.start + limit.ttlMs;
    res.setHeader("X-RateLimit-Limit-Default", String(limit.limit));
    res.setHeader("X-RateLimit-Remaining-Default", String(blocked ? 0 : Math.max(0, limit.limit - w.count)));
    res.setHeader("X-RateLimit-Reset-Default", String(Math.ceil((resetAt - t) / 1000)));
    if (!blocked) return next();
    next(new HttpError(429, "ThrottlerException", THROTTLED, THROTTLED));
  };
}
