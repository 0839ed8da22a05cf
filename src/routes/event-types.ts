import type { Store } from "../store/store.js";
import type { User } from "../store/schema.js";
import { toEventTypeOutput, toTeamEventTypeOutput, type TeamEventTypeOutput } from "../store/queries/event-type-output.js";
import {
  createEventType,
  createTeamEventType,
  deleteEventType,
  deleteTeamEventType,
  listEventTypes,
  organizationTeamsEventTypes,
  readableEventType,
  teamEventType,
  teamEventTypeBySlug,
  teamEventTypes,
  updateEventType,
  updateTeamEventType,
  type SortOrder,
  type TeamWriteResult,
} from "../store/queries/event-types.js";
import type { Handlers } from "./types.js";

type EventTypeOps =
  | "EventTypesController_2024_06_14_createEventType"
  | "EventTypesController_2024_06_14_getEventTypes"
  | "EventTypesController_2024_06_14_getEventTypeById"
  | "EventTypesController_2024_06_14_updateEventType"
  | "EventTypesController_2024_06_14_deleteEventType"
  | "TeamsEventTypesController_createTeamEventType"
  | "TeamsEventTypesController_getTeamEventTypes"
  | "TeamsEventTypesController_getTeamEventType"
  | "TeamsEventTypesController_updateTeamEventType"
  | "TeamsEventTypesController_deleteTeamEventType"
  | "OrganizationsEventTypesController_createTeamEventType"
  | "OrganizationsEventTypesController_getTeamEventTypes"
  | "OrganizationsEventTypesController_getTeamEventType"
  | "OrganizationsEventTypesController_updateTeamEventType"
  | "OrganizationsEventTypesController_deleteTeamEventType"
  | "OrganizationsEventTypesController_getTeamsEventTypes";

/** Create and update answer the event type, or a managed one with its copies (Cal.com reads them without their team). */
function written(store: Store, result: TeamWriteResult): TeamEventTypeOutput | TeamEventTypeOutput[] {
  const parent = toTeamEventTypeOutput(store, result.eventType);
  return result.copies ? [parent, ...result.copies.map((c) => toTeamEventTypeOutput(store, c))] : parent;
}

/** A team's list, or the one event type of `eventSlug` (with at most `hostsLimit` hosts); read with the team. */
function teamList(store: Store, teamId: number, query: { eventSlug?: string; hostsLimit?: number; sortCreatedAt?: SortOrder }): TeamEventTypeOutput[] {
  if (query.eventSlug !== undefined) {
    const e = teamEventTypeBySlug(store, teamId, query.eventSlug);
    return e ? [toTeamEventTypeOutput(store, e, { withTeam: true, ...(query.hostsLimit !== undefined && { hostsLimit: query.hostsLimit }) })] : [];
  }
  return teamEventTypes(store, teamId, query.sortCreatedAt).map((e) => toTeamEventTypeOutput(store, e, { withTeam: true }));
}

export const eventTypeHandlers: Pick<Handlers, EventTypeOps> = {
  // Event Types (2024-06-14): personal event types; GET one also shows a team's to whoever may read it.
  EventTypesController_2024_06_14_createEventType: async ({ db, body, actor }) => toEventTypeOutput(db.store, await createEventType(db, actor.user, body), actor.user.id),
  // OptionalApiAuthGuard: the caller is absent on an anonymous request.
  EventTypesController_2024_06_14_getEventTypes: ({ db, query, actor }) => listEventTypes(db.store, query, actor.user as User | undefined),
  EventTypesController_2024_06_14_getEventTypeById: ({ db, path, actor }) => {
    const e = readableEventType(db.store, actor.user, path.eventTypeId);
    return e.teamId != null ? toTeamEventTypeOutput(db.store, e) : toEventTypeOutput(db.store, e);
  },
  EventTypesController_2024_06_14_updateEventType: async ({ db, path, body, actor }) =>
    toEventTypeOutput(db.store, await updateEventType(db, actor.user, path.eventTypeId, body), actor.user.id),
  EventTypesController_2024_06_14_deleteEventType: async ({ db, path, actor }) => {
    const e = await deleteEventType(db, actor.user, path.eventTypeId);
    return { id: e.id, lengthInMinutes: e.length, slug: e.slug, title: e.title };
  },

  // Teams / Event Types: the role guard has checked the caller's TEAM_ADMIN role (the list is public).
  TeamsEventTypesController_createTeamEventType: async ({ db, path, body, actor }) => written(db.store, await createTeamEventType(db, actor.user, path.teamId, body, false)),
  TeamsEventTypesController_getTeamEventTypes: ({ db, path, query }) => teamList(db.store, path.teamId, query),
  TeamsEventTypesController_getTeamEventType: ({ db, path }) => toTeamEventTypeOutput(db.store, teamEventType(db.store, path.teamId, path.eventTypeId)),
  TeamsEventTypesController_updateTeamEventType: async ({ db, path, body }) =>
    written(db.store, await updateTeamEventType(db, path.teamId, path.eventTypeId, body, false)),
  TeamsEventTypesController_deleteTeamEventType: async ({ db, path }) => ({ id: path.eventTypeId, title: (await deleteTeamEventType(db, path.teamId, path.eventTypeId)).title }),

  // Orgs / Teams / Event Types: IsTeamInOrg has checked the {teamId} routes' team.
  OrganizationsEventTypesController_createTeamEventType: async ({ db, path, body, actor }) => written(db.store, await createTeamEventType(db, actor.user, path.teamId, body, true)),
  OrganizationsEventTypesController_getTeamEventTypes: ({ db, path, query }) => teamList(db.store, path.teamId, query),
  OrganizationsEventTypesController_getTeamEventType: ({ db, path }) => toTeamEventTypeOutput(db.store, teamEventType(db.store, path.teamId, path.eventTypeId)),
  OrganizationsEventTypesController_updateTeamEventType: async ({ db, path, body }) =>
    written(db.store, await updateTeamEventType(db, path.teamId, path.eventTypeId, body, true)),
  OrganizationsEventTypesController_deleteTeamEventType: async ({ db, path }) => ({ id: path.eventTypeId, title: (await deleteTeamEventType(db, path.teamId, path.eventTypeId)).title }),
  OrganizationsEventTypesController_getTeamsEventTypes: ({ db, orgId, query }) =>
    organizationTeamsEventTypes(db.store, orgId, query.skip ?? 0, query.take ?? 250, query.sortCreatedAt).map((e) => toTeamEventTypeOutput(db.store, e)),
};
