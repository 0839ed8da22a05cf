import { createOrgUser, deleteUser, listOrgUsers, profileOf, toMeOutput, toOrgUserOutput, updateMe, updateOrgUser } from "../store/queries/users.js";
import type { Handlers } from "./types.js";

type UserOps =
  | "OrganizationsUsersController_getOrganizationsUsers"
  | "OrganizationsUsersController_createOrganizationUser"
  | "OrganizationsUsersController_updateOrganizationUser"
  | "OrganizationsUsersController_deleteOrganizationUser"
  | "MeController_getMe"
  | "MeController_updateMe";

export const userHandlers: Pick<Handlers, UserOps> = {
  OrganizationsUsersController_getOrganizationsUsers: ({ db, orgId, query }) =>
    listOrgUsers(db.store, orgId, {
      skip: query.skip ?? 0,
      take: query.take ?? 250,
      emails: query.emails,
      teamIds: query.teamIds,
      assignedOptionIds: query.assignedOptionIds,
      attributeQueryOperator: query.attributeQueryOperator,
    }),
  OrganizationsUsersController_createOrganizationUser: async ({ db, orgId, body }) => {
    const { user, profile } = await createOrgUser(db, orgId, body);
    return toOrgUserOutput(user, profile);
  },
  OrganizationsUsersController_updateOrganizationUser: async ({ db, orgId, path, body }) => {
    const user = await updateOrgUser(db, orgId, path.userId, body);
    return toOrgUserOutput(user, profileOf(db.store, orgId, user.id));
  },
  OrganizationsUsersController_deleteOrganizationUser: async ({ db, orgId, path }) => {
    // The answer shows the profile as it was before the delete removed it.
    const profile = profileOf(db.store, orgId, path.userId);
    return toOrgUserOutput(await deleteUser(db, path.userId), profile);
  },
  MeController_getMe: ({ db, actor }) => toMeOutput(db.store, actor.user, true),
  // Cal.com answers the update from the bare user row: organizationId is the column and `organization` is absent.
  MeController_updateMe: async ({ db, actor, body }) => toMeOutput(db.store, await updateMe(db, actor.user, body), false),
};
