import type { Schemas } from "../../contract/types.js";
import { notFound, recordNotFound } from "../../errors.js";
import type { Database } from "../database.js";
import { uuid } from "../ids.js";
import type { Attribute, AttributeOption, Change } from "../schema.js";
import type { MemoDeps, Store } from "../store.js";
import { historyChanges, historyEntry, historyValue, type Actor } from "./history.js";
import { assigneeUserIds, attributeInOrg, findAttributeInOrg, findAttributeInOrgBySlug } from "./lookup.js";
import { sharedOutput } from "../shared-output.js";

/** The raw option row, as Cal.com's option routes return it (stored columns included). */
export function toOptionOutput(o: AttributeOption): Schemas["OptionOutput"] {
  return { id: o.id, attributeId: o.attributeId, value: o.value, slug: o.slug, isGroup: o.isGroup, contains: o.contains };
}

/** New rows share one empty `contains` list: rows are replaced, never changed in place. */
const NOTHING_CONTAINED: string[] = [];

/** A new option row with Cal.com's column defaults (not a group, containing nothing). */
export function newOption(attributeId: string, value: string, slug: string): AttributeOption {
  return { id: uuid(), attributeId, value, slug, isGroup: false, contains: NOTHING_CONTAINED };
}

/** The assigned-options listing is shaped by its output class: only these fields (plus assignedUserIds). */
export function toAssignedOptionOutput(o: AttributeOption): Omit<Schemas["AssignedOptionOutput"], "assignedUserIds"> {
  return { id: o.id, attributeId: o.attributeId, value: o.value, slug: o.slug };
}

/**
 * Cal.com lists by attribute id alone: an unknown attribute has no options (200 []), and another organization's
 * attribute would list that organization's options. The mock answers [] for both, so no caller reads another
 * organization's options or learns that the id exists.
 */
export function listOptions(store: Store, orgId: number, attributeId: string): AttributeOption[] {
  const attribute = findAttributeInOrg(store, orgId, attributeId);
  return attribute ? [...(store.optionsByAttribute.get(attribute.id)?.values() ?? [])] : [];
}

export async function createOption(
  db: Database,
  orgId: number,
  attributeId: string,
  input: Schemas["CreateOrganizationAttributeOptionInput"],
): Promise<AttributeOption> {
  const attribute = attributeInOrg(db.store, orgId, attributeId);
  const option = newOption(attribute.id, input.value, input.slug);
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
  const updated: AttributeOption = {
    ...current,
    ...(input.value !== undefined && { value: input.value }),
    ...(input.slug !== undefined && { slug: input.slug }),
  };
  const changes: Change[] = [{ op: "put", collection: "attributeOptions", row: updated }];
  // Renaming an option changes the value every assignee holds: each of them gets a history entry.
  if (updated.value !== current.value || updated.slug !== current.slug) {
    for (const assignment of db.store.assignmentsByOption.get(current.id)?.values() ?? []) {
      const recorded = historyChanges("VALUE_CHANGED", attribute, historyValue(current, assignment), historyValue(updated, assignment));
      changes.push({ op: "put", collection: "assignmentHistory", row: historyEntry(assignment.memberId, actor, "updateOption", recorded) });
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
    const recorded = historyChanges("UNASSIGNED", attribute, historyValue(option, assignment), null);
    changes.push({ op: "put", collection: "assignmentHistory", row: historyEntry(assignment.memberId, actor, operation, recorded) });
  }
  changes.push({ op: "del", collection: "attributeOptions", id: option.id });
  return changes;
}

export async function deleteOption(db: Database, orgId: number, attributeId: string, optionId: string, actor: Actor): Promise<AttributeOption> {
  // Cal.com's repository looks the option up through its attribute's organization: either missing is one 404.
  const attribute = attributeInOrg(db.store, orgId, attributeId, () => notFound("Attribute option not found"));
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

/** The organization's attribute named by id (the id routes) or by slug (the slug routes). */
function attributeByIdOrSlug(store: Store, orgId: number, attribute: { id: string } | { slug: string }): Attribute | undefined {
  return "id" in attribute ? findAttributeInOrg(store, orgId, attribute.id) : findAttributeInOrgBySlug(store, orgId, attribute.slug);
}

/**
 * Cal.com's assigned-options listing (organization-attribute-options.repository.ts,
 * getOrganizationAttributeAssignedOptions): options of the attribute that someone holds (someone in `teamIds`,
 * when given), paginated, then narrowed to those sharing a holder with the options `assignedOptionIds` selects.
 * An unknown attribute has no candidates. `assignedUserIds` always lists every holder of the option.
 */
export function assignedOptions(
  store: Store,
  orgId: number,
  attribute: { id: string } | { slug: string },
  query: AssignedOptionsQuery,
): Schemas["AssignedOptionOutput"][] {
  const attr = attributeByIdOrSlug(store, orgId, attribute);
  // Both sets depend only on the filter and the data, so they are kept until the next write (store.memo).
  const teamKey = query.teamIds ? [...query.teamIds].sort((a, b) => a - b).join(",") : "";
  const teamUserIds = query.teamIds
    ? store.memo(`team-users ${orgId} ${teamKey}`, () => teamMemberUserIds(store, orgId, query.teamIds!), { collections: ["memberships", "teams"] })
    : undefined;
  let filterUserIds: ReadonlySet<number> | undefined;
  if (query.assignedOptionIds) {
    const ids = query.assignedOptionIds;
    const holders = store.memo(
      `holders ${orgId} ${teamKey} ${[...ids].sort().join(",")}`,
      () => holdersOf(store, orgId, ids, teamUserIds),
      // Selecting no option, or only options nobody holds, asked whether any option at all is unheld.
      (users) => ({ collections: ["memberships", "teams", "attributes", "attributeOptions", ...(users?.size ? [] : ["attributeAssignments" as const])], options: ids }),
    );
    if (!holders) {
      throw notFound(
        "Options provided in assignedOptionIds are not assigned to anyone, or the users are not part of the teams specified in teamIds filter.",
      );
    }
    filterUserIds = holders;
  }

  const page: Schemas["AssignedOptionOutput"][] = [];
  if (!attr) return page;
  let index = 0;
  for (const option of store.optionsByAttribute.get(attr.id)?.values() ?? []) {
    const userIds = assigneeUserIds(store, option.id);
    if (userIds.length === 0 || (teamUserIds && !userIds.some((id) => teamUserIds.has(id)))) continue;
    if (index++ < query.skip) continue;
    if (index > query.skip + query.take) break;
    if (filterUserIds && !userIds.some((id) => filterUserIds.has(id))) continue;
    page.push(listedOption(option, userIds));
  }
  return page;
}

/**
 * What assignedOptions reads, for the response cache (src/routes/read-deps.ts): the attribute and its options,
 * who holds each of them and each option of the filter (through memberships and teams), and, where an empty
 * selection asks whether any option is unheld (assignedOptionIds without teamIds), every assignment.
 */
export function assignedOptionsReads(store: Store, orgId: number, attribute: { id: string } | { slug: string }, query: Pick<AssignedOptionsQuery, "assignedOptionIds" | "teamIds">): MemoDeps {
  const attr = attributeByIdOrSlug(store, orgId, attribute);
  const options = attr ? [...(store.optionsByAttribute.get(attr.id)?.keys() ?? [])] : [];
  const everyAssignment = query.assignedOptionIds !== undefined && query.teamIds === undefined;
  return {
    collections: ["attributes", "attributeOptions", "memberships", "teams", ...(everyAssignment ? (["attributeAssignments"] as const) : [])],
    options: [...options, ...(query.assignedOptionIds ?? [])],
  };
}

/**
 * Each listed option's output, handed out again while its row and its holders stay: a write puts a new row, and
 * the store makes a new holders list when an assignment of the option changes.
 */
const listedOptions = new WeakMap<AttributeOption, { userIds: readonly number[]; output: Schemas["AssignedOptionOutput"] }>();

function listedOption(option: AttributeOption, userIds: readonly number[]): Schemas["AssignedOptionOutput"] {
  const kept = listedOptions.get(option);
  if (kept !== undefined && kept.userIds === userIds) return kept.output;
  const output = sharedOutput({ ...toAssignedOptionOutput(option), assignedUserIds: userIds as number[] });
  listedOptions.set(option, { userIds, output });
  return output;
}

/**
 * The users whose options `assignedOptionIds` selects, or undefined when it selects none (Cal.com's 404). Cal.com
 * selects the organization's options every one of whose assignments names one of the given ids: the given
 * options themselves, and, vacuously, every option nobody holds. With `teamIds`, an option must also have a holder
 * in those teams (which rules the unheld ones out). The users are then all holders of the selected options, in
 * the teams or not.
 */
export function holdersOf(store: Store, orgId: number, optionIds: readonly string[], teamUserIds: ReadonlySet<number> | undefined): Set<number> | undefined {
  const users = new Set<number>();
  let selected = false;
  for (const optionId of new Set(optionIds)) {
    const option = store.get("attributeOptions", optionId);
    if (!option || store.get("attributes", option.attributeId)?.teamId !== orgId) continue;
    const holders = assigneeUserIds(store, optionId);
    if (teamUserIds && !holders.some((id) => teamUserIds.has(id))) continue;
    selected = true;
    for (const userId of holders) users.add(userId);
  }
  if (!selected && !teamUserIds) {
    selected = store.memo(`unheld ${orgId}`, () => hasUnheldOption(store, orgId), { collections: ["attributeAssignments", "attributeOptions", "attributes", "memberships"] });
  }
  return selected ? users : undefined;
}

/** Whether some option of the organization is held by nobody: what makes Cal.com's vacuous match select it. */
function hasUnheldOption(store: Store, orgId: number): boolean {
  for (const attribute of store.attributesByOrg.get(orgId)?.values() ?? []) {
    for (const option of store.optionsByAttribute.get(attribute.id)?.values() ?? []) {
      if (assigneeUserIds(store, option.id).length === 0) return true;
    }
  }
  return false;
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
