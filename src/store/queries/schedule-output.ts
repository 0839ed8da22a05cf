import type { Schemas } from "../../contract/types.js";
import type { Schedule } from "../schema.js";
import type { Store } from "../store.js";

export type ScheduleOutput = Schemas["ScheduleOutput_2024_06_11"];
export type WeekDay = Schemas["ScheduleAvailabilityInput_2024_06_11"]["days"][number];

/** Cal.com stores weekdays as numbers with 0 = Sunday; the API names them. */
export const WEEK_DAY_NAMES: readonly WeekDay[] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** A schedule's zone as Cal.com shows it: an unset zone reads as Europe/London. */
export const DEFAULT_TIME_ZONE = "Europe/London";

/**
 * A schedule as Cal.com's 2024-06-11 API answers it: `isDefault` computed from the owner's defaultScheduleId at
 * the time of asking, weekdays by name, and only working-hours rows that name at least one day (Cal.com stores a
 * row sent with `days: []` but tells availability from overrides by a non-empty list, so such a row shows nowhere).
 */
export function toScheduleOutput(store: Store, schedule: Schedule): ScheduleOutput {
  const owner = store.get("users", schedule.userId);
  return {
    id: schedule.id,
    ownerId: schedule.userId,
    name: schedule.name,
    timeZone: schedule.timeZone ?? DEFAULT_TIME_ZONE,
    availability: schedule.availability
      .filter((rule) => rule.days.length > 0)
      .map((rule) => ({ days: rule.days.map((d) => WEEK_DAY_NAMES[d]!), startTime: rule.startTime, endTime: rule.endTime })),
    isDefault: owner?.defaultScheduleId === schedule.id,
    overrides: schedule.overrides.map((o) => ({ date: o.date, startTime: o.startTime, endTime: o.endTime })),
  };
}
