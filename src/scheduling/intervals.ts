/** Interval algebra over half-open [start, end) epoch-ms intervals: what Cal.com's date-ranges helpers do. */
import type { Interval } from "./types.js";

/** Sorted by start, touching or overlapping intervals joined, empty ones dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = i.end;
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** What is left of `source` once every interval of `excluded` is taken out (touching is not overlapping). */
export function subtractIntervals(source: readonly Interval[], excluded: readonly Interval[]): Interval[] {
  const cut = [...excluded].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const range of source) {
    let from = range.start;
    for (const ex of cut) {
      if (ex.start >= range.end) break;
      if (ex.end <= from) continue;
      if (ex.start > from) out.push({ start: from, end: ex.start });
      if (ex.end > from) from = ex.end;
    }
    if (range.end > from) out.push({ start: from, end: range.end });
  }
  return out;
}

/** The common part of two sorted, disjoint lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) out.push({ start, end });
    if (x.end <= y.end) i++;
    else j++;
  }
  return out;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}
