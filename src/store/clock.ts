/**
 * The time the store stamps on rows (createdAt, updatedAt, a history entry's timestamp), as Cal.com's ISO strings.
 * Every row made in the same millisecond gets the same string: under a burst of writes that is several rows (an
 * assignment and its history entry at least) sharing one 40-byte string instead of each holding its own.
 */
let lastMs = Number.NaN;
let lastIso = "";

function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** The real time as an ISO string; the directory's rows are stamped with it. */
export function isoNow(): string {
  return isoOf(Date.now());
}

export type ClockMode = "real" | "frozen" | "shifted";

/** What GET /__admin/clock answers. */
export interface ClockReading {
  now: string;
  mode: ClockMode;
  /** How far the clock is from real time, in ms (0 when real). */
  offsetMs: number;
}

/**
 * "Now" for everything that depends on it (slots and minimum notice, upcoming and past bookings, reservation
 * expiry, the seeded scenario's dates): one per server, handed to the handlers in the request context, so a test
 * can set it, advance it or give it back to real time. Real time by default; `frozen` stands still at a set
 * instant until moved; `shifted` runs at real speed from a set instant.
 */
export class Clock {
  private mode: ClockMode = "real";
  /** The frozen instant (frozen), or the offset from real time (shifted), in ms. */
  private value = 0;
  private changes = 0;

  constructor(
    start?: { now: number; frozen?: boolean },
    private readonly realNow: () => number = Date.now,
  ) {
    if (start) this.set(start.now, start.frozen ?? true);
  }

  /** Milliseconds since the epoch, as Date.now() gives them. */
  now(): number {
    if (this.mode === "frozen") return this.value;
    if (this.mode === "shifted") return this.realNow() + this.value;
    return this.realNow();
  }

  iso(): string {
    return isoOf(this.now());
  }

  /** Sets the time: frozen there (the default), or running on from there at real speed. */
  set(ms: number, frozen = true): void {
    if (!Number.isFinite(ms)) throw new RangeError("clock time must be a finite number of milliseconds");
    this.mode = frozen ? "frozen" : "shifted";
    this.value = frozen ? ms : ms - this.realNow();
    this.changes += 1;
  }

  /** Moves the clock by `ms` (negative goes back), keeping its mode; a real clock becomes a shifted one. */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError("clock advance must be a finite number of milliseconds");
    if (this.mode === "real") this.mode = "shifted";
    this.value += ms;
    this.changes += 1;
  }

  /** Back to real time. */
  real(): void {
    this.mode = "real";
    this.value = 0;
    this.changes += 1;
  }

  reading(): ClockReading {
    const now = this.now();
    return { now: isoOf(now), mode: this.mode, offsetMs: this.mode === "real" ? 0 : now - this.realNow() };
  }

  /**
   * A token that changes whenever the clock is set or moved while it stands still, for caching answers that
   * depend on now; undefined while it runs (real or shifted), when such an answer may change at any moment.
   */
  cacheToken(): string | undefined {
    return this.mode === "frozen" ? `clock:${this.changes}` : undefined;
  }
}

/** Parses an ISO 8601 instant with a date and a time and an offset (Z or ±HH:MM), as --now and the control API take it. */
export function parseInstant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls impossible dates over (2026-02-30 is 2 March): refuse them.
  if (new Date(Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10))).toISOString().slice(0, 10) !== text.slice(0, 10)) return undefined;
  return ms;
}

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * A duration as the control API takes it: a number of milliseconds, "90m", "1h30m", "-2d", "1w", or an ISO 8601
 * duration of days and times ("P1D", "PT2H30M"). Undefined when it is none of these.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const iso = /^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (iso && text.length > 2 && !/T$/i.test(text)) {
    const [, sign, w, d, h, m, s] = iso;
    const ms = (+(w ?? 0) * 7 + +(d ?? 0)) * UNIT_MS.d! + +(h ?? 0) * UNIT_MS.h! + +(m ?? 0) * UNIT_MS.m! + Math.round(+(s ?? 0) * 1000);
    return sign ? -ms : ms;
  }
  const short = /^(-)?((?:\d+(?:\.\d+)?(?:ms|w|d|h|m|s))+)$/i.exec(text);
  if (!short) return undefined;
  let ms = 0;
  for (const [, n, unit] of short[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/gi)) ms += Number(n) * UNIT_MS[unit!.toLowerCase()]!;
  return short[1] ? -Math.round(ms) : Math.round(ms);
}
