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
  if (!m) throw new Error(`rate limit must be "cal", "off" or N/DURATION with DURATION in ms, s or m (like 10/1s, 100/60s, 500/1m), got "${option}"`);
  const unit = { ms: 1, s: 1000, m: 60_000 }[m[3] as "ms" | "s" | "m"];
  const ttlMs = Number(m[2]) * unit;
  if (Number(m[1]) < 1 || ttlMs < 1) throw new Error(`rate limit must allow at least 1 request in a positive window, got "${option}"`);
  return { limit: Number(m[1]), ttlMs, blockMs: ttlMs };
}
