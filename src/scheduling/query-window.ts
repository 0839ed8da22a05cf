/**
 * GET /v2/slots's start and end as Cal.com reads them (slots-input.service adjustStartTime / adjustEndTime): in
 * UTC; an end at exactly 00:00:00 widens to 23:59:59 of that day, so `end=2050-09-05` includes the 5th.
 */
import { DateTime } from "luxon";

export function adjustQueryWindow(start: string, end: string): { start: number; end: number } | null {
  const s = DateTime.fromISO(start, { zone: "utc" });
  let e = DateTime.fromISO(end, { zone: "utc" });
  if (!s.isValid || !e.isValid) return null;
  if (e.hour === 0 && e.minute === 0 && e.second === 0) e = e.set({ hour: 23, minute: 59, second: 59 });
  return { start: s.toMillis(), end: e.toMillis() };
}
