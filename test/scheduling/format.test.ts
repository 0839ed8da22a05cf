import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { dateKey, formatSlots } from "../../src/scheduling/index.js";

// Zones with DST, half- and quarter-hour offsets, a 30-minute DST shift, luxon's fixed UTC, the IANA Etc/UTC, and
// names only Intl's case-insensitive lookup or its legacy aliases know.
const ZONES = [
  "Europe/Rome", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe",
  "Pacific/Chatham", "UTC", "Etc/UTC", "europe/rome", "EST", "Africa/Casablanca",
];

describe("formatSlots prints as luxon's toISO() and keys by Intl's date in the zone", () => {
  it("for any instant of 1900-2200 in any of these zones", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        const t = Math.floor(ms / 60_000) * 60_000;
        const out = formatSlots([{ start: t, end: t + 30 * 60_000 }], { timeZone: zone, format: "range" });
        const luxon = (x: number) => DateTime.fromMillis(x, { zone }).toISO();
        expect(out).toEqual({ [dateKey(t, zone)]: [{ start: luxon(t), end: luxon(t + 30 * 60_000) }] });
      }),
      { numRuns: 3000 },
    );
  });

  it("keys every slot of a long window of short slots by its own local date (one lookup a day)", () => {
    const start = Date.UTC(2050, 2, 25);
    const slots = Array.from({ length: 14 * 96 }, (_, i) => ({ start: start + i * 15 * 60_000, end: start + (i + 1) * 15 * 60_000 }));
    for (const zone of ["Europe/London", "Australia/Lord_Howe", "America/Santiago"]) {
      const out = formatSlots(slots, { timeZone: zone });
      for (const [key, list] of Object.entries(out)) for (const s of list) expect(DateTime.fromISO(s.start, { setZone: true }).toISODate()).toBe(key);
      expect(Object.values(out).flat()).toHaveLength(slots.length);
    }
  });
});
