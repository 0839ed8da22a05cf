/**
 * The time the store stamps on rows (createdAt, updatedAt, a history entry's timestamp), as Cal.com's ISO strings.
 * Every row made in the same millisecond gets the same string: under a burst of writes that is several rows (an
 * assignment and its history entry at least) sharing one 40-byte string instead of each holding its own.
 */
let lastMs = Number.NaN;
let lastIso = "";

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
