import type { State } from "../../src/store/schema.js";
import { OWNER_KEY, type scenarioFacts } from "../support/harness.js";
import { schedulingRequests, type OperationRequest } from "./requests/index.js";

export type { OperationRequest } from "./requests/index.js";
/**
 * One request per operation of spec/ that succeeds on a freshly reset default scenario (with an admin key), keyed
 * by operationId. The ids come from the state, never hard-coded. Tests check that the keys are exactly the spec's.
 */
export function successRequests(state: State, facts: ReturnType<typeof scenarioFacts>): Record<string, OperationRequest> {
  const base = `/v2/organizations/${facts.org.id}`;
  const dept = facts.attr("department");
  const skills = facts.attr("skills");
  const finance = facts.optionsOf(dept.id).find((o) => o.slug === "finance")!;
  const held = state.attributeAssignments.find((a) => a.weight !== null)!;
  const holder = state.memberships.find((m) => m.id === held.memberId)!.userId;
  const d = directoryFacts(state, facts);
  return {
    OrganizationsAttributesController_getOrganizationAttributes: { method: "GET", path: `${base}/attributes?skip=1&take=3` },
    OrganizationsAttributesController_createOrganizationAttribute: {
      method: "POST",
      path: `${base}/attributes`,
      body: { name: "Office", slug: "office", type: "SINGLE_SELECT", options: [{ value: "Berlin", slug: "berlin" }] },
    },
    OrganizationsAttributesController_getOrganizationAttribute: { method: "GET", path: `${base}/attributes/${dept.id}` },
    OrganizationsAttributesController_updateOrganizationAttribute: { method: "PATCH", path: `${base}/attributes/${dept.id}`, body: { name: "Dept" } },
    OrganizationsAttributesController_deleteOrganizationAttribute: { method: "DELETE", path: `${base}/attributes/${facts.attr("legacy-region").id}` },
    OrganizationsAttributesOptionsController_createOrganizationAttributeOption: {
      method: "POST",
      path: `${base}/attributes/${dept.id}/options`,
      body: { value: "Legal", slug: "legal" },
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeOptions: { method: "GET", path: `${base}/attributes/${dept.id}/options` },
    OrganizationsAttributesOptionsController_updateOrganizationAttributeOption: {
      method: "PATCH",
      path: `${base}/attributes/${dept.id}/options/${finance.id}`,
      body: { value: "Finance & Legal" },
    },
    OrganizationsAttributesOptionsController_deleteOrganizationAttributeOption: { method: "DELETE", path: `${base}/attributes/${dept.id}/options/${finance.id}` },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions: {
      method: "GET",
      path: `${base}/attributes/${skills.id}/options/assigned?take=3&teamIds=${facts.teams[0]!.id}`,
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug: { method: "GET", path: `${base}/attributes/slugs/skills/options/assigned` },
    OrganizationsAttributesOptionsController_getOrganizationAttributeOptionsForUser: { method: "GET", path: `${base}/attributes/options/${holder}` },
    OrganizationsAttributesOptionsController_assignOrganizationAttributeOptionToUser: {
      method: "POST",
      path: `${base}/attributes/options/${facts.memberId}`,
      body: { attributeId: facts.attr("job-title").id, value: "Pilot", weight: 2 },
    },
    OrganizationsAttributesOptionsController_unassignOrganizationAttributeOptionFromUser: {
      method: "DELETE",
      path: `${base}/attributes/options/${holder}/${held.attributeOptionId}`,
    },
    OrganizationsAttributesOptionsController_updateOrganizationAttributeOptionForUser: {
      method: "PATCH",
      path: `${base}/attributes/options/${holder}/${held.attributeOptionId}`,
      body: { weight: 3 },
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignmentHistory: {
      method: "GET",
      path: `${base}/attributes/assignments/${holder}/history?limit=5`,
    },
    ...directorySuccessRequests(state, facts, d),
    ...schedulingRequests(state, facts).success,
  };
}

/** Ids the directory requests start from: the keyed users' teams and memberships, and people to add or remove. */
export function directoryFacts(state: State, facts: ReturnType<typeof scenarioFacts>) {
  const teamOf = (userId: number) => state.memberships.find((m) => m.userId === userId && facts.teams.some((t) => t.id === m.teamId))!;
  const ownerId = facts.keyOf(OWNER_KEY);
  const ownerTeam = teamOf(ownerId).teamId;
  const adminTeam = teamOf(facts.adminId).teamId;
  const plain = facts.memberUserIds.filter((id) => !state.apiKeys.some((k) => k.userId === id));
  const teamMembership = (teamId: number) => state.memberships.find((m) => m.teamId === teamId && plain.includes(m.userId))!;
  const notIn = (teamId: number) => plain.find((id) => !state.memberships.some((m) => m.teamId === teamId && m.userId === id))!;
  const held = state.attributeAssignments[0]!;
  return { ownerId, ownerTeam, adminTeam, plain, teamMembership, notIn, heldMembershipId: held.memberId };
}

function directorySuccessRequests(state: State, facts: ReturnType<typeof scenarioFacts>, d: ReturnType<typeof directoryFacts>): Record<string, OperationRequest> {
  const base = `/v2/organizations/${facts.org.id}`;
  const team = facts.teams[0]!.id;
  const teamMembership = d.teamMembership(team);
  const adminTeamMembership = d.teamMembership(d.adminTeam);
  return {
    OrganizationsUsersController_getOrganizationsUsers: { method: "GET", path: `${base}/users?skip=1&take=5` },
    OrganizationsUsersController_createOrganizationUser: { method: "POST", path: `${base}/users`, body: { email: "New.Person@acme.example", organizationRole: "ADMIN" } },
    OrganizationsUsersController_updateOrganizationUser: { method: "PATCH", path: `${base}/users/${d.plain[0]}`, body: { bio: "Hello", timeZone: "Europe/Paris", metadata: { team: "blue" } } },
    OrganizationsUsersController_deleteOrganizationUser: { method: "DELETE", path: `${base}/users/${d.plain[1]}` },
    OrganizationsMembershipsController_getAllMemberships: { method: "GET", path: `${base}/memberships?take=5` },
    OrganizationsMembershipsController_createMembership: { method: "POST", path: `${base}/memberships`, body: { userId: facts.outsiderIds[0], role: "MEMBER" } },
    OrganizationsMembershipsController_getOrgMembership: { method: "GET", path: `${base}/memberships/${d.heldMembershipId}` },
    OrganizationsMembershipsController_updateMembership: { method: "PATCH", path: `${base}/memberships/${d.heldMembershipId}`, body: { role: "ADMIN" } },
    OrganizationsMembershipsController_deleteMembership: { method: "DELETE", path: `${base}/memberships/${d.heldMembershipId}` },
    OrganizationsTeamsController_getAllTeams: { method: "GET", path: `${base}/teams?skip=1` },
    OrganizationsTeamsController_createTeam: { method: "POST", path: `${base}/teams`, body: { name: "Research", slug: "research", metadata: { floor: 3 } } },
    OrganizationsTeamsController_getMyTeams: { method: "GET", path: `${base}/teams/me` },
    OrganizationsTeamsController_getTeam: { method: "GET", path: `${base}/teams/${team}` },
    OrganizationsTeamsController_updateTeam: { method: "PATCH", path: `${base}/teams/${team}`, body: { name: "Sales EMEA", bio: "Europe" } },
    OrganizationsTeamsController_deleteTeam: { method: "DELETE", path: `${base}/teams/${team}` },
    OrganizationsTeamsMembershipsController_getAllOrgTeamMemberships: { method: "GET", path: `${base}/teams/${team}/memberships?take=3` },
    OrganizationsTeamsMembershipsController_createOrgTeamMembership: { method: "POST", path: `${base}/teams/${team}/memberships`, body: { userId: d.notIn(team), accepted: true } },
    OrganizationsTeamsMembershipsController_getOrgTeamMembership: { method: "GET", path: `${base}/teams/${team}/memberships/${teamMembership.id}` },
    OrganizationsTeamsMembershipsController_updateOrgTeamMembership: { method: "PATCH", path: `${base}/teams/${team}/memberships/${teamMembership.id}`, body: { role: "ADMIN" } },
    OrganizationsTeamsMembershipsController_deleteOrgTeamMembership: { method: "DELETE", path: `${base}/teams/${team}/memberships/${teamMembership.id}` },
    MeController_getMe: { method: "GET", path: "/v2/me" },
    MeController_updateMe: { method: "PATCH", path: "/v2/me", body: { timeZone: "america/new_york", name: "Ada Admin" } },
    TeamsController_createTeam: { method: "POST", path: "/v2/teams", body: { name: "Book club" } },
    TeamsController_getTeams: { method: "GET", path: "/v2/teams" },
    TeamsController_getTeam: { method: "GET", path: `/v2/teams/${d.adminTeam}` },
    TeamsController_updateTeam: { method: "PATCH", path: `/v2/teams/${d.ownerTeam}`, body: { name: "Sales", hideBranding: true }, key: OWNER_KEY },
    TeamsController_deleteTeam: { method: "DELETE", path: `/v2/teams/${d.ownerTeam}`, key: OWNER_KEY },
    TeamsMembershipsController_createTeamMembership: { method: "POST", path: `/v2/teams/${d.adminTeam}/memberships`, body: { userId: facts.outsiderIds[0] } },
    TeamsMembershipsController_getTeamMemberships: { method: "GET", path: `/v2/teams/${d.adminTeam}/memberships?skip=1&take=2` },
    TeamsMembershipsController_getTeamMembership: { method: "GET", path: `/v2/teams/${d.adminTeam}/memberships/${adminTeamMembership.id}` },
    TeamsMembershipsController_updateTeamMembership: { method: "PATCH", path: `/v2/teams/${d.adminTeam}/memberships/${adminTeamMembership.id}`, body: { accepted: false } },
    TeamsMembershipsController_deleteTeamMembership: { method: "DELETE", path: `/v2/teams/${d.adminTeam}/memberships/${adminTeamMembership.id}` },
  };
}
