import {
  assertNoTeamNamed,
  createTeam,
  deleteTeam,
  listOrgTeams,
  myOrgTeams,
  teamOrOrganization,
  teamsOfUser,
  toTeamOutput,
  updateTeam,
} from "../store/queries/teams.js";
import type { Handlers } from "./types.js";

type TeamOps =
  | "OrganizationsTeamsController_getAllTeams"
  | "OrganizationsTeamsController_createTeam"
  | "OrganizationsTeamsController_getMyTeams"
  | "OrganizationsTeamsController_getTeam"
  | "OrganizationsTeamsController_updateTeam"
  | "OrganizationsTeamsController_deleteTeam"
  | "TeamsController_createTeam"
  | "TeamsController_getTeams"
  | "TeamsController_getTeam"
  | "TeamsController_updateTeam"
  | "TeamsController_deleteTeam";

export const teamHandlers: Pick<Handlers, TeamOps> = {
  // Orgs / Teams: IsTeamInOrg has checked the {teamId} routes' team.
  OrganizationsTeamsController_getAllTeams: ({ db, orgId, query }) => listOrgTeams(db.store, orgId, query.skip ?? 0, query.take ?? 250).map(toTeamOutput),
  OrganizationsTeamsController_createTeam: async ({ db, orgId, body, actor }) => toTeamOutput(await createTeam(db, orgId, body, actor.user)),
  OrganizationsTeamsController_getMyTeams: ({ db, orgId, query, actor }) =>
    myOrgTeams(db.store, orgId, actor.user.id, query.skip ?? 0, query.take ?? 250).map(({ team, membership }) => ({
      ...toTeamOutput(team),
      ...(membership && { role: membership.role, accepted: membership.accepted }),
    })),
  OrganizationsTeamsController_getTeam: ({ db, path }) => toTeamOutput(db.store.get("teams", path.teamId)!),
  OrganizationsTeamsController_updateTeam: async ({ db, path, body }) => toTeamOutput(await updateTeam(db, path.teamId, body)),
  OrganizationsTeamsController_deleteTeam: async ({ db, path }) => toTeamOutput(await deleteTeam(db, path.teamId)),

  // Teams: the role guard has checked the caller's membership of {teamId}, which may also be an organization.
  TeamsController_createTeam: async ({ db, body, actor }) => {
    assertNoTeamNamed(db.store, actor.user.id, body.name);
    return toTeamOutput(await createTeam(db, null, body, actor.user));
  },
  TeamsController_getTeams: ({ db, actor }) => teamsOfUser(db.store, actor.user.id).map(toTeamOutput),
  TeamsController_getTeam: ({ db, path }) => toTeamOutput(teamOrOrganization(db.store, path.teamId)!),
  TeamsController_updateTeam: async ({ db, path, body }) => toTeamOutput(await updateTeam(db, path.teamId, body)),
  TeamsController_deleteTeam: async ({ db, path }) => toTeamOutput(await deleteTeam(db, path.teamId)),
};
