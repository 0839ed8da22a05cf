/**
 * The uids a booking write makes. Cal.com draws them at random; the mock derives them from the scenario's seed and
 * what is booked (event type, start, booker), so the same requests on the same seed give the same uids (the
 * README's examples show them) while every uid stays unique in the store, as a database's unique index keeps it.
 */
import { createHash } from "node:crypto";
import { bookingUid, uuid } from "../ids.js";
import type { Store } from "../store.js";

/** Integers below n drawn from the SHA-256 of a key: the `random` that bookingUid and uuid accept. */
function drawsFrom(key: string): (n: number) => number {
  let digest = createHash("sha256").update(key).digest();
  let at = 0;
  let round = 0;
  return (n) => {
    if (at + 4 > digest.length) {
      digest = createHash("sha256").update(`${key}#${++round}`).digest();
      at = 0;
    }
    const word = digest.readUInt32BE(at);
    at += 4;
    return Math.floor((word / 0x1_0000_0000) * n);
  };
}

/** Uids already handed out in the transaction being built (not yet in the store). */
export type Taken = Set<string>;

/** The first uid `make` gives (attempt 0, 1, …) that neither the transaction nor the store holds. */
function unique(taken: Taken, make: (attempt: number) => string, inStore: (uid: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const uid = make(attempt);
    if (!taken.has(uid) && !inStore(uid)) {
      taken.add(uid);
      return uid;
    }
  }
}

/** A new booking's uid, from the seed and what distinguishes the booking. */
export function newBookingUid(store: Store, taken: Taken, what: string): string {
  return unique(
    taken,
    (n) => bookingUid(drawsFrom(`${store.meta.seed}:booking:${what}:${n}`)),
    (uid) => store.bookingByUid.has(uid) || store.bookingsByRecurringUid.has(uid),
  );
}

/** A seat's reference uid (a UUID, as Cal.com's). */
export function newSeatUid(store: Store, taken: Taken, what: string): string {
  return unique(taken, (n) => uuid(drawsFrom(`${store.meta.seed}:seat:${what}:${n}`)), (uid) => store.bookingBySeatUid.has(uid));
}

/** The uid a recurring booking's occurrences share (recurringBookingUid: a UUID, as Cal.com's). */
export function newSeriesUid(store: Store, taken: Taken, what: string): string {
  return unique(
    taken,
    (n) => uuid(drawsFrom(`${store.meta.seed}:series:${what}:${n}`)),
    (uid) => store.bookingsByRecurringUid.has(uid) || store.bookingByUid.has(uid),
  );
}
