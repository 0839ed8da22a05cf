/**
 * Schedules as Cal.com's 2024-06-11 schedules service keeps them (create, read, update, delete of one user's
 * schedules, and the lists the organization and team routes build from them). A schedule belongs to one user;
 * that user's default is the one their `defaultScheduleId` names, and nothing here keeps that pointer tidy:
 * Cal.com neither makes a first schedule the default nor clears the pointer when the default is deleted.
 */
import { utcDateOf } from "../../contract/formats.js";
import type { Schemas } from "../../contract/types.js";
import { badRequest, forbidden, notFound, type HttpError } from "../../errors.js";
import type { Database } from "../database.js";
import type { Change, Schedule } from "../schema.js";
import type { Store } from "../store.js";
import { scheduleDeletionChanges } from "./scheduling-cascades.js";
import { WEEK_DAY_NAMES } from "./schedule-output.js";

type CreateInput = Schemas["CreateScheduleInput_2024_06_11"];
type UpdateInput = Schemas["UpdateScheduleInput_2024_06_11"];
type AvailabilityInput = Schemas["ScheduleAvailabilityInput_2024_06_11"];
type OverrideInput = Schemas["ScheduleOverrideInput_2024_06_11"];

/** What a schedule created without `availability` (or with null) gets: Monday to Friday, 09:00 to 17:00. */
const WORKING_WEEK: readonly AvailabilityInput[] = [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], startTime: "09:00", endTime: "17:00" }];

const toRules = (input: readonly AvailabilityInput[]): Schedule["availability"] =>
  input.map((rule) => ({ days: rule.days.map((day) => WEEK_DAY_NAMES.indexOf(day)), startTime: rule.startTime, endTime: rule.endTime }));

/** An override's date is stored as the UTC date of what was sent (a date-time names the day it falls on in UTC). */
const toOverrides = (input: readonly OverrideInput[]): Schedule["overrides"] =>
  input.map((o) => ({ date: utcDateOf(o.date), startTime: o.startTime, endTime: o.endTime }));

const byId = (a: Schedule, b: Schedule) => a.id - b.id;

/** A user's schedules in database order (by id). */
export function schedulesOfUser(store: Store, userId: number): Schedule[] {
  return [...(store.schedulesByUser.get(userId)?.values() ?? [])].sort(byId);
}

/**
 * The schedule the user's defaultScheduleId names, whoever's it is (Cal.com looks it up by id alone); none when the
 * pointer is unset or names a schedule deleted since.
 */
export function defaultScheduleOf(store: Store, userId: number): Schedule | undefined {
  const id = store.get("users", userId)?.defaultScheduleId;
  return id == null ? undefined : store.get("schedules", id);
}

/**
 * Cal.com's lookup before reading, changing or deleting a schedule: a missing one is refused with `missing`'s
 * status (404 for GET and PATCH, 400 for DELETE, same text), another user's with 403.
 */
export function ownedSchedule(store: Store, userId: number, scheduleId: number, missing: (message: string) => HttpError = notFound): Schedule {
  const schedule = store.get("schedules", scheduleId);
  if (!schedule) throw missing(`Schedule with ID=${scheduleId} does not exist.`);
  if (schedule.userId !== userId) throw forbidden(`User with ID=${userId} does not own schedule with ID=${scheduleId}`);
  return schedule;
}

/** Makes `scheduleId` the user's default, as `isDefault: true` does; the previous default simply stops being it. */
function defaultChange(store: Store, userId: number, scheduleId: number): Change[] {
  const user = store.get("users", userId);
  if (!user || user.defaultScheduleId === scheduleId) return [];
  return [{ op: "put", collection: "users", row: { ...user, defaultScheduleId: scheduleId } }];
}

/**
 * Creates a schedule for the user. `availability` left out (or null) is the working week; an empty list stays
 * empty. `isDefault: true` points the user's default at it; `false` leaves the user as they were.
 */
export async function createSchedule(db: Database, userId: number, input: CreateInput): Promise<Schedule> {
  const store = db.store;
  const schedule: Schedule = {
    id: store.nextSequenceId("schedules"),
    userId,
    name: input.name,
    timeZone: input.timeZone,
    availability: toRules(input.availability ?? WORKING_WEEK),
    overrides: toOverrides(input.overrides ?? []),
  };
  const changes: Change[] = [{ op: "put", collection: "schedules", row: schedule }];
  if (input.isDefault) changes.push(...defaultChange(store, userId, schedule.id));
  await db.commit(changes);
  return schedule;
}

/**
 * Updates one of the user's schedules: name and time zone when sent (a null zone unsets it), working hours and
 * overrides each replaced wholesale when sent (null or absent: kept), `isDefault: true` makes it the default and
 * `false` is ignored. A body with nothing to change writes nothing.
 */
export async function updateSchedule(db: Database, userId: number, scheduleId: number, input: UpdateInput): Promise<Schedule> {
  const store = db.store;
  const existing = ownedSchedule(store, userId, scheduleId);
  const changes: Change[] = [];
  const next: Schedule = {
    ...existing,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
    ...(input.availability && { availability: toRules(input.availability) }),
    ...(input.overrides && { overrides: toOverrides(input.overrides) }),
  };
  if (JSON.stringify(next) !== JSON.stringify(existing)) changes.push({ op: "put", collection: "schedules", row: next });
  if (input.isDefault) changes.push(...defaultChange(store, userId, scheduleId));
  if (changes.length > 0) await db.commit(changes);
  return next;
}

/**
 * Deletes one of the user's schedules (400 when it does not exist, unlike the read and the update). Event types
 * and hosts that used it fall back to their defaults; the owner's defaultScheduleId is left pointing at nothing.
 */
export async function deleteSchedule(db: Database, userId: number, scheduleId: number): Promise<void> {
  ownedSchedule(db.store, userId, scheduleId, badRequest);
  await db.commit(scheduleDeletionChanges(db.store, scheduleId));
}

/** The schedules of a set of users, in database order, a page of them. */
export function schedulesOfUsers(store: Store, userIds: Iterable<number>, skip: number, take: number): Schedule[] {
  const all: Schedule[] = [];
  for (const userId of userIds) for (const schedule of store.schedulesByUser.get(userId)?.values() ?? []) all.push(schedule);
  return all.sort(byId).slice(skip, skip + take);
}

/** The schedules of the organization's users: those with a profile in it, as Cal.com lists them. */
export function organizationSchedules(store: Store, orgId: number, skip: number, take: number): Schedule[] {
  return schedulesOfUsers(store, store.profilesByOrg.get(orgId)?.keys() ?? [], skip, take);
}

/** The schedules of a team's members: every membership of it, pending ones included. */
export function teamSchedules(store: Store, teamId: number, skip: number, take: number): Schedule[] {
  return schedulesOfUsers(store, store.userIdsByTeam.get(teamId) ?? [], skip, take);
}

/**
 * The schedules a team event type's hosts are available by: for each host the event type's own schedule, else the
 * host's schedule for it, else the host's default; each once, in database order, a page of them. An event type
 * that is not the team's is a 404.
 */
export function eventTypeHostSchedules(store: Store, teamId: number, eventTypeId: number, skip: number, take: number): Schedule[] {
  const eventType = store.get("eventTypes", eventTypeId);
  if (!eventType || eventType.teamId !== teamId) throw notFound(`Event type with id ${eventTypeId} not found`);
  const found = new Map<number, Schedule>();
  for (const host of eventType.hosts ?? []) {
    const id = eventType.scheduleId ?? host.scheduleId ?? store.get("users", host.userId)?.defaultScheduleId;
    const schedule = id == null ? undefined : store.get("schedules", id);
    if (schedule) found.set(schedule.id, schedule);
  }
  return [...found.values()].sort(byId).slice(skip, skip + take);
}

/**
 * The one schedule an event type uses for the user, as a list: for the user's own event type its schedule or the
 * user's default; for a team event type the user hosts, the event type's schedule, else the host's, else the
 * default. None set, or a schedule gone since: `[]`. Cal.com's refusals: an unknown event type or one the user
 * neither owns nor hosts (404), a schedule that is someone else's (403).
 */
export function userScheduleForEventType(store: Store, userId: number, eventTypeId: number): Schedule[] {
  const eventType = store.get("eventTypes", eventTypeId);
  const defaultId = store.get("users", userId)?.defaultScheduleId;
  let effective: number | null | undefined;
  if (eventType && eventType.userId === userId) {
    effective = eventType.scheduleId ?? defaultId;
  } else {
    if (!eventType) throw notFound(`Event type with id ${eventTypeId} not found`);
    const host = eventType.hosts?.find((h) => h.userId === userId);
    if (!host) throw notFound(`User ${userId} is not associated with event type ${eventTypeId}`);
    effective = eventType.scheduleId ?? host.scheduleId ?? defaultId;
  }
  const schedule = effective == null ? undefined : store.get("schedules", effective);
  if (!schedule) return [];
  if (schedule.userId !== userId) throw forbidden(`User ${userId} does not have access to schedule ${schedule.id}`);
  return [schedule];
}
