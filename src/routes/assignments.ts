import {
  assignOption,
  assignmentHistory,
  optionsOfUser,
  toAssignmentOutput,
  unassignOption,
  updateAssignmentWeight,
} from "../store/queries/assignments.js";
import { toOptionOutput } from "../store/queries/options.js";
import type { Handlers } from "./types.js";

type AssignmentOps =
  | "OrganizationsAttributesOptionsController_getOrganizationAttributeOptionsForUser"
  | "OrganizationsAttributesOptionsController_assignOrganizationAttributeOptionToUser"
  | "OrganizationsAttributesOptionsController_unassignOrganizationAttributeOptionFromUser"
  | "OrganizationsAttributesOptionsController_updateOrganizationAttributeOptionForUser"
  | "OrganizationsAttributesOptionsController_getOrganizationAttributeAssignmentHistory";

export const assignmentHandlers: Pick<Handlers, AssignmentOps> = {
  OrganizationsAttributesOptionsController_getOrganizationAttributeOptionsForUser: ({ db, orgId, path }) =>
    optionsOfUser(db.store, orgId, path.userId).map(toOptionOutput),
  OrganizationsAttributesOptionsController_assignOrganizationAttributeOptionToUser: async ({ db, orgId, path, body, actor }) =>
    toAssignmentOutput(await assignOption(db, orgId, path.userId, body, actor)),
  OrganizationsAttributesOptionsController_unassignOrganizationAttributeOptionFromUser: async ({ db, orgId, path, actor }) =>
    toAssignmentOutput(await unassignOption(db, orgId, path.userId, path.attributeOptionId, actor)),
  OrganizationsAttributesOptionsController_updateOrganizationAttributeOptionForUser: async ({ db, orgId, path, body, actor }) =>
    toAssignmentOutput(await updateAssignmentWeight(db, orgId, path.userId, path.attributeOptionId, body, actor)),
  OrganizationsAttributesOptionsController_getOrganizationAttributeAssignmentHistory: ({ db, orgId, path, query }) => {
    const page = assignmentHistory(db.store, orgId, path.userId, query.limit ?? 25, query.cursor);
    return {
      userId: path.userId,
      membershipId: page.membershipId,
      auditLogs: page.entries.map(({ memberId: _memberId, ...entry }) => entry),
      hasMore: page.hasMore,
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  },
};
