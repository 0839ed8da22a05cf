import {
  addTeamMembership,
  deleteMembership,
  listMemberships,
  removeOrgMember,
  removeTeamMember,
  requireTeamMembership,
  toMembershipOutput,
  toOrgMembershipOutput,
  updateMembership,
  upsertOrgMembership,
} from "../store/queries/memberships.js";
import { recordNotFound } from "../errors.js";
import type { Handlers } from "./types.js";

type MembershipOps =
  | "OrganizationsMembershipsController_getAllMemberships"
  | "OrganizationsMembershipsController_createMembership"
  | "OrganizationsMembershipsController_getOrgMembership"
  | "OrganizationsMembershipsController_updateMembership"
  | "OrganizationsMembershipsController_deleteMembership"
  | "OrganizationsTeamsMembershipsController_getAllOrgTeamMemberships"
  | "OrganizationsTeamsMembershipsController_createOrgTeamMembership"
  | "OrganizationsTeamsMembershipsController_getOrgTeamMembership"
  | "OrganizationsTeamsMembershipsController_updateOrgTeamMembership"
  | "OrganizationsTeamsMembershipsController_deleteOrgTeamMembership"
  | "TeamsMembershipsController_createTeamMembership"
  | "TeamsMembershipsController_getTeamMemberships"
  | "TeamsMembershipsController_getTeamMembership"
  | "TeamsMembershipsController_updateTeamMembership"
  | "TeamsMembershipsController_deleteTeamMembership";

export const membershipHandlers: Pick<Handlers, MembershipOps> = {
  // Orgs / Memberships: the guard IsMembershipInOrg has already found the {membershipId} routes' membership.
  OrganizationsMembershipsController_getAllMemberships: ({ db, orgId, query }) =>
    listMemberships(db.store, orgId, query.skip ?? 0, query.take ?? 250).map((m) => toOrgMembershipOutput(db.store, m)),
  OrganizationsMembershipsController_createMembership: async ({ db, orgId, body }) =>
    toOrgMembershipOutput(db.store, await upsertOrgMembership(db, orgId, body)),
  OrganizationsMembershipsController_getOrgMembership: ({ db, path }) =>
    toOrgMembershipOutput(db.store, db.store.get("memberships", path.membershipId)!),
  OrganizationsMembershipsController_updateMembership: async ({ db, path, body }) =>
    toOrgMembershipOutput(db.store, await updateMembership(db, db.store.get("memberships", path.membershipId)!, body)),
  OrganizationsMembershipsController_deleteMembership: async ({ db, orgId, path }) => {
    // The answer lists the attributes the membership held; they go with it.
    const answer = toOrgMembershipOutput(db.store, db.store.get("memberships", path.membershipId)!);
    await removeOrgMember(db, orgId, path.membershipId);
    return answer;
  },

  // Orgs / Teams / Memberships: IsTeamInOrg has checked that the team belongs to the organization.
  OrganizationsTeamsMembershipsController_getAllOrgTeamMemberships: ({ db, path, query }) =>
    listMemberships(db.store, path.teamId, query.skip ?? 0, query.take ?? 250).map((m) => toMembershipOutput(db.store, m)),
  OrganizationsTeamsMembershipsController_createOrgTeamMembership: async ({ db, orgId, path, body }) =>
    toMembershipOutput(db.store, await addTeamMembership(db, path.teamId, body, orgId)),
  OrganizationsTeamsMembershipsController_getOrgTeamMembership: ({ db, path }) =>
    toMembershipOutput(db.store, requireTeamMembership(db.store, path.teamId, path.membershipId)),
  OrganizationsTeamsMembershipsController_updateOrgTeamMembership: async ({ db, path, body }) =>
    toMembershipOutput(db.store, await updateMembership(db, requireTeamMembership(db.store, path.teamId, path.membershipId), body)),
  OrganizationsTeamsMembershipsController_deleteOrgTeamMembership: async ({ db, path }) =>
    toMembershipOutput(db.store, await deleteMembership(db, path.teamId, path.membershipId)),

  // Teams / Memberships: any team id the caller is an admin of, an organization's included.
  TeamsMembershipsController_createTeamMembership: async ({ db, path, body }) =>
    toMembershipOutput(db.store, await addTeamMembership(db, path.teamId, body)),
  TeamsMembershipsController_getTeamMemberships: ({ db, path, query }) =>
    listMemberships(db.store, path.teamId, query.skip ?? 0, query.take ?? 250, query.emails).map((m) => toMembershipOutput(db.store, m)),
  TeamsMembershipsController_getTeamMembership: ({ db, path }) =>
    toMembershipOutput(db.store, requireTeamMembership(db.store, path.teamId, path.membershipId)),
  TeamsMembershipsController_updateTeamMembership: async ({ db, path, body }) => {
    const current = db.store.get("memberships", path.membershipId);
    if (!current || current.teamId !== path.teamId) throw recordNotFound();
    return toMembershipOutput(db.store, await updateMembership(db, current, body));
  },
  TeamsMembershipsController_deleteTeamMembership: async ({ db, path }) =>
    // Current Cal.com answers the membership it looked up before removing it, its user included.
    toMembershipOutput(db.store, await removeTeamMember(db, path.teamId, path.membershipId)),
};
