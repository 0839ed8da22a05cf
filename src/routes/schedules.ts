import { toScheduleOutput } from "../store/queries/schedule-output.js";
import {
  createSchedule,
  defaultScheduleOf,
  deleteSchedule,
  eventTypeHostSchedules,
  organizationSchedules,
  ownedSchedule,
  schedulesOfUser,
  teamSchedules,
  updateSchedule,
  userScheduleForEventType,
} from "../store/queries/schedules.js";
import type { Store } from "../store/store.js";
import type { Schedule } from "../store/schema.js";
import { replyWithoutData, type Handlers } from "./types.js";

type ScheduleOps =
  | "SchedulesController_2024_06_11_createSchedule"
  | "SchedulesController_2024_06_11_getSchedules"
  | "SchedulesController_2024_06_11_getDefaultSchedule"
  | "SchedulesController_2024_06_11_getSchedule"
  | "SchedulesController_2024_06_11_updateSchedule"
  | "SchedulesController_2024_06_11_deleteSchedule"
  | "OrganizationsSchedulesController_getOrganizationSchedules"
  | "OrganizationsSchedulesController_createUserSchedule"
  | "OrganizationsSchedulesController_getUserSchedules"
  | "OrganizationsSchedulesController_getUserSchedule"
  | "OrganizationsSchedulesController_updateUserSchedule"
  | "OrganizationsSchedulesController_deleteUserSchedule"
  | "OrganizationsTeamsSchedulesController_getTeamSchedules"
  | "OrganizationsTeamsSchedulesController_getUserSchedules"
  | "TeamsSchedulesController_getTeamSchedules";

const outputs = (store: Store, schedules: readonly Schedule[]) => schedules.map((s) => toScheduleOutput(store, s));

/**
 * The caller's own schedules (/v2/schedules) and a user's through the organization (the guards have checked the
 * path's user is in it), with the same rules: both call Cal.com's one schedules service with a user id.
 */
export const scheduleHandlers: Pick<Handlers, ScheduleOps> = {
  SchedulesController_2024_06_11_createSchedule: async ({ db, actor, body }) => toScheduleOutput(db.store, await createSchedule(db, actor.user.id, body)),
  SchedulesController_2024_06_11_getSchedules: ({ db, actor }) => outputs(db.store, schedulesOfUser(db.store, actor.user.id)),
  SchedulesController_2024_06_11_getDefaultSchedule: ({ db, actor }) => {
    const schedule = defaultScheduleOf(db.store, actor.user.id);
    return schedule ? toScheduleOutput(db.store, schedule) : null;
  },
  SchedulesController_2024_06_11_getSchedule: ({ db, actor, path }) => toScheduleOutput(db.store, ownedSchedule(db.store, actor.user.id, path.scheduleId)),
  SchedulesController_2024_06_11_updateSchedule: async ({ db, actor, path, body }) =>
    toScheduleOutput(db.store, await updateSchedule(db, actor.user.id, path.scheduleId, body)),
  SchedulesController_2024_06_11_deleteSchedule: async ({ db, actor, path }) => {
    await deleteSchedule(db, actor.user.id, path.scheduleId);
    return replyWithoutData();
  },

  OrganizationsSchedulesController_getOrganizationSchedules: ({ db, orgId, query }) =>
    outputs(db.store, organizationSchedules(db.store, orgId, query.skip ?? 0, query.take ?? 250)),
  OrganizationsSchedulesController_createUserSchedule: async ({ db, path, body }) => toScheduleOutput(db.store, await createSchedule(db, path.userId, body)),
  OrganizationsSchedulesController_getUserSchedules: ({ db, path }) => outputs(db.store, schedulesOfUser(db.store, path.userId)),
  OrganizationsSchedulesController_getUserSchedule: ({ db, path }) => toScheduleOutput(db.store, ownedSchedule(db.store, path.userId, path.scheduleId)),
  OrganizationsSchedulesController_updateUserSchedule: async ({ db, path, body }) =>
    toScheduleOutput(db.store, await updateSchedule(db, path.userId, path.scheduleId, body)),
  OrganizationsSchedulesController_deleteUserSchedule: async ({ db, path }) => {
    await deleteSchedule(db, path.userId, path.scheduleId);
    return replyWithoutData();
  },

  // Cal.com reads eventTypeId with `value && parseInt(value)` and then tests it for truth: 0 filters nothing.
  OrganizationsTeamsSchedulesController_getTeamSchedules: ({ db, path, query }) => {
    const skip = query.skip ?? 0;
    const take = query.take ?? 250;
    const schedules = query.eventTypeId
      ? eventTypeHostSchedules(db.store, path.teamId, query.eventTypeId, skip, take)
      : teamSchedules(db.store, path.teamId, skip, take);
    return outputs(db.store, schedules);
  },
  OrganizationsTeamsSchedulesController_getUserSchedules: ({ db, path, query }) =>
    outputs(db.store, query.eventTypeId ? userScheduleForEventType(db.store, path.userId, query.eventTypeId) : schedulesOfUser(db.store, path.userId)),
  TeamsSchedulesController_getTeamSchedules: ({ db, path, query }) => outputs(db.store, teamSchedules(db.store, path.teamId, query.skip ?? 0, query.take ?? 250)),
};
