import { optionsOfUserReads } from "../store/queries/assignments.js";
import { assignedOptionsReads } from "../store/queries/options.js";
import { orgUsersReads } from "../store/queries/users.js";
import type { MemoDeps } from "../store/store.js";
import type { OperationId } from "../contract/types.js";
import type { ApiRequest } from "./types.js";

/**
 * What the answers of the directory's most read lists are made from, so the response cache keeps each of them
 * through writes that do not reach it (src/routes/response-cache.ts): a test suite assigning options to one member
 * leaves every other member's options, and the lists of options nobody touched, cached. Each names all it reads,
 * erring wide; any GET not listed is kept only until the next write. `test/core/read-deps.test.ts` compares these
 * answers with ones computed afresh through every kind of write that can reach them.
 */
export const READ_DEPS: { [O in OperationId]?: (req: ApiRequest<O>) => MemoDeps } = {
  OrganizationsAttributesOptionsController_getOrganizationAttributeOptionsForUser: ({ db, orgId, path }) => optionsOfUserReads(db.store, orgId, path.userId),
  OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions: ({ db, orgId, path, query }) =>
    assignedOptionsReads(db.store, orgId, { id: path.attributeId }, query),
  OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug: ({ db, orgId, path, query }) =>
    assignedOptionsReads(db.store, orgId, { slug: path.attributeSlug }, query),
  OrganizationsUsersController_getOrganizationsUsers: ({ db, orgId, query }) => orgUsersReads(db.store, orgId, query),
};
