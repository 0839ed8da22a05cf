import {
  createAttribute,
  deleteAttribute,
  listAttributes,
  toAttributeOutput,
  updateAttribute,
} from "../store/queries/attributes.js";
import { findAttributeInOrg } from "../store/queries/lookup.js";
import type { Handlers } from "./types.js";

type AttributeOps =
  | "OrganizationsAttributesController_getOrganizationAttributes"
  | "OrganizationsAttributesController_createOrganizationAttribute"
  | "OrganizationsAttributesController_getOrganizationAttribute"
  | "OrganizationsAttributesController_updateOrganizationAttribute"
  | "OrganizationsAttributesController_deleteOrganizationAttribute";

export const attributeHandlers: Pick<Handlers, AttributeOps> = {
  OrganizationsAttributesController_getOrganizationAttributes: ({ db, orgId, query }) =>
    listAttributes(db.store, orgId, query.skip ?? 0, query.take ?? 250).map(toAttributeOutput),
  OrganizationsAttributesController_createOrganizationAttribute: async ({ db, orgId, body }) =>
    toAttributeOutput(await createAttribute(db, orgId, body)),
  // Cal.com's findUnique finds nothing for an unknown or foreign id, and the controller sends that null as data.
  OrganizationsAttributesController_getOrganizationAttribute: ({ db, orgId, path }) => {
    const attribute = findAttributeInOrg(db.store, orgId, path.attributeId);
    return attribute ? toAttributeOutput(attribute) : null;
  },
  OrganizationsAttributesController_updateOrganizationAttribute: async ({ db, orgId, path, body }) =>
    toAttributeOutput(await updateAttribute(db, orgId, path.attributeId, body)),
  OrganizationsAttributesController_deleteOrganizationAttribute: async ({ db, orgId, path, actor }) =>
    toAttributeOutput(await deleteAttribute(db, orgId, path.attributeId, actor)),
};
