/**
 * What deleting a row does to the scheduling collections, as Cal.com's schema and services do it. Each function
 * answers the changes to add to the deleting transaction; none applies anything itself.
 *
 * - A user: their schedules, personal event types (and their managed copies) and the bookings they organize go
 *   (onDelete: Cascade on Schedule.user, EventType.owner, Booking.user); bookings they only attend stay.
 * - A membership: the user stops being a host of the team's event types, and their managed copies of the team's
 *   event types go (removeMember); for an organization's membership, hosts of its teams' event types too.
 * - An event type: its bookings stay with eventTypeId null (the relation's SetNull), its managed copies go
 *   (Cascade), and so do its reservations (Cal.com keeps them as rows nobody can reach).
 * - A team: its event types go, as above.
 * - A schedule: event types and hosts that used it fall back to the default (scheduleId null); the owner's
 *   defaultScheduleId is left as it was, as Cal.com leaves it.
 */
import type { Booking, Change, EventType, Membership } from "../schema.js";
import type { Store } from "../store.js";

/** Event types deleted and rows changed within one transaction, so no row is put twice from a stale copy. */
class Cascade {
  readonly changes: Change[] = [];
  private readonly deletedEventTypes = new Set<number>();
  private readonly deletedBookings = new Set<number>();
  private readonly changedEventTypes = new Map<number, EventType>();

  constructor(private readonly store: Store) {}

  eventType(id: number): EventType | undefined {
    if (this.deletedEventTypes.has(id)) return undefined;
    return this.changedEventTypes.get(id) ?? this.store.get("eventTypes", id);
  }

  putEventType(e: EventType): void {
    this.changedEventTypes.set(e.id, e);
    this.changes.push({ op: "put", collection: "eventTypes", row: e });
  }

  deleteEventType(id: number): void {
    const e = this.eventType(id);
    if (!e) return;
    this.deletedEventTypes.add(id);
    this.changes.push({ op: "del", collection: "eventTypes", id });
    for (const r of this.store.selectedSlotsByEventType.get(id)?.values() ?? []) this.changes.push({ op: "del", collection: "selectedSlots", id: r.id });
    for (const b of this.store.bookingsByEventType.get(id)?.values() ?? []) {
      if (!this.deletedBookings.has(b.id)) this.changes.push({ op: "put", collection: "bookings", row: { ...b, eventTypeId: null } });
    }
    for (const child of this.childrenOf(id)) this.deleteEventType(child.id);
  }

  deleteBooking(b: Booking): void {
    if (this.deletedBookings.has(b.id)) return;
    this.deletedBookings.add(b.id);
    this.changes.push({ op: "del", collection: "bookings", id: b.id });
  }

  /** Managed copies of a team's event type: personal event types of its hosts whose parentId names it. */
  private childrenOf(parentId: number): EventType[] {
    const parent = this.store.get("eventTypes", parentId);
    if (!parent || parent.teamId == null) return [];
    const children: EventType[] = [];
    for (const userId of this.store.userIdsByTeam.get(parent.teamId) ?? []) {
      for (const e of this.store.eventTypesByOwner.get(userId)?.values() ?? []) if (e.parentId === parentId) children.push(e);
    }
    return children;
  }

  /** Removes a user from the hosts of the event types of the given teams, and deletes their managed copies of them. */
  removeHost(userId: number, teamIds: ReadonlySet<number>): void {
    for (const hosted of this.store.eventTypesByHost.get(userId)?.values() ?? []) {
      const e = this.eventType(hosted.id);
      if (!e || e.teamId == null || !teamIds.has(e.teamId)) continue;
      this.putEventType({ ...e, hosts: (e.hosts ?? []).filter((h) => h.userId !== userId) });
    }
    for (const owned of this.store.eventTypesByOwner.get(userId)?.values() ?? []) {
      const parent = owned.parentId != null ? this.store.get("eventTypes", owned.parentId) : undefined;
      if (parent?.teamId != null && teamIds.has(parent.teamId)) this.deleteEventType(owned.id);
    }
  }
}

/** Removing a membership of a team or organization (also on the way to deleting the user or the team). */
export function membershipRemovalChanges(store: Store, m: Membership): Change[] {
  const cascade = new Cascade(store);
  const teamIds = new Set([m.teamId]);
  // Leaving an organization leaves the hosts of its teams' event types too.
  for (const teamId of store.teamsByParent.get(m.teamId)?.keys() ?? []) teamIds.add(teamId);
  cascade.removeHost(m.userId, teamIds);
  return cascade.changes;
}

/** Deleting a user: everything of theirs in the scheduling collections. Memberships are removed by the caller. */
export function userDeletionChanges(store: Store, userId: number): Change[] {
  const cascade = new Cascade(store);
  for (const b of store.bookingsByUser.get(userId)?.values() ?? []) cascade.deleteBooking(b);
  for (const e of store.eventTypesByOwner.get(userId)?.values() ?? []) cascade.deleteEventType(e.id);
  for (const s of store.schedulesByUser.get(userId)?.values() ?? []) cascade.changes.push({ op: "del", collection: "schedules", id: s.id });
  for (const r of store.selectedSlotsByUser.get(userId)?.values() ?? []) cascade.changes.push({ op: "del", collection: "selectedSlots", id: r.id });
  return cascade.changes;
}

export function eventTypeDeletionChanges(store: Store, eventTypeId: number): Change[] {
  const cascade = new Cascade(store);
  cascade.deleteEventType(eventTypeId);
  return cascade.changes;
}

/** Deleting a team (its memberships are removed by the caller): its event types go. */
export function teamDeletionChanges(store: Store, teamId: number): Change[] {
  const cascade = new Cascade(store);
  for (const e of store.eventTypesByTeam.get(teamId)?.values() ?? []) cascade.deleteEventType(e.id);
  return cascade.changes;
}

export function scheduleDeletionChanges(store: Store, scheduleId: number): Change[] {
  const schedule = store.get("schedules", scheduleId);
  if (!schedule) return [];
  const changes: Change[] = [{ op: "del", collection: "schedules", id: scheduleId }];
  const seen = new Set<number>();
  // A schedule is its owner's: only event types the owner owns or hosts can name it.
  const candidates = [...(store.eventTypesByOwner.get(schedule.userId)?.values() ?? []), ...(store.eventTypesByHost.get(schedule.userId)?.values() ?? [])];
  for (const e of candidates) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const usesIt = e.scheduleId === scheduleId;
    const hostUsesIt = (e.hosts ?? []).some((h) => h.scheduleId === scheduleId);
    if (!usesIt && !hostUsesIt) continue;
    changes.push({
      op: "put",
      collection: "eventTypes",
      row: {
        ...e,
        ...(usesIt && { scheduleId: null }),
        ...(hostUsesIt && { hosts: (e.hosts ?? []).map((h) => (h.scheduleId === scheduleId ? { ...h, scheduleId: null } : h)) }),
      },
    });
  }
  return changes;
}
