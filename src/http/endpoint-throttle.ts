import { HttpError } from "../errors.js";
import type { EndpointThrottle } from "../contract/spec.js";

/** What Cal.com's CustomThrottlerGuard throws for an endpoint's own throttle (handleApiEndpointThrottle). */
const THROTTLED = "CustomThrottlerGuard - Too many requests. Please try again later.";

interface Window {
  start: number;
  hits: number;
  blockedUntil: number;
}

/** The caller as Cal.com's throttler tells callers apart: API key, other bearer token, OAuth client, then address. */
export function throttleTracker(authorization: string | undefined, clientId: string | undefined, ip: string | undefined): string {
  const token = authorization?.replace("Bearer ", "");
  if (token) return token.startsWith("cal_") ? `api_key_${token}` : `access_token_${token}`;
  if (clientId) return `oauth_client_${clientId}`;
  return `ip_${ip ?? "unknown"}`;
}

/**
 * Endpoint throttles (`x-calcom-throttle`, Cal.com's `@Throttle`): one fixed window per caller and throttle name,
 * counted before any guard runs (a refused request counts too, as Cal.com's global throttler guard runs first);
 * over the limit the caller is blocked for `blockDuration`. Each answer carries `X-RateLimit-{Limit,Remaining,
 * Reset}-<Name>` (the name's first letter upper-cased), Reset in seconds, as Cal.com's incrementRateLimit sets them.
 */
export class EndpointThrottler {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request; sets the headers through `setHeader` and throws the 429 once the caller is over. */
  hit(tracker: string, throttle: EndpointThrottle, setHeader: (name: string, value: string) => void): void {
    const t = this.now();
    if (t >= this.sweepAt) {
      for (const [k, w] of this.windows) if (w.start + throttle.ttl <= t && w.blockedUntil <= t) this.windows.delete(k);
      this.sweepAt = t + 60_000;
    }
    const key = `${tracker}_${throttle.name}:${throttle.limit}:${throttle.ttl}`;
    let w = this.windows.get(key);
    if (!w || (w.start + throttle.ttl <= t && w.blockedUntil <= t)) {
      w = { start: t, hits: 0, blockedUntil: 0 };
      this.windows.set(key, w);
    }
    w.hits++;
    if (w.blockedUntil <= t && w.hits > throttle.limit) w.blockedUntil = t + throttle.blockDuration;
    const blocked = w.blockedUntil > t;
    const name = throttle.name.charAt(0).toUpperCase() + throttle.name.slice(1);
    const resetAt = blocked ? w.blockedUntil : w.start + throttle.ttl;
    setHeader(`X-RateLimit-Limit-${name}`, String(throttle.limit));
    setHeader(`X-RateLimit-Remaining-${name}`, String(blocked ? 0 : Math.max(0, throttle.limit - w.hits)));
    setHeader(`X-RateLimit-Reset-${name}`, String(Math.ceil((resetAt - t) / 1000)));
    if (blocked) throw new HttpError(429, "ThrottlerException", THROTTLED, THROTTLED);
  }
}
