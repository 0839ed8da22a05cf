import type { State } from "../../../src/store/schema.js";
import { MEMBER_KEY } from "../../support/harness.js";
import type { AreaRequestsOf, Facts } from "./types.js";

/** Both versions Cal.com routes /v2/schedules for; the requests use each. */
const V11 = { "cal-api-version": "2024-06-11" };
const V14 = { "cal-api-version": "2024-06-14" };

/** Ids the schedules requests start from, read from the state. */
export function scheduleFacts(state: State, facts: Facts) {
  const scheduleOf = (userId: number) => state.schedules.find((s) => s.userId === userId)!;
  // A team of the organization where the admin key's user is ADMIN, and a member of it who is not that user.
  const adminTeam = state.memberships.find((m) => m.userId === facts.adminId && m.role === "ADMIN" && facts.teams.some((t) => t.id === m.teamId))!.teamId;
  const teamMember = state.memberships.find((m) => m.teamId === adminTeam && m.userId !== facts.adminId && state.schedules.some((s) => s.userId === m.userId))!.userId;
  // A team event type of that team, and one of another team.
  const teamEventType = state.eventTypes.find((e) => e.teamId === adminTeam && (e.hosts ?? []).length > 0)!;
  const otherEventType = state.eventTypes.find((e) => e.teamId != null && e.teamId !== adminTeam)!;
  const outsider = facts.outsiderIds[0]!;
  return { scheduleOf, adminTeam, teamMember, teamEventType, otherEventType, outsider };
}

/** The schedules operations' requests (see ./types.ts). The default key is the org admin's (user 2). */
export const schedulesRequests: AreaRequestsOf = (state, facts) => {
  const base = `/v2/organizations/${facts.org.id}`;
  const s = scheduleFacts(state, facts);
  const own = s.scheduleOf(facts.adminId).id;
  const members = s.scheduleOf(facts.memberId).id;
  const owners = s.scheduleOf(state.apiKeys.find((k) => k.userId !== facts.adminId && k.userId !== facts.memberId)!.userId).id;
  const body = { name: "Focus time", timeZone: "Europe/Rome", isDefault: false };
  return {
    success: {
      SchedulesController_2024_06_11_createSchedule: { method: "POST", path: "/v2/schedules", headers: V11, body },
      SchedulesController_2024_06_11_getSchedules: { method: "GET", path: "/v2/schedules", headers: V14 },
      SchedulesController_2024_06_11_getDefaultSchedule: { method: "GET", path: "/v2/schedules/default", headers: V11 },
      SchedulesController_2024_06_11_getSchedule: { method: "GET", path: `/v2/schedules/${own}`, headers: V14 },
      SchedulesController_2024_06_11_updateSchedule: { method: "PATCH", path: `/v2/schedules/${own}`, headers: V11, body: { name: "Office hours" } },
      SchedulesController_2024_06_11_deleteSchedule: { method: "DELETE", path: `/v2/schedules/${own}`, headers: V14 },
      OrganizationsSchedulesController_getOrganizationSchedules: { method: "GET", path: `${base}/schedules?take=5&skip=1` },
      OrganizationsSchedulesController_createUserSchedule: { method: "POST", path: `${base}/users/${facts.memberId}/schedules`, body },
      OrganizationsSchedulesController_getUserSchedules: { method: "GET", path: `${base}/users/${facts.memberId}/schedules` },
      OrganizationsSchedulesController_getUserSchedule: { method: "GET", path: `${base}/users/${facts.memberId}/schedules/${members}` },
      OrganizationsSchedulesController_updateUserSchedule: {
        method: "PATCH",
        path: `${base}/users/${facts.memberId}/schedules/${members}`,
        body: { overrides: [{ date: "2030-01-14", startTime: "10:00", endTime: "12:00" }] },
      },
      OrganizationsSchedulesController_deleteUserSchedule: { method: "DELETE", path: `${base}/users/${facts.memberId}/schedules/${members}` },
      OrganizationsTeamsSchedulesController_getTeamSchedules: { method: "GET", path: `${base}/teams/${s.adminTeam}/schedules?eventTypeId=${s.teamEventType.id}` },
      OrganizationsTeamsSchedulesController_getUserSchedules: { method: "GET", path: `${base}/teams/${s.adminTeam}/users/${s.teamMember}/schedules` },
      TeamsSchedulesController_getTeamSchedules: { method: "GET", path: `/v2/teams/${s.adminTeam}/schedules?take=3` },
    },
    errors: {
      SchedulesController_2024_06_11_createSchedule: { method: "POST", path: "/v2/schedules", headers: V11, body: { name: "No default said", timeZone: "Europe/Rome" }, status: 400 },
      SchedulesController_2024_06_11_getSchedules: { method: "GET", path: "/v2/schedules", status: 400 },
      SchedulesController_2024_06_11_getDefaultSchedule: { method: "GET", path: "/v2/schedules/default", headers: { "cal-api-version": "2024-08-13" }, status: 404 },
      SchedulesController_2024_06_11_getSchedule: { method: "GET", path: `/v2/schedules/${owners}`, headers: V11, status: 403 },
      SchedulesController_2024_06_11_updateSchedule: { method: "PATCH", path: "/v2/schedules/999999", headers: V11, body: { name: "X" }, status: 404 },
      SchedulesController_2024_06_11_deleteSchedule: { method: "DELETE", path: "/v2/schedules/999999", headers: V14, status: 400 },
      OrganizationsSchedulesController_getOrganizationSchedules: { method: "GET", path: `${base}/schedules`, key: MEMBER_KEY, status: 403 },
      OrganizationsSchedulesController_createUserSchedule: { method: "POST", path: `${base}/users/${s.outsider}/schedules`, body, status: 403 },
      OrganizationsSchedulesController_getUserSchedules: { method: "GET", path: `${base}/users/${facts.memberId}/schedules`, key: MEMBER_KEY, status: 403 },
      OrganizationsSchedulesController_getUserSchedule: { method: "GET", path: `${base}/users/${facts.memberId}/schedules/${own}`, status: 403 },
      OrganizationsSchedulesController_updateUserSchedule: { method: "PATCH", path: `${base}/users/${facts.memberId}/schedules/999999`, body: { name: "X" }, status: 404 },
      OrganizationsSchedulesController_deleteUserSchedule: { method: "DELETE", path: `${base}/users/${facts.memberId}/schedules/999999`, status: 400 },
      OrganizationsTeamsSchedulesController_getTeamSchedules: { method: "GET", path: `${base}/teams/${s.adminTeam}/schedules?eventTypeId=${s.otherEventType.id}`, status: 404 },
      OrganizationsTeamsSchedulesController_getUserSchedules: { method: "GET", path: `${base}/teams/${s.adminTeam}/users/${s.outsider}/schedules`, status: 403 },
      TeamsSchedulesController_getTeamSchedules: { method: "GET", path: `/v2/teams/${s.adminTeam}/schedules`, key: MEMBER_KEY, status: 403 },
    },
  };
};
