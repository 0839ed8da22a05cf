/**
 * The bookings lists (GET /v2/bookings and the team and organization lists that read the same rows), as Cal.com's
 * getBookings answers them: the rows the caller may see, the status filters relative to now, the other filters,
 * the order and the page, with Cal.com's pagination object computed from the total, skip and take.
 */
import type { QueryParams, Schemas } from "../../contract/types.js";
import { HttpError, validationFailure } from "../../errors.js";
import type { Booking, EventType } from "../schema.js";
import type { Store } from "../store.js";
import { adminTeamIds } from "./booking-access.js";
import { inList } from "./booking-status-lists.js";

export type ListStatus = NonNullable<BookingListQuery["status"]>[number];
type Order = "asc" | "desc";

/** The list query after validation: GET /v2/bookings's, the widest (the other lists give a part of it). */
export type BookingListQuery = QueryParams<"BookingsController_2024_08_13_getBookings">;

/** Whose view the list is: the caller's, or (the organization user list) the named user's. */
export interface Viewer {
  id: number;
  email: string;
}

/** The `pagination` object beside a list's `data`, as the contract declares it. */
export type Pagination = Schemas["PaginationMetaDto"];

/** Cal.com's TRPC errors reach the API through its TRPC filter, which replaces their messages with fixed ones. */
export const trpcBadRequest = () => new HttpError(400, "TRPCError", "Bad request: Please check your request data and try again");
export const trpcForbidden = () => new HttpError(403, "TRPCError", "You don't have necessary permissions to access this resource");
export const trpcUnauthorized = () => new HttpError(401, "TRPCError", "You are not authorized to access this resource");

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(value, max));

/** Cal.com's getPagination: skip is clamped to the total first; returnedItems is computed, not counted. */
export function pagination(skip: number, take: number, total: number): Pagination {
  const safeSkip = clamp(skip, 0, total);
  const totalPages = take !== 0 ? Math.ceil(total / take) : 0;
  return {
    returnedItems: clamp(total - safeSkip, 0, take),
    totalItems: total,
    itemsPerPage: take,
    remainingItems: clamp(total - (safeSkip + take), 0, total),
    currentPage: totalPages === 0 ? 0 : clamp(Math.floor(safeSkip / take) + 1, 1, totalPages),
    totalPages,
    hasNextPage: safeSkip + take < total,
    hasPreviousPage: safeSkip > 0,
  };
}

/** The event types whose ids are given, and the managed children of those. */
function eventTypesWithChildren(store: Store, matches: (et: EventType) => boolean): Set<number> {
  const ids = new Set<number>();
  const all = store.rows.eventTypes.values();
  const parents = new Set<number>();
  for (const et of all) {
    if (matches(et)) {
      ids.add(et.id);
      parents.add(et.id);
    }
  }
  if (parents.size > 0) for (const et of store.rows.eventTypes.values()) if (et.parentId != null && parents.has(et.parentId)) ids.add(et.id);
  return ids;
}

function add(into: Map<number, Booking>, from: Iterable<Booking> | undefined): void {
  for (const b of from ?? []) into.set(b.id, b);
}

/** The bookings that name one of these e-mails among their attendees (exactly, as Cal.com's query compares them). */
function attendedBy(store: Store, emails: Iterable<string>, into: Map<number, Booking>): void {
  for (const email of emails) {
    for (const b of store.bookingsByAttendeeEmail.get(email.toLowerCase())?.values() ?? []) {
      if (b.attendees.some((a) => a.email === email)) into.set(b.id, b);
    }
  }
}

/**
 * The rows the viewer may see, as Cal.com's getBookings unions them: organized by the viewer or attended by their
 * e-mail; for an ADMIN or OWNER of teams or organizations (invitations count), also the bookings of those teams'
 * event types, and those organized or attended by anyone with a membership of them. With userIds, the bookings
 * those users organize or attend instead, each of whom must be in that admin scope.
 */
function visibleBookings(store: Store, viewer: Viewer, userIds: readonly number[] | undefined): Map<number, Booking> {
  const teams = adminTeamIds(store, viewer.id);
  const scopeUsers = new Set<number>();
  for (const teamId of teams) for (const id of store.userIdsByTeam.get(teamId) ?? []) scopeUsers.add(id);
  const found = new Map<number, Booking>();
  if (userIds && userIds.length > 0) {
    const users = userIds.map((id) => store.get("users", id)).filter((u) => u !== undefined);
    if (users.length === 0) throw trpcBadRequest();
    if (!userIds.every((id) => scopeUsers.has(id))) throw trpcForbidden();
    for (const id of userIds) add(found, store.bookingsByUser.get(id)?.values());
    attendedBy(store, users.map((u) => u.email), found);
    return found;
  }
  add(found, store.bookingsByUser.get(viewer.id)?.values());
  attendedBy(store, [viewer.email], found);
  if (teams.length > 0) {
    const teamSet = new Set(teams);
    for (const id of eventTypesWithChildren(store, (et) => et.teamId != null && teamSet.has(et.teamId))) add(found, store.bookingsByEventType.get(id)?.values());
    const emails: string[] = [];
    for (const id of scopeUsers) {
      add(found, store.bookingsByUser.get(id)?.values());
      const user = store.get("users", id);
      if (user) emails.push(user.email);
    }
    attendedBy(store, emails, found);
  }
  return found;
}

const time = (iso: string | null | undefined) => (iso == null ? undefined : Date.parse(iso));

/**
 * The instant an ISO 8601 query value names, read as dayjs.utc reads it: no offset is UTC, `+01` and `+0100` are
 * `+01:00`. NaN when it names none (2025-02-30, 25:00).
 */
export function instantOf(value: string): number {
  const date = value.slice(0, 10);
  const day = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== date) return Number.NaN;
  if (value.length === 10) return day;
  const normalized = value.replace(/([+-]\d{2})(?::?(\d{2}))?$/, (_m, h: string, m?: string) => `${h}:${m ?? "00"}`);
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(normalized) ? normalized : `${normalized}Z`);
}

const queryTime = (iso: string | undefined) => (iso === undefined ? undefined : instantOf(iso));

type SortKey = "startTime" | "endTime" | "createdAt" | "updatedAt";

/**
 * Cal.com's order: the one status group's own order when exactly one is asked for and no sort, else the first of
 * sortStart, sortEnd, sortCreated, sortUpdatedAt given, else start ascending.
 */
function orderOf(query: BookingListQuery): { key: SortKey; order: Order } {
  const statuses = query.status ?? [];
  const sorted = query.sortStart ?? query.sortEnd ?? query.sortCreated ?? query.sortUpdatedAt;
  if (statuses.length === 1 && sorted === undefined) {
    return { key: "startTime", order: statuses[0] === "past" || statuses[0] === "cancelled" ? "desc" : "asc" };
  }
  if (query.sortStart) return { key: "startTime", order: query.sortStart };
  if (query.sortEnd) return { key: "endTime", order: query.sortEnd };
  if (query.sortCreated) return { key: "createdAt", order: query.sortCreated };
  if (query.sortUpdatedAt) return { key: "updatedAt", order: query.sortUpdatedAt };
  return { key: "startTime", order: "asc" };
}

/**
 * Compares two bookings by a column as PostgreSQL orders it (a never-updated booking's null updatedAt comes last
 * ascending, first descending); ties by id, where Cal.com leaves the order to the database.
 */
function comparator(key: SortKey, order: Order): (a: Booking, b: Booking) => number {
  const sign = order === "asc" ? 1 : -1;
  return (a, b) => {
    const x = time(a[key]);
    const y = time(b[key]);
    if (x === undefined || y === undefined) {
      if (x !== y) return (x === undefined ? 1 : -1) * sign;
    } else if (x !== y) return (x - y) * sign;
    return a.id - b.id;
  };
}

export interface ListOptions {
  /** The organization list's userIds. */
  userIds?: readonly number[];
}

/**
 * One page of the viewer's bookings, with the pagination object. TRPC refusals (event types of which none exist,
 * users outside the caller's admin scope) answer as Cal.com's TRPC filter answers them.
 */
export function listBookings(store: Store, viewer: Viewer, query: BookingListQuery, now: number, options: ListOptions = {}): { bookings: Booking[]; pagination: Pagination } {
  const skip = Math.abs(query.skip ?? 0);
  const take = Math.abs(query.take ?? 100);
  const teamIds = query.teamsIds ?? (query.teamId !== undefined ? [query.teamId] : undefined);
  const eventTypeIds = query.eventTypeIds ?? (query.eventTypeId !== undefined ? [query.eventTypeId] : undefined);

  let byTeam: Set<number> | undefined;
  if (teamIds && teamIds.length > 0) {
    const wanted = new Set(teamIds);
    byTeam = eventTypesWithChildren(store, (et) => et.teamId != null && wanted.has(et.teamId));
    // Cal.com filters by the teams' event types only when there are some: teams without any filter nothing.
    if (byTeam.size === 0) byTeam = undefined;
  }
  let byEventType: Set<number> | undefined;
  if (eventTypeIds && eventTypeIds.length > 0) {
    const wanted = new Set(eventTypeIds);
    byEventType = eventTypesWithChildren(store, (et) => wanted.has(et.id));
    if (byEventType.size === 0) throw trpcBadRequest();
  }

  const rows = visibleBookings(store, viewer, options.userIds);
  const statuses = query.status ?? [];
  const attendeeEmail = query.attendeeEmail?.trim().replace(/\s+/g, "+").trim();
  const attendeeName = query.attendeeName?.trim();
  const bookingUid = query.bookingUid?.trim();
  const afterStart = queryTime(query.afterStart);
  const beforeEnd = queryTime(query.beforeEnd);
  const afterCreated = queryTime(query.afterCreatedAt);
  const beforeCreated = queryTime(query.beforeCreatedAt);
  const afterUpdated = queryTime(query.afterUpdatedAt);
  const beforeUpdated = queryTime(query.beforeUpdatedAt);

  const kept: Booking[] = [];
  for (const b of rows.values()) {
    if (statuses.length > 0 && !statuses.some((s) => inList(b, s, now))) continue;
    if (byTeam && (b.eventTypeId == null || !byTeam.has(b.eventTypeId))) continue;
    if (byEventType && (b.eventTypeId == null || !byEventType.has(b.eventTypeId))) continue;
    if (attendeeEmail && !b.attendees.some((a) => a.email === attendeeEmail)) continue;
    if (attendeeName && !b.attendees.some((a) => a.name === attendeeName)) continue;
    if (bookingUid && b.uid !== bookingUid) continue;
    if (afterStart !== undefined && Date.parse(b.startTime) < afterStart) continue;
    if (beforeEnd !== undefined && Date.parse(b.endTime) > beforeEnd) continue;
    const created = Date.parse(b.createdAt);
    if (afterCreated !== undefined && created < afterCreated) continue;
    if (beforeCreated !== undefined && created > beforeCreated) continue;
    const updated = time(b.updatedAt);
    if (afterUpdated !== undefined && (updated === undefined || updated < afterUpdated)) continue;
    if (beforeUpdated !== undefined && (updated === undefined || updated > beforeUpdated)) continue;
    kept.push(b);
  }
  const { key, order } = orderOf(query);
  kept.sort(comparator(key, order));
  return { bookings: kept.slice(skip, skip + take), pagination: pagination(skip, take, kept.length) };
}

/**
 * ISO 8601 query values that name no real instant (2025-02-30): the pattern in the contract lets them through, and
 * class-validator's strict check refuses them, with the parameter's own message.
 */
export function assertRealDates(query: BookingListQuery, messages: Partial<Record<keyof BookingListQuery, string>>): void {
  for (const [name, message] of Object.entries(messages) as Array<[keyof BookingListQuery, string]>) {
    const value = query[name];
    if (typeof value !== "string") continue;
    if (!Number.isNaN(instantOf(value))) continue;
    throw validationFailure(
      [{ location: "query", field: name, message: "is not a real date and time", value, constraint: { name: "isIso8601", message } }],
      { query },
    );
  }
}
