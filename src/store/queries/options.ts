import type { Schemas } from "../../contract/types.js";
import { notFound, recordNotFound, uniqueConflict } from "../../errors.js";
import type { Database } from "../database.js";
import { cuid } from "../ids.js";
import type { Attribute, AttributeOption, Change } from "../schema.js";
import type { Store } from "../store.js";
import { historyChange, historyEntry, historyValue, type Actor } from "./history.js";
import { assigneeUserIds, attributeInOrg, attributeInOrgBySlug } from "./lookup.js";

export function toOptionOutput(o: AttributeOption): Schemas["OptionOutput"] {
  return { id: o.id, attributeId: o.attributeId, value: o.value, slug: o.slug };
}

export function listOptions(store: Store, orgId: number, attributeId: string): AttributeOption[] {
  const attribute = attributeInOrg(store, orgId, attributeId);
  return [...(store.optionsByAttribute.get(attribute.id)?.values() ?? [])];
}

function assertOptionSlugFree(store: Store, attributeId: string, slug: string, self?: string): void {
  const holder = store.optionByAttributeSlug.get(`${attributeId}:${slug}`);
  if (holder && holder.id !== self) throw uniqueConflict();
}

export async function createOption(
  db: Database,
  orgId: number,
  attributeId: string,
  input: Schemas["CreateOrganizationAttributeOptionInput"],
): Promise<AttributeOption> {
  const attribute = attributeInOrg(db.store, orgId, attributeId);
  assertOptionSlugFree(db.store, attribute.id, input.slug);
  const option: AttributeOption = { id: cuid(), attributeId: attribute.id, value: input.value, slug: input.slug };
  await db.commit([{ op: "put", collection: "attributeOptions", row: option }]);
  return option;
}

function optionOfAttribute(store: Store, attribute: Attribute, optionId: string): AttributeOption | undefined {
  return store.optionsByAttribute.get(attribute.id)?.get(optionId);
}

export async function updateOption(
  db: Database,
  orgId: number,
  attributeId: string,
  optionId: string,
  input: Schemas["UpdateOrganizationAttributeOptionInput"],
  actor: Actor,
): Promise<AttributeOption> {
  const attribute = attributeInOrg(db.store, orgId, attributeId);
  const current = optionOfAttribute(db.store, attribute, optionId);
  if (!current) throw recordNotFound();
  if (input.slug !== undefined) assertOptionSlugFree(db.store, attribute.id, input.slug, current.id);
  const updated: AttributeOption = {
    ...current,
    ...(input.value !== undefined && { value: input.value }),
    ...(input.slug !== undefined && { slug: input.slug }),
  };
  const changes: Change[] = [{ op: "put", collection: "attributeOptions", row: updated }];
  // Renaming an option changes the value every assignee holds: each of them gets a history entry.
  if (updated.value !== current.value || updated.slug !== current.slug) {
    for (const assignment of db.store.assignmentsByOption.get(current.id)?.values() ?? []) {
      const change = historyChange("VALUE_CHANGED", attribute, historyValue(current, assignment), historyValue(updated, assignment));
      changes.push({ op: "put", collection: "assignmentHistory", row: historyEntry(assignment.memberId, actor, "updateOption", [change]) });
    }
  }
  await db.commit(changes);
  return updated;
}

/** The changes that remove an option and unassign it from everyone, each unassignment in the history. */
export function removeOptionChanges(store: Store, attribute: Attribute, option: AttributeOption, actor: Actor, operation: string): Change[] {
  const changes: Change[] = [];
  for (const assignment of store.assignmentsByOption.get(option.id)?.values() ?? []) {
    changes.push({ op: "del", collection: "attributeAssignments", id: assignment.id });
    const change = historyChange("UNASSIGNED", attribute, historyValue(option, assignment), null);
    changes.push({ op: "put", collection: "assignmentHistory", row: historyEntry(assignment.memberId, actor, operation, [change]) });
  }
  changes.push({ op: "del", collection: "attributeOptions", id: option.id });
  return changes;
}

export async function deleteOption(db: Database, orgId: number, attributeId: string, optionId: string, actor: Actor): Promise<AttributeOption> {
  const attribute = attributeInOrg(db.store, orgId, attributeId);
  const option = optionOfAttribute(db.store, attribute, optionId);
  if (!option) throw notFound("Attribute option not found");
  await db.commit(removeOptionChanges(db.store, attribute, option, actor, "deleteOption"));
  return option;
}

export interface AssignedOptionsQuery {
  skip: number;
  take: number;
  assignedOptionIds?: string[] | undefined;
  teamIds?: number[] | undefined;
}

/**
 * Cal.com's assigned-options listing: options of the attribute that someone holds (restricted to members of
 * `teamIds` when given), paginated, then narrowed to those sharing a holder with `assignedOptionIds`.
 * `assignedUserIds` always lists every holder of the option, whatever the filters.
 */
export function assignedOptions(
  store: Store,
  orgId: number,
  attribute: { id: string } | { slug: string },
  query: AssignedOptionsQuery,
): Schemas["AssignedOptionOutput"][] {
  const attr = "id" in attribute ? attributeInOrg(store, orgId, attribute.id) : attributeInOrgBySlug(store, orgId, attribute.slug);
  // Both sets depend only on the filter and the data, so they are kept until the next write (store.memo).
  const teamKey = query.teamIds ? [...query.teamIds].sort((a, b) => a - b).join(",") : "";
  const teamUserIds = query.teamIds ? store.memo(`team-users ${orgId} ${teamKey}`, () => teamMemberUserIds(store, orgId, query.teamIds!)) : undefined;
  let filterUserIds: ReadonlySet<number> | undefined;
  if (query.assignedOptionIds) {
    const ids = query.assignedOptionIds;
    const holders = store.memo(`holders ${orgId} ${teamKey} ${[...ids].sort().join(",")}`, () => holdersOf(store, orgId, ids, teamUserIds));
    if (!holders) {
      throw notFound(
        "Options provided in assignedOptionIds are not assigned to anyone, or the users are not part of the teams specified in teamIds filter.",
      );
    }
    filterUserIds = holders;
  }

  const page: Schemas["AssignedOptionOutput"][] = [];
  let index = 0;
  for (const option of store.optionsByAttribute.get(attr.id)?.values() ?? []) {
    const userIds = assigneeUserIds(store, option.id);
    if (userIds.length === 0 || (teamUserIds && !userIds.some((id) => teamUserIds.has(id)))) continue;
    if (index++ < query.skip) continue;
    if (index > query.skip + query.take) break;
    if (filterUserIds && !userIds.some((id) => filterUserIds.has(id))) continue;
    page.push({ ...toOptionOutput(option), assignedUserIds: userIds as number[] });
  }
  return page;
}

/**
 * The holders of the given options of this organization (members of `teamUserIds` only, when given), or
 * undefined when no given id names an option of the organization: Cal.com's 404 case.
 */
export function holdersOf(store: Store, orgId: number, optionIds: readonly string[], teamUserIds: ReadonlySet<number> | undefined): Set<number> | undefined {
  const users = new Set<number>();
  let matched = false;
  for (const optionId of new Set(optionIds)) {
    const option = store.get("attributeOptions", optionId);
    if (!option || store.get("attributes", option.attributeId)?.teamId !== orgId) continue;
    matched = true;
    for (const userId of assigneeUserIds(store, optionId)) {
      if (!teamUserIds || teamUserIds.has(userId)) users.add(userId);
    }
  }
  return matched ? users : undefined;
}

/**
 * Members of the given teams (the organization's own id counts as a team of everyone in it). Teams of another
 * organization count for nobody: Cal.com does not check, but a mock must not leak another organization's members.
 */
export function teamMemberUserIds(store: Store, orgId: number, teamIds: number[]): Set<number> {
  const ids = new Set<number>();
  for (const teamId of teamIds) {
    if (teamId !== orgId && store.get("teams", teamId)?.parentId !== orgId) continue;
    for (const userId of store.userIdsByTeam.get(teamId) ?? []) ids.add(userId);
  }
  return ids;
}
