/**
 * GET /v2/slots (2024-09-04): the event type the query names (by id, by owner's username and slug, by team slug and
 * slug, or Cal.com's synthetic dynamic event for a group of usernames), its hosts' availability gathered by
 * ./availability.ts, the slot engine's answer, and that answer in Cal.com's shape. The same gathering decides
 * whether a booking's slot is free, so slots and bookings agree by construction.
 */
import { DateTime } from "luxon";
import { badRequest, notFound } from "../../errors.js";
import { computeSlots, formatSlots, type FormattedSlot, type Slot } from "../../scheduling/index.js";
import type { Change, EventType, User } from "../schema.js";
import type { Store } from "../store.js";
import { DEFAULT_MINIMUM_NOTICE, hostsOfEventType, slotsInputFor, type EventTypeHost } from "./availability.js";
import { expiredReservationChanges } from "./reservations.js";
import type { SlotsLookup, SlotsRequest } from "./slots-input.js";

const MINUTE = 60_000;

/** Cal.com's dynamic event (packages/lib/defaultEvents.ts): a collective 30-minute meeting of the users named. */
const DYNAMIC_EVENT: EventType = {
  id: 0,
  title: "Group Meeting",
  slug: "dynamic",
  length: 30,
  userId: null,
  teamId: null,
  schedulingType: "COLLECTIVE",
  minimumBookingNotice: DEFAULT_MINIMUM_NOTICE,
  beforeEventBuffer: 0,
  afterEventBuffer: 0,
  offsetStart: 0,
  slotInterval: null,
  periodType: "UNLIMITED",
  seatsPerTimeSlot: null,
  scheduleId: null,
  timeZone: null,
};

/** The user Cal.com's findFirst by username gives (usernames repeat across organizations): the lowest id. */
function userByUsername(store: Store, username: string): User | undefined {
  let first: User | undefined;
  for (const u of store.usersByUsername.get(username)?.values() ?? []) if (!first || u.id < first.id) first = u;
  return first;
}

function organizationIdBySlug(store: Store, slug: string): number {
  const org = store.organizationBySlug.get(slug);
  if (!org) throw notFound(`slots-input.service.ts: Organization with slug ${slug} not found`);
  return org.id;
}

/**
 * The dynamic group's users: with an organization, those whose profile there has one of the usernames (or, when no
 * profile matches, the organization's users of those usernames); without, users outside any organization. Names
 * that match nobody are left out, as Cal.com's findMany leaves them.
 */
function dynamicUsers(store: Store, usernames: readonly string[], orgSlug: string): User[] {
  const found = new Map<number, User>();
  const org = orgSlug ? store.organizationBySlug.get(orgSlug) : undefined;
  if (orgSlug) {
    for (const name of usernames) {
      const profile = org && store.profileByOrgUsername.get(`${org.id}:${name}`);
      const user = profile ? store.get("users", profile.userId) : undefined;
      if (user) found.set(user.id, user);
    }
    if (found.size === 0 && org) {
      for (const name of usernames) {
        const user = store.userByOrgUsername.get(`${org.id}:${name}`);
        if (user) found.set(user.id, user);
      }
    }
  } else {
    for (const name of usernames) for (const u of store.usersByUsername.get(name)?.values() ?? []) if (u.organizationId == null) found.set(u.id, u);
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

interface Resolved {
  eventType: EventType;
  /** Set for the dynamic event: its hosts are the group's users. */
  hosts?: EventTypeHost[];
}

/** The event type a query names, with Cal.com's 404s for what it cannot find, checked in Cal.com's order. */
function resolve(store: Store, lookup: SlotsLookup, duration: number | undefined): Resolved {
  const missing = () => notFound("Event Type not found");
  switch (lookup.by) {
    case "id": {
      const et = store.get("eventTypes", lookup.eventTypeId);
      if (!et) throw missing();
      return { eventType: et };
    }
    case "user": {
      let user: User | undefined;
      if (lookup.organizationSlug) {
        const orgId = organizationIdBySlug(store, lookup.organizationSlug);
        const profile = store.profileByOrgUsername.get(`${orgId}:${lookup.username}`);
        user = profile && store.get("users", profile.userId);
      } else user = userByUsername(store, lookup.username);
      if (!user) throw notFound(`User with username ${lookup.username} not found`);
      const et = store.eventTypeBySlug.get(`${user.id}:${lookup.eventTypeSlug}`);
      if (!et) throw missing();
      return { eventType: et };
    }
    case "team": {
      const parent = lookup.organizationSlug ? organizationIdBySlug(store, lookup.organizationSlug) : "";
      const team = store.teamBySlug.get(`${parent}:${lookup.teamSlug}`);
      if (!team) throw notFound(`Team with slug ${lookup.teamSlug} not found`);
      const et = store.eventTypeBySlug.get(`t${team.id}:${lookup.eventTypeSlug}`);
      if (!et) throw missing();
      return { eventType: et };
    }
    case "usernames": {
      const users = dynamicUsers(store, lookup.usernames, lookup.organizationSlug);
      return {
        eventType: duration ? { ...DYNAMIC_EVENT, length: duration } : DYNAMIC_EVENT,
        hosts: users.map((u) => ({ userId: u.id, fixed: true, scheduleId: null, priority: 2, weight: 100 })),
      };
    }
  }
}

export interface SlotsAnswer {
  data: Record<string, FormattedSlot[]>;
  /** Reservations of the event type that expired: a slots query deletes them, as Cal.com's does. */
  expired: Change[];
}

/**
 * The answer of GET /v2/slots for a validated query at `now`. Throws Cal.com's 404s for what the query names but
 * the store lacks, and its 400 for a start or end that passed the ISO check but that luxon cannot read.
 */
export function availableSlots(store: Store, now: number, req: SlotsRequest): SlotsAnswer {
  const { eventType: et, hosts } = resolve(store, req.lookup, req.duration);
  const start = DateTime.fromISO(req.start, { zone: "utc" });
  if (!start.isValid) throw badRequest("Invalid start date");
  let end = DateTime.fromISO(req.end, { zone: "utc" });
  if (!end.isValid) throw badRequest("Invalid end date");
  // An end at exactly midnight means the whole of that day (slots-input.service adjustEndTime).
  if (end.hour === 0 && end.minute === 0 && end.second === 0) end = end.set({ hour: 23, minute: 59, second: 59 });
  const query = {
    start: start.toMillis(),
    end: end.toMillis(),
    now,
    timeZone: req.timeZone,
    duration: req.duration,
    bookingUidToReschedule: req.bookingUidToReschedule,
  };
  const input = hosts ? slotsInputFor(store, et, query, hosts) : slotsInputFor(store, et, query, hostsOfEventType(store, et));
  let slots: Slot[] = computeSlots(input);
  if (req.format === "range") {
    // The range's end is start + (duration ?? the event type's length): a duration of 0, or the dynamic event
    // (whose id Cal.com looks up and does not find) without one, gives an end equal to the start.
    const minutes = req.duration ?? (hosts ? undefined : et.length) ?? 0;
    if (slots.some((s) => s.end - s.start !== minutes * MINUTE)) slots = slots.map((s) => ({ ...s, end: s.start + minutes * MINUTE }));
  }
  return {
    data: formatSlots(slots, { timeZone: req.timeZone, format: req.format }),
    expired: et.id > 0 ? expiredReservationChanges(store, et.id, now) : [],
  };
}

/**
 * Until when an answer of GET /v2/slots computed at `now` stays the answer, while nothing is written: slots move
 * with now only through the minimum notice (whole minutes: Cal.com zeroes the seconds of now + notice before it
 * rounds to the slot grid, and drops slots before now + notice), through a day's end for the booking window, and
 * through a reservation's release (any millisecond). So: the next whole minute, or the next release if sooner. At
 * a whole minute exactly the next millisecond can differ (a slot at now + notice is kept at :00.000 only), so
 * such an answer holds for that instant alone.
 */
export function slotsValidUntil(store: Store, now: number): number {
  if (now % MINUTE === 0) return now + 1;
  let until = Math.ceil(now / MINUTE) * MINUTE;
  for (const r of store.rows.selectedSlots.values()) {
    const release = Date.parse(r.releaseAt);
    if (release > now && release < until) until = release;
  }
  return until;
}
