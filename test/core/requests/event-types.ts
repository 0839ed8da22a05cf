import type { State } from "../../../src/store/schema.js";
import { MEMBER_KEY, OWNER_KEY } from "../../support/harness.js";
import type { AreaRequestsOf, Facts } from "./types.js";

const V = { "cal-api-version": "2024-06-14" };
/** An id no seeded row has. */
const UNKNOWN = 999_999;

/** The rows the event type requests start from, found in the seeded state. */
export function eventTypeFacts(state: State, facts: Facts) {
  const ownerId = facts.keyOf(OWNER_KEY);
  const own = (userId: number) => state.eventTypes.filter((e) => e.userId === userId);
  const role = (userId: number, roles: string[]) =>
    state.memberships.find((m) => m.userId === userId && m.accepted && roles.includes(m.role) && facts.teams.some((t) => t.id === m.teamId))!.teamId;
  // The team the org admin administers (the plain team routes need its TEAM_ADMIN role).
  const adminTeam = role(facts.adminId, ["ADMIN", "OWNER"]);
  const teamEventType = (teamId: number) => state.eventTypes.find((e) => e.teamId === teamId)!;
  const memberOf = (teamId: number) => state.memberships.find((m) => m.teamId === teamId && m.accepted && m.userId !== facts.adminId)!.userId;
  return {
    owner: state.users.find((u) => u.id === ownerId)!,
    adminEventType: own(facts.adminId)[0]!,
    ownerEventType: own(ownerId)[0]!,
    adminTeam,
    orgTeam: facts.teams[0]!.id,
    teamEventType,
    memberOf,
    outsider: facts.outsiderIds[0]!,
  };
}

/** The event types operations' requests (see ./types.ts). */
export const eventTypesRequests: AreaRequestsOf = (state, facts) => {
  const f = eventTypeFacts(state, facts);
  const org = `/v2/organizations/${facts.org.id}`;
  const teamET = f.teamEventType(f.adminTeam);
  const orgET = f.teamEventType(f.orgTeam);
  return {
    success: {
      EventTypesController_2024_06_14_createEventType: {
        method: "POST",
        path: "/v2/event-types",
        headers: V,
        body: { lengthInMinutes: 45, title: "Deep dive", slug: "deep-dive", lengthInMinutesOptions: [45, 90], bookingWindow: { type: "businessDays", value: 10 } },
      },
      EventTypesController_2024_06_14_getEventTypes: { method: "GET", path: `/v2/event-types?username=${f.owner.username}&sortCreatedAt=desc`, headers: V, key: null },
      EventTypesController_2024_06_14_getEventTypeById: { method: "GET", path: `/v2/event-types/${f.adminEventType.id}`, headers: V },
      EventTypesController_2024_06_14_updateEventType: {
        method: "PATCH",
        path: `/v2/event-types/${f.adminEventType.id}`,
        headers: V,
        body: { title: "Half an hour", minimumBookingNotice: 60, confirmationPolicy: { type: "always", blockUnconfirmedBookingsInBooker: true } },
      },
      EventTypesController_2024_06_14_deleteEventType: { method: "DELETE", path: `/v2/event-types/${f.adminEventType.id}`, headers: V },
      TeamsEventTypesController_createTeamEventType: {
        method: "POST",
        path: `/v2/teams/${f.adminTeam}/event-types`,
        body: { lengthInMinutes: 30, title: "Team standup", slug: "team-standup", schedulingType: "collective", assignAllTeamMembers: true },
      },
      TeamsEventTypesController_getTeamEventTypes: { method: "GET", path: `/v2/teams/${f.adminTeam}/event-types?sortCreatedAt=asc`, key: null },
      TeamsEventTypesController_getTeamEventType: { method: "GET", path: `/v2/teams/${f.adminTeam}/event-types/${teamET.id}` },
      TeamsEventTypesController_updateTeamEventType: { method: "PATCH", path: `/v2/teams/${f.adminTeam}/event-types/${teamET.id}`, body: { title: "Weekly sync", lengthInMinutes: 45 } },
      TeamsEventTypesController_deleteTeamEventType: { method: "DELETE", path: `/v2/teams/${f.adminTeam}/event-types/${teamET.id}` },
      OrganizationsEventTypesController_createTeamEventType: {
        method: "POST",
        path: `${org}/teams/${f.orgTeam}/event-types`,
        body: { lengthInMinutes: 20, title: "Demo", slug: "demo", schedulingType: "roundRobin", hosts: [{ userId: f.memberOf(f.orgTeam), mandatory: true, priority: "high" }] },
      },
      OrganizationsEventTypesController_getTeamEventTypes: { method: "GET", path: `${org}/teams/${f.orgTeam}/event-types?eventSlug=${orgET.slug}&hostsLimit=2`, key: null },
      OrganizationsEventTypesController_getTeamEventType: { method: "GET", path: `${org}/teams/${f.orgTeam}/event-types/${orgET.id}` },
      OrganizationsEventTypesController_updateTeamEventType: { method: "PATCH", path: `${org}/teams/${f.orgTeam}/event-types/${orgET.id}`, body: { hidden: true } },
      OrganizationsEventTypesController_deleteTeamEventType: { method: "DELETE", path: `${org}/teams/${f.orgTeam}/event-types/${orgET.id}` },
      OrganizationsEventTypesController_getTeamsEventTypes: { method: "GET", path: `${org}/teams/event-types?take=3&sortCreatedAt=desc` },
    },
    errors: {
      // The admin already has an event type with this slug.
      EventTypesController_2024_06_14_createEventType: {
        method: "POST",
        path: "/v2/event-types",
        headers: V,
        body: { lengthInMinutes: 30, title: "Again", slug: f.adminEventType.slug },
        status: 400,
      },
      EventTypesController_2024_06_14_getEventTypes: { method: "GET", path: "/v2/event-types?sortCreatedAt=sideways", headers: V, status: 400 },
      // A plain member may not read the admin's event type: Cal.com answers 404, not 403.
      EventTypesController_2024_06_14_getEventTypeById: { method: "GET", path: `/v2/event-types/${f.adminEventType.id}`, headers: V, key: MEMBER_KEY, status: 404 },
      EventTypesController_2024_06_14_updateEventType: { method: "PATCH", path: `/v2/event-types/${f.ownerEventType.id}`, headers: V, body: { title: "Mine now" }, status: 404 },
      EventTypesController_2024_06_14_deleteEventType: { method: "DELETE", path: `/v2/event-types/${f.ownerEventType.id}`, headers: V, status: 403 },
      TeamsEventTypesController_createTeamEventType: {
        method: "POST",
        path: `/v2/teams/${f.adminTeam}/event-types`,
        body: { lengthInMinutes: 30, title: "Outsiders", slug: "outsiders", schedulingType: "collective", hosts: [{ userId: f.outsider }] },
        status: 404,
      },
      TeamsEventTypesController_getTeamEventTypes: { method: "GET", path: "/v2/teams/abc/event-types", key: null, status: 400 },
      TeamsEventTypesController_getTeamEventType: { method: "GET", path: `/v2/teams/${f.adminTeam}/event-types/${UNKNOWN}`, status: 404 },
      TeamsEventTypesController_updateTeamEventType: { method: "PATCH", path: `/v2/teams/${f.adminTeam}/event-types/${UNKNOWN}`, body: { title: "X" }, status: 400 },
      TeamsEventTypesController_deleteTeamEventType: { method: "DELETE", path: `/v2/teams/${f.adminTeam}/event-types/${UNKNOWN}`, status: 404 },
      OrganizationsEventTypesController_createTeamEventType: {
        method: "POST",
        path: `${org}/teams/${f.orgTeam}/event-types`,
        body: { lengthInMinutes: 30, title: "Outsiders", slug: "outsiders", schedulingType: "roundRobin", hosts: [{ userId: f.outsider }] },
        status: 404,
      },
      OrganizationsEventTypesController_getTeamEventTypes: { method: "GET", path: `/v2/organizations/${UNKNOWN}/teams/${f.orgTeam}/event-types`, key: null, status: 403 },
      OrganizationsEventTypesController_getTeamEventType: { method: "GET", path: `${org}/teams/${f.orgTeam}/event-types/${UNKNOWN}`, status: 404 },
      OrganizationsEventTypesController_updateTeamEventType: { method: "PATCH", path: `${org}/teams/${f.orgTeam}/event-types/${UNKNOWN}`, body: { title: "X" }, status: 400 },
      OrganizationsEventTypesController_deleteTeamEventType: { method: "DELETE", path: `${org}/teams/${f.orgTeam}/event-types/${UNKNOWN}`, status: 404 },
      OrganizationsEventTypesController_getTeamsEventTypes: { method: "GET", path: `${org}/teams/event-types`, key: MEMBER_KEY, status: 403 },
    },
  };
};
