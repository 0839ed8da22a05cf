import type { State } from "../../src/store/schema.js";
import type { scenarioFacts } from "../support/harness.js";

export interface OperationRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
}

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
  };
}
