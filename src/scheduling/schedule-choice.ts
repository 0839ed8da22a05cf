/**
 * Which schedule a host's availability comes from (Cal.com's getUserAvailability): the event type's own schedule,
 * else the host's schedule for this event type, else the user's default schedule; a user with no default id takes
 * their first schedule. A default id that points at a deleted schedule matches nothing, and then, as when the user
 * has no schedule at all, the Monday-to-Friday 09:00-17:00 fallback applies.
 */
import type { ScheduleInput } from "./types.js";

export interface ScheduleCandidates<S> {
  eventTypeScheduleId?: number | null | undefined;
  hostScheduleId?: number | null | undefined;
  defaultScheduleId?: number | null | undefined;
  /** The user's schedules, in store order. */
  userSchedules: readonly S[];
  /** Any schedule by id (the event type's may be found outside the user's list). */
  byId: (id: number) => S | undefined;
}

/** The chosen schedule, or null when the fallback applies. */
export function chooseSchedule<S extends { id: number }>(c: ScheduleCandidates<S>): S | null {
  if (c.eventTypeScheduleId != null) {
    const s = c.byId(c.eventTypeScheduleId);
    if (s) return s;
  }
  if (c.hostScheduleId != null) {
    const s = c.byId(c.hostScheduleId);
    if (s) return s;
  }
  if (c.defaultScheduleId != null) return c.userSchedules.find((s) => s.id === c.defaultScheduleId) ?? null;
  return c.userSchedules[0] ?? null;
}

/** Monday to Friday, 09:00 to 17:00, in the given zone: what a host without a schedule is available. */
export function fallbackSchedule(timeZone: string): ScheduleInput {
  return {
    timeZone,
    availability: [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], startTime: "09:00", endTime: "17:00" }],
    overrides: [],
  };
}
