/**
 * Finding what a bookings request names (the event type to book, a booking by uid or by seat, a recurring series),
 * who may see a seated booking's attendees, and the one-booking answers (GET by uid, GET by seat) as Cal.com's
 * bookings service gives them.
 */
import { notFound } from "../../errors.js";
import type { Booking, EventType, Organization, Team, User } from "../schema.js";
import type { Store } from "../store.js";
import { hostsOfEventType } from "./availability.js";
import { seriesOf, toBookingOutput, type BookingOutput } from "./booking-output.js";

/** How a create request names the event type it books (the body's fields). */
export interface EventTypeReference {
  eventTypeId?: number | undefined;
  eventTypeSlug?: string | undefined;
  username?: string | undefined;
  teamSlug?: string | undefined;
  organizationSlug?: string | undefined;
}

/** Whether the body names an event type at all (Cal.com's class-level rule on the create input). */
export function namesEventType(ref: EventTypeReference): boolean {
  return !!ref.eventTypeId || (!!ref.eventTypeSlug && !!ref.username) || (!!ref.eventTypeSlug && !!ref.teamSlug);
}

/** Slugs and usernames are not indexed by the store; kept per write, only for the slug forms of a create. */
function bySlug<T>(store: Store, key: string, rows: Iterable<T>, slugOf: (row: T) => string | null | undefined): Map<string, T> {
  return store.memo(key, () => {
    const out = new Map<string, T>();
    for (const row of rows) {
      const slug = slugOf(row);
      if (slug != null && !out.has(slug)) out.set(slug, row);
    }
    return out;
  });
}

const organizationBySlug = (store: Store, slug: string): Organization | undefined =>
  bySlug(store, "bookings:orgBySlug", store.rows.organizations.values(), (o) => o.slug).get(slug);

/**
 * The user a username names: within the organization when one is named (its profiles' usernames, as Cal.com's
 * org users are found), else the first user holding that username.
 */
function userByUsername(store: Store, username: string, organizationSlug: string | undefined): User | undefined {
  if (organizationSlug !== undefined) {
    const org = organizationBySlug(store, organizationSlug);
    if (!org) return undefined;
    const profile = store.profileByOrgUsername.get(`${org.id}:${username}`);
    return profile ? store.get("users", profile.userId) : store.userByOrgUsername.get(`${org.id}:${username}`);
  }
  return bySlug(store, "bookings:userByUsername", store.rows.users.values(), (u) => u.username).get(username);
}

function teamBySlug(store: Store, teamSlug: string, organizationSlug: string | undefined): Team | undefined {
  if (organizationSlug === undefined) return bySlug(store, "bookings:teamBySlug", store.rows.teams.values(), (t) => t.slug).get(teamSlug);
  const org = organizationBySlug(store, organizationSlug);
  // Cal.com reuses the slots input's lookup here, message and all.
  if (!org) throw notFound(`slots-input.service.ts: Organization with slug ${organizationSlug} not found`);
  for (const team of store.teamsByParent.get(org.id)?.values() ?? []) if (team.slug === teamSlug) return team;
  return undefined;
}

/** The event type a create request books, or Cal.com's 404 naming what was not found. */
export function eventTypeToBook(store: Store, ref: EventTypeReference): EventType {
  const within = ref.organizationSlug ? ` within organization ${ref.organizationSlug}` : "";
  if (ref.eventTypeId) {
    const et = store.get("eventTypes", ref.eventTypeId);
    if (!et) throw notFound(`Event type with id ${ref.eventTypeId} not found.`);
    return et;
  }
  if (ref.username && ref.eventTypeSlug) {
    const user = userByUsername(store, ref.username, ref.organizationSlug);
    if (!user) throw notFound(`User with username ${ref.username} not found`);
    const et = store.eventTypeBySlug.get(`${user.id}:${ref.eventTypeSlug}`);
    if (!et) throw notFound(`Event type with slug ${ref.eventTypeSlug} belonging to user ${ref.username}${within} not found.`);
    return et;
  }
  const team = teamBySlug(store, ref.teamSlug!, ref.organizationSlug);
  if (!team) throw notFound(`Team with slug ${ref.teamSlug} not found`);
  const et = store.eventTypeBySlug.get(`t${team.id}:${ref.eventTypeSlug}`);
  if (!et) throw notFound(`Event type with slug ${ref.eventTypeSlug} belonging to team ${ref.teamSlug}${within} not found.`);
  return et;
}

const isAdminRole = (role: string | undefined) => role === "ADMIN" || role === "OWNER";

/** Whether the user is an accepted ADMIN or OWNER of a team or organization. */
function administers(store: Store, teamId: number | null | undefined, userId: number): boolean {
  if (teamId == null) return false;
  const m = store.membershipByTeamUser.get(`${teamId}:${userId}`);
  return !!m && m.accepted && isAdminRole(m.role);
}

/** The organization an event type belongs to: its team's, or its owner's. */
function organizationOf(store: Store, et: EventType): number | null {
  if (et.teamId != null) {
    const team = store.get("teams", et.teamId);
    return team?.parentId ?? null;
  }
  return et.userId == null ? null : (store.get("users", et.userId)?.organizationId ?? null);
}

/**
 * Cal.com's userIsEventTypeAdminOrOwner: a system admin, the event type's owner or one of its hosts, an admin or
 * owner of its team, or of the organization it belongs to. Decides who sees a seated booking's attendees, who may
 * book an event type that requires authentication, and who may cancel a whole seated booking.
 */
export function isEventTypeAdminOrOwner(store: Store, user: User | undefined, et: EventType | undefined): boolean {
  if (!user || !et) return false;
  if (user.role === "ADMIN") return true;
  if (et.userId === user.id) return true;
  if (hostsOfEventType(store, et).some((h) => h.userId === user.id)) return true;
  if (administers(store, et.teamId, user.id)) return true;
  return administers(store, organizationOf(store, et), user.id);
}

/** Whether the user is an admin of the organization the user `hostId` belongs to (Cal.com's org-admin rule). */
export function isOrgAdminOfUser(store: Store, user: User | undefined, hostId: number | null): boolean {
  if (!user || hostId == null) return false;
  if (user.role === "ADMIN") return true;
  const host = store.get("users", hostId);
  return administers(store, host?.organizationId ?? null, user.id);
}

export const eventTypeOf = (store: Store, b: Booking): EventType | undefined => (b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId));

/** The booking's answer for this caller: a seated booking's attendees only for those who may see them. */
export function bookingAnswer(store: Store, b: Booking, user: User | undefined, seatUid?: string): BookingOutput {
  const et = eventTypeOf(store, b);
  return toBookingOutput(store, b, { showAttendees: isEventTypeAdminOrOwner(store, user, et), ...(seatUid !== undefined && { seatUid }) });
}

/** GET /v2/bookings/{uid}: a booking, or every occurrence of the series the uid names, by start. */
export function getBookingOrSeries(store: Store, uid: string, user: User | undefined): BookingOutput | BookingOutput[] {
  const booking = store.bookingByUid.get(uid);
  if (booking) return bookingAnswer(store, booking, user);
  const series = seriesOf(store, uid);
  if (series.length === 0) throw notFound(`Booking with uid=${uid} was not found in the database`);
  return series.map((b) => bookingAnswer(store, b, user));
}

/**
 * GET /v2/bookings/by-seat/{seatUid}: the seated booking holding the seat; a caller who may not see its attendees
 * sees that seat's attendee alone.
 */
export function getBookingBySeat(store: Store, seatUid: string, user: User | undefined): BookingOutput {
  const booking = store.bookingBySeatUid.get(seatUid);
  if (!booking) throw notFound(`Booking with seatUid=${seatUid} was not found in the database`);
  const et = eventTypeOf(store, booking);
  const everyone = isEventTypeAdminOrOwner(store, user, et) || !!et?.seatsShowAttendees;
  const out = toBookingOutput(store, booking, { showAttendees: true });
  if (!everyone) out.attendees = (out.attendees as Array<{ seatUid?: string }>).filter((a) => a.seatUid === seatUid) as typeof out.attendees;
  return out;
}
