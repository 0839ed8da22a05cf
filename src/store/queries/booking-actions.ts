/**
 * What a host does with an existing booking: confirm or decline it, mark who did not show up, hand it to another
 * host. Each follows Cal.com's handler for it (confirm.handler, handleMarkNoShow, roundRobinReassignment and its
 * manual form), with the API's checks in front and its messages.
 */
import { DateTime } from "luxon";
import { freeHostIds } from "../../scheduling/index.js";
import { badRequest, forbidden, notFound } from "../../errors.js";
import type { Database } from "../database.js";
import type { Attendee, Booking, Change, EventType, User } from "../schema.js";
import type { Store } from "../store.js";
import { hostsOfEventType, slotsInputFor, windowAround, type EventTypeHost } from "./availability.js";
import { canConfirm, canMarkAttendees, isEventTypeAdminOrOwner } from "./booking-access.js";
import { trpcBadRequest, trpcUnauthorized } from "./booking-list.js";
import { eventName } from "./booking-event-name.js";
import { displayEmail } from "./booking-output.js";

const notInDatabase = (uid: string) => notFound(`Booking with uid=${uid} was not found in the database`);

/** The booking by uid, or Cal.com's 404 for it. */
export function bookingOr404(store: Store, uid: string, missing: (uid: string) => Error = notInDatabase): Booking {
  const b = store.bookingByUid.get(uid);
  if (!b) throw missing(uid);
  return b;
}

const put = (row: Booking): Change => ({ op: "put", collection: "bookings", row });

/**
 * Confirm (accept) or decline (reject) a booking awaiting confirmation, as Cal.com's confirm handler does: only the
 * organizer, a host of the event type, its team's ADMIN or OWNER or a system admin (else 401), never an accepted
 * booking (400, checked after the caller). An occurrence of a recurring booking takes every pending occurrence of
 * its series with it; a single booking changes whatever its status.
 */
export async function respondToBooking(db: Database, user: User, uid: string, accept: boolean, reason: string | undefined, now: string): Promise<Booking> {
  const b = bookingOr404(db.store, uid);
  if (!canConfirm(db.store, user, b)) throw trpcUnauthorized();
  if (b.status === "ACCEPTED") throw trpcBadRequest();
  const status: Booking["status"] = accept ? "ACCEPTED" : "REJECTED";
  const change = (row: Booking): Booking => ({ ...row, status, updatedAt: now, ...(!accept && { rejectionReason: reason ?? null }) });
  const targets = b.recurringEventId
    ? [...(db.store.bookingsByRecurringUid.get(b.recurringEventId)?.values() ?? [])].filter((o) => o.status === "PENDING")
    : [b];
  if (targets.length > 0) await db.commit(targets.map((row) => put(change(row))));
  return db.store.bookingByUid.get(uid)!;
}

export interface MarkAbsentInput {
  host?: boolean;
  attendees?: Array<{ email: string; absent: boolean }>;
}

/**
 * Cal.com's mark-absent: the booking must have started by the clock (400 naming both instants); attendees are
 * marked by e-mail (the last attendee of an e-mail, as Cal.com's lookup map keeps it; unknown e-mails skipped) by
 * the organizer, a host or its team's ADMIN or OWNER only; `host: true` marks the host absent, `false` does nothing.
 */
export async function markAbsent(db: Database, user: User, uid: string, input: MarkAbsentInput, nowMs: number): Promise<Booking> {
  const b = bookingOr404(db.store, uid, (u) => notFound(`Booking with uid=${u} not found.`));
  const start = DateTime.fromMillis(Date.parse(b.startTime), { zone: "utc" });
  if (nowMs < start.toMillis()) {
    const now = DateTime.fromMillis(nowMs, { zone: "utc" });
    throw badRequest(
      `Bookings can only be marked as absent after their scheduled start time. Current time in UTC+0: ${now.toISO()}, Booking start time in UTC+0: ${start.toISO()}`,
    );
  }
  const marks = input.attendees ?? [];
  // Cal.com answers this refusal as a 500 ("Failed to update no-show status"): the mock says what it is.
  if (marks.length > 0 && !canMarkAttendees(db.store, user, b)) throw forbidden("You are not allowed to access this booking");
  let attendees = b.attendees;
  if (marks.length > 0) {
    const lastOf = new Map<string, number>();
    b.attendees.forEach((a, i) => lastOf.set(a.email, i));
    attendees = b.attendees.map((a) => ({ ...a }));
    for (const mark of marks) {
      const i = lastOf.get(mark.email);
      if (i !== undefined) attendees[i] = { ...attendees[i]!, noShow: mark.absent };
    }
  }
  const changed = marks.length > 0 || input.host === true;
  if (changed) {
    await db.commit([put({ ...b, attendees, ...(input.host === true && { noShowHost: true }), updatedAt: DateTime.fromMillis(nowMs, { zone: "utc" }).toISO()! })]);
  }
  return db.store.bookingByUid.get(uid)!;
}

/** What Cal.com's reassign answers: the booking's uid and its (new) organizer. */
export interface Reassigned {
  bookingUid: string;
  reassignedTo: { id: number; name: string; email: string; displayEmail: string };
}

function reassignedOutput(store: Store, b: Booking): Reassigned {
  const user = b.userId == null ? undefined : store.get("users", b.userId);
  return {
    bookingUid: b.uid,
    reassignedTo: user
      ? { id: user.id, name: user.name ?? "unknown", email: user.email, displayEmail: displayEmail(user.email) }
      : { id: 0, name: "unknown", email: "unknown", displayEmail: "unknown" },
  };
}

/** The booking's event type, which a reassignment needs (Cal.com: 400 when the booking has none). */
function eventTypeOf(store: Store, b: Booking): EventType {
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (!et) throw badRequest(`Event type with id=${b.eventTypeId} was not found in the database`);
  return et;
}

/**
 * The hosts a reassignment chooses among: the event type's hosts, or, for an event type without any (a personal
 * one), its owner as a round-robin host, as Cal.com falls back to the event type's users.
 */
function reassignHosts(store: Store, et: EventType): EventTypeHost[] {
  if (et.teamId == null) return et.userId == null ? [] : [{ userId: et.userId, fixed: false, scheduleId: null, priority: 2, weight: 100 }];
  return hostsOfEventType(store, et);
}

/**
 * The booking's title for a new organizer: its event name with that host (or the team's name, where Cal.com
 * passes it).
 */
function titleFor(store: Store, et: EventType, b: Booking, host: User, teamName: boolean): string {
  const team = teamName && et.teamId != null ? store.get("teams", et.teamId)?.name : undefined;
  return eventName(et, b, { host: team || host.name || "Nameless", location: b.location });
}

/** The current round-robin host: a non-fixed host who organizes the booking or attends it. */
function currentRoundRobinHost(store: Store, hosts: readonly EventTypeHost[], b: Booking): User | undefined {
  const attending = new Set(b.attendees.map((a) => a.email));
  for (const h of hosts) {
    if (h.fixed) continue;
    const user = store.get("users", h.userId);
    if (user && (user.id === b.userId || attending.has(user.email))) return user;
  }
  return undefined;
}

/** The booking with another user in the round-robin host's place: as organizer, or as the attendee they were. */
function handOver(b: Booking, to: User, previous: User | undefined, title: string, now: string): Booking {
  const organizerChanges = !previous || b.userId === previous.id;
  if (organizerChanges) return { ...b, userId: to.id, title, updatedAt: now };
  const attendees: Attendee[] = b.attendees.map((a) =>
    a.email === previous.email ? { ...a, name: to.name ?? "", email: to.email, timeZone: to.timeZone ?? "Europe/London", locale: to.locale ?? a.locale ?? null } : a,
  );
  return { ...b, attendees, updatedAt: now };
}

/** The latest creation of a booking of this event type organized by the user (0: never), for the lucky-user pick. */
function lastBooked(store: Store, et: EventType, userId: number): number {
  let last = 0;
  for (const b of store.bookingsByEventType.get(et.id)?.values() ?? []) if (b.userId === userId) last = Math.max(last, Date.parse(b.createdAt));
  return last;
}

/**
 * Cal.com's automatic round-robin reassignment: the event type's hosts other than the organizer and the
 * attendees, kept when free for the booking's whole time by the same availability GET /v2/slots reads (the
 * booking itself left out of booking limits), then Cal.com's lucky user: the highest priority, then the one whose
 * last booking of the event type is the oldest, then the hosts' order. None free: 400.
 */
export async function reassignAutomatically(db: Database, user: User, uid: string, nowMs: number): Promise<Reassigned> {
  const store = db.store;
  const b = bookingOr404(store, uid);
  const et = eventTypeOf(store, b);
  if (!isEventTypeAdminOrOwner(store, user, et)) throw forbidden("You do not have permission to reassign this booking");
  const none = () => badRequest("Can't reassign the booking because no other host is available at that time.");
  const organizer = b.userId == null ? undefined : store.get("users", b.userId);
  if (!organizer) throw none();
  const hosts = reassignHosts(store, et);
  const attending = new Set(b.attendees.map((a) => a.email));
  const candidates = hosts.filter((h) => {
    const u = store.get("users", h.userId);
    return u !== undefined && !attending.has(u.email) && u.email !== organizer.email;
  });
  if (candidates.length === 0) throw none();
  const start = Date.parse(b.startTime);
  const end = Date.parse(b.endTime);
  const window = windowAround(start);
  const input = slotsInputFor(store, et, { ...window, now: nowMs, bookingUidToReschedule: b.uid }, candidates);
  const free = new Set(freeHostIds(input, start, end));
  const available = candidates.filter((h) => free.has(h.userId));
  if (available.length === 0) throw none();
  const top = Math.max(...available.map((h) => h.priority));
  const lucky = available
    .filter((h) => h.priority === top)
    .map((h, order) => ({ h, order, last: lastBooked(store, et, h.userId) }))
    .sort((x, y) => x.last - y.last || x.order - y.order)[0]!.h;
  const to = store.get("users", lucky.userId)!;
  const previous = currentRoundRobinHost(store, hosts, b);
  const now = DateTime.fromMillis(nowMs, { zone: "utc" }).toISO()!;
  const updated = handOver(b, to, previous, titleFor(store, et, b, to, false), now);
  await db.commit([put(updated)]);
  return reassignedOutput(store, store.bookingByUid.get(uid)!);
}

/**
 * Cal.com's manual reassignment to a chosen user, who must be a round-robin host of the event type (no
 * availability check). An event type with a fixed host keeps its organizer and swaps the round-robin attendee.
 */
export async function reassignToUser(db: Database, user: User, uid: string, userId: number, reason: string | undefined, nowMs: number): Promise<Reassigned> {
  const store = db.store;
  const b = bookingOr404(store, uid);
  const et = eventTypeOf(store, b);
  if (!isEventTypeAdminOrOwner(store, user, et)) throw forbidden("You do not have permission to reassign this booking");
  const to = store.get("users", userId);
  if (!to) throw notFound(`User with id=${userId} was not found in the database`);
  const hosts = reassignHosts(store, et);
  const host = hosts.find((h) => h.userId === userId);
  if (!host) {
    throw badRequest(
      `User with id=${userId} is not a valid Round Robin host - the user to which you reassign this booking must be one of the booking hosts. Fetch the booking using following endpoint and select id of one of the hosts: https://cal.com/docs/api-reference/v2/bookings/get-a-booking`,
    );
  }
  // Cal.com throws a plain error here, answered as a 500.
  if (host.fixed) throw badRequest(`User with id=${userId} is a fixed host of the event type: only round robin hosts can be assigned a booking.`);
  const now = DateTime.fromMillis(nowMs, { zone: "utc" }).toISO()!;
  const fixedHost = hosts.some((h) => h.fixed);
  let updated: Booking | undefined;
  if (!fixedHost && b.userId !== userId) {
    updated = { ...b, userId, title: titleFor(store, et, b, to, true), reassignReason: reason ?? null, reassignById: user.id, updatedAt: now };
  } else if (fixedHost) {
    const previous = currentRoundRobinHost(store, hosts, b);
    if (previous && previous.id !== b.userId) updated = handOver(b, to, previous, b.title, now);
  }
  if (updated) await db.commit([put(updated)]);
  return reassignedOutput(store, store.bookingByUid.get(uid)!);
}
