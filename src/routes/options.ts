import {
  assignedOptions,
  createOption,
  deleteOption,
  listOptions,
  toOptionOutput,
  updateOption,
} from "../store/queries/options.js";
import type { Handlers } from "./types.js";

type OptionOps =
  | "OrganizationsAttributesOptionsController_createOrganizationAttributeOption"
  | "OrganizationsAttributesOptionsController_getOrganizationAttributeOptions"
  | "OrganizationsAttributesOptionsController_updateOrganizationAttributeOption"
  | "OrganizationsAttributesOptionsController_deleteOrganizationAttributeOption"
  | "OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions"
  | "OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug";

export const optionHandlers: Pick<Handlers, OptionOps> = {
  OrganizationsAttributesOptionsController_createOrganizationAttributeOption: async ({ db, orgId, path, body }) =>
    toOptionOutput(await createOption(db, orgId, path.attributeId, body)),
  OrganizationsAttributesOptionsController_getOrganizationAttributeOptions: ({ db, orgId, path }) =>
    listOptions(db.store, orgId, path.attributeId).map(toOptionOutput),
  OrganizationsAttributesOptionsController_updateOrganizationAttributeOption: async ({ db, orgId, path, body, actor }) =>
    toOptionOutput(await updateOption(db, orgId, path.attributeId, path.optionId, body, actor)),
  OrganizationsAttributesOptionsController_deleteOrganizationAttributeOption: async ({ db, orgId, path, actor }) =>
    toOptionOutput(await deleteOption(db, orgId, path.attributeId, path.optionId, actor)),
  OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions: ({ db, orgId, path, query }) =>
    assignedOptions(db.store, orgId, { id: path.attributeId }, { skip: query.skip ?? 0, take: query.take ?? Number.MAX_SAFE_INTEGER, assignedOptionIds: query.assignedOptionIds, teamIds: query.teamIds }),
  OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug: ({ db, orgId, path, query }) =>
    assignedOptions(db.store, orgId, { slug: path.attributeSlug }, { skip: query.skip ?? 0, take: query.take ?? Number.MAX_SAFE_INTEGER, assignedOptionIds: query.assignedOptionIds, teamIds: query.teamIds }),
};
