/**
 * Who may do what with a booking. Cal.com asks this question in several places, each with its own rule, and the
 * rules differ in small ways (whether an invitation counts, whether a host must attend): each function here is one
 * of them, named for the Cal.com check it stands for.
 */
import type { Booking, EventType, Membership, User } from "../schema.js";
import type { Store } from "../store.js";
import { hostsOfEventType } from "./availability.js";

const ADMIN_ROLES = new Set<Membership["role"]>(["ADMIN", "OWNER"]);

export const isSystemAdmin = (user: User): boolean => user.role === "ADMIN";

/** The user's ADMIN or OWNER membership of a team or organization; `accepted` asks for an accepted one. */
export function adminMembership(store: Store, userId: number, teamId: number, accepted: boolean): Membership | undefined {
  const m = store.membershipByTeamUser.get(`${teamId}:${userId}`);
  return m && ADMIN_ROLES.has(m.role) && (!accepted || m.accepted) ? m : undefined;
}

/** The teams and organizations a user is ADMIN or OWNER of, invitations included, as the bookings list reads them. */
export function adminTeamIds(store: Store, userId: number): number[] {
  return [...(store.membershipsByUser.get(userId)?.values() ?? [])].filter((m) => ADMIN_ROLES.has(m.role)).map((m) => m.teamId);
}

/** The event type's hosts by id: its owner for a personal one, its hosts (or every member when it assigns all). */
function hostIds(store: Store, et: EventType): Set<number> {
  const ids = new Set(hostsOfEventType(store, et).map((h) => h.userId));
  if (et.userId != null) ids.add(et.userId);
  for (const h of et.hosts ?? []) ids.add(h.userId);
  return ids;
}

/** The organization a team belongs to (its parent), or the organization itself. */
function organizationOf(store: Store, teamId: number): number | undefined {
  if (store.get("organizations", teamId)) return teamId;
  return store.get("teams", teamId)?.parentId ?? undefined;
}

/** The organizations a user belongs to (accepted memberships, and profiles). */
function organizationsOfUser(store: Store, userId: number): Set<number> {
  const orgs = new Set<number>();
  for (const m of store.membershipsByUser.get(userId)?.values() ?? []) if (m.accepted && store.get("organizations", m.teamId)) orgs.add(m.teamId);
  for (const p of store.profilesByUser.get(userId)?.values() ?? []) orgs.add(p.organizationId);
  const user = store.get("users", userId);
  if (user?.organizationId != null) orgs.add(user.organizationId);
  return orgs;
}

/**
 * Cal.com's EventTypeAccessService.userIsEventTypeAdminOrOwner (reassign, location, seated attendees): a system
 * admin, the event type's owner, one of its hosts, an ADMIN or OWNER of its team or of that team's organization,
 * or an ADMIN or OWNER of an organization the owner belongs to.
 */
export function isEventTypeAdminOrOwner(store: Store, user: User, et: EventType): boolean {
  if (isSystemAdmin(user)) return true;
  if (et.userId === user.id) return true;
  if (hostIds(store, et).has(user.id)) return true;
  if (et.teamId != null) {
    if (adminMembership(store, user.id, et.teamId, true)) return true;
    const org = organizationOf(store, et.teamId);
    if (org !== undefined && org !== et.teamId && adminMembership(store, user.id, org, true)) return true;
  }
  if (et.userId != null) {
    for (const org of organizationsOfUser(store, et.userId)) if (adminMembership(store, user.id, org, true)) return true;
  }
  return false;
}

/**
 * Cal.com's confirm handler check (confirm and decline): a system admin, the organizer, a host or user of the
 * event type, or an ADMIN or OWNER of its team (the role alone, as its query reads it).
 */
export function canConfirm(store: Store, user: User, b: Booking): boolean {
  if (isSystemAdmin(user)) return true;
  if (b.userId === user.id) return true;
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (et && hostIds(store, et).has(user.id)) return true;
  return et?.teamId != null && adminMembership(store, user.id, et.teamId, false) !== undefined;
}

/** The team an event type's bookings belong to for admin checks: its own, or its managed parent's. */
function teamOfEventType(store: Store, et: EventType): number | undefined {
  if (et.teamId != null) return et.teamId;
  const parent = et.parentId == null ? undefined : store.get("eventTypes", et.parentId);
  return parent?.teamId ?? undefined;
}

/**
 * Cal.com's findBookingByUidAndUserId (marking attendees absent): the organizer, a host or user of the event type,
 * or an accepted ADMIN or OWNER of its team (or of its managed parent's team).
 */
export function canMarkAttendees(store: Store, user: User, b: Booking): boolean {
  if (b.userId === user.id) return true;
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (!et) return false;
  if (hostIds(store, et).has(user.id)) return true;
  const team = teamOfEventType(store, et);
  return team !== undefined && adminMembership(store, user.id, team, true) !== undefined;
}

/**
 * Cal.com's BookingAccessService.doesUserIdHaveAccessToBooking (BookingPbacGuard: attendees, conferencing
 * sessions): the organizer; a host of the event type who takes part (organizes or attends); for a team event
 * type, exactly its team's ADMIN or OWNER; for a managed one, an admin of the parent's team or organization;
 * otherwise an ADMIN or OWNER of the organizer's organization or of any team the organizer belongs to.
 */
export function hasBookingAccess(store: Store, user: User, b: Booking): boolean {
  if (b.userId === user.id) return true;
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (et && hostIds(store, et).has(user.id)) {
    const attending = new Set(b.attendees.map((a) => a.email));
    if (attending.has(user.email)) return true;
  }
  if (et?.teamId != null) return adminMembership(store, user.id, et.teamId, true) !== undefined;
  const parent = et?.parentId == null ? undefined : store.get("eventTypes", et.parentId);
  if (parent?.teamId != null) {
    if (adminMembership(store, user.id, parent.teamId, true)) return true;
    const org = organizationOf(store, parent.teamId);
    return org !== undefined && adminMembership(store, user.id, org, true) !== undefined;
  }
  if (b.userId == null) return false;
  for (const org of organizationsOfUser(store, b.userId)) if (adminMembership(store, user.id, org, true)) return true;
  for (const m of store.membershipsByUser.get(b.userId)?.values() ?? []) {
    if (m.accepted && adminMembership(store, user.id, m.teamId, true)) return true;
  }
  return false;
}

/**
 * Cal.com's validateUserPermissions of adding guests or an attendee: the organizer, an attendee (by e-mail), or an
 * ADMIN or OWNER of the event type's team (the fallback of its `booking.update` permission).
 */
export function canAddGuests(store: Store, user: User, b: Booking): boolean {
  if (b.userId === user.id) return true;
  if (b.attendees.some((a) => a.email === user.email)) return true;
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  return et?.teamId != null && adminMembership(store, user.id, et.teamId, true) !== undefined;
}
