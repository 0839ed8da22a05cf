import type { Request, RequestHandler } from "express";
import { HttpError } from "../errors.js";
import type { RateLimit } from "./rate-limit.js";

/** Cal.com's CustomThrottlerGuard throws `new ThrottlerException(this text)`: its exception response is the text. */
const THROTTLED = "Too many requests. Please try again later.";

// The middleware lives apart from what a limit is (rate-limit.ts), whose types are public: those must not need
// Express's types.

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
export function rateLimiter(limit: RateLimit, now: () => number = Date.now, ownThrottle?: (req: Request) => boolean): RequestHandler {
  const windows = new Map<string, Window>();
  let sweepAt = 0;
  return (req, res, next) => {
    // An endpoint with its own throttle (Cal.com's @Throttle) is counted by that throttle instead of this one.
    if (ownThrottle?.(req)) return next();
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
