import type { Schemas } from "../../contract/types.js";
import { badRequest, missingReference, notFound, uniqueConflict } from "../../errors.js";
import { isoNow } from "../clock.js";
import type { Database } from "../database.js";
import { slugify, uuid } from "../ids.js";
import { newOption } from "./options.js";
import type { AssignmentHistoryEntry, AttributeAssignment, AttributeOption, Change } from "../schema.js";
import type { MemoDeps, Store } from "../store.js";
import { historyChanges, historyEntry, historyValue, type Actor } from "./history.js";
import { anyOrgMembership, attributeInOrg, requireOrgMember } from "./lookup.js";

/** The assignment row (AttributeToUser) as Cal.com returns it, stored columns included. */
export function toAssignmentOutput(a: AttributeAssignment): Schemas["AssignOptionUserOutputData"] {
  return {
    id: a.id,
    memberId: a.memberId,
    attributeOptionId: a.attributeOptionId,
    weight: a.weight,
    createdAt: a.createdAt,
    createdById: a.createdById,
    createdByDSyncId: a.createdByDSyncId,
    updatedAt: a.updatedAt,
    updatedById: a.updatedById,
    updatedByDSyncId: a.updatedByDSyncId,
  };
}

/**
 * The options of this organization's attributes that the user holds, in assignment order. Like Cal.com's
 * repository (getOrganizationAttributeOptionsForUser), there is no membership check: a pending invitee or a user
 * outside the organization simply holds nothing there.
 */
export function optionsOfUser(store: Store, orgId: number, userId: number): AttributeOption[] {
  const membership = anyOrgMembership(store, orgId, userId);
  const options: AttributeOption[] = [];
  if (!membership) return options;
  for (const optionId of store.assignmentsByMember.get(membership.id)?.keys() ?? []) {
    const option = store.get("attributeOptions", optionId);
    if (option) options.push(option);
  }
  return options;
}

/** What optionsOfUser reads, for the response cache (src/routes/read-deps.ts): the membership and what it holds. */
export function optionsOfUserReads(store: Store, orgId: number, userId: number): MemoDeps {
  const membership = anyOrgMembership(store, orgId, userId);
  return { collections: ["memberships", "attributes", "attributeOptions"], ...(membership && { members: [membership.id] }) };
}

const isSelect = (type: string) => type === "SINGLE_SELECT" || type === "MULTI_SELECT";

/**
 * Assigns an option to a user, following Cal.com (organization-attribute-options.repository.ts,
 * assignOrganizationAttributeOptionToUser): select attributes take an existing option id; TEXT and NUMBER
 * attributes may take a `value` instead, which always becomes a new option with `slugify(value)` as its slug, even
 * when an option has that value or slug already. Like Cal.com, it does not check that a given option belongs to the
 * given attribute (the assignment is the option's, and so is the attribute its history names); where Cal.com
 * answers 500 (neither field given), the mock answers a 400 instead.
 */
export async function assignOption(
  db: Database,
  orgId: number,
  userId: number,
  input: Schemas["AssignOrganizationAttributeOptionToUserInput"],
  actor: Actor,
): Promise<AttributeAssignment> {
  const store = db.store;
  let attribute = attributeInOrg(store, orgId, input.attributeId);
  const membership = requireOrgMember(store, orgId, userId);
  if (input.value !== undefined && isSelect(attribute.type)) throw badRequest("Attribute type does not support value");
  const changes: Change[] = [];
  let option: AttributeOption | undefined;
  if (input.attributeOptionId !== undefined) {
    option = store.get("attributeOptions", input.attributeOptionId);
    // An option of another organization's attribute is answered as if it did not exist: saying that it belongs
    // elsewhere would tell this organization's caller that the id exists.
    const owner = option && store.get("attributes", option.attributeId);
    if (!option || !owner || owner.teamId !== orgId) throw missingReference();
    attribute = owner;
  } else if (input.value !== undefined) {
    option = newOption(attribute.id, input.value, slugify(input.value));
    changes.push({ op: "put", collection: "attributeOptions", row: option });
  } else {
    throw badRequest("Either attributeOptionId or value must be given");
  }
  if (store.assignmentsByOption.get(option.id)?.has(membership.id)) throw uniqueConflict();
  const now = isoNow();
  const assignment: AttributeAssignment = {
    id: uuid(),
    memberId: membership.id,
    attributeOptionId: option.id,
    weight: input.weight ?? null,
    createdAt: now,
    createdById: actor.user.id,
    createdByDSyncId: null,
    // Prisma's @updatedAt fills the column on create too.
    updatedAt: now,
    updatedById: null,
    updatedByDSyncId: null,
  };
  changes.push({ op: "put", collection: "attributeAssignments", row: assignment });
  const recorded = historyChanges("ASSIGNED", attribute, null, historyValue(option, assignment));
  changes.push({ op: "put", collection: "assignmentHistory", row: historyEntry(membership.id, actor, "assignOption", recorded) });
  await db.commit(changes);
  return assignment;
}

function heldAssignment(store: Store, orgId: number, userId: number, optionId: string) {
  const membership = requireOrgMember(store, orgId, userId);
  const assignment = store.assignmentsByMember.get(membership.id)?.get(optionId);
  const option = assignment && store.get("attributeOptions", optionId);
  const attribute = option && store.get("attributes", option.attributeId);
  if (!assignment || !option || !attribute || attribute.teamId !== orgId) throw notFound("Attribute does not belong to this user");
  return { membership, assignment, option, attribute };
}

export async function unassignOption(db: Database, orgId: number, userId: number, optionId: string, actor: Actor): Promise<AttributeAssignment> {
  const { membership, assignment, option, attribute } = heldAssignment(db.store, orgId, userId, optionId);
  const recorded = historyChanges("UNASSIGNED", attribute, historyValue(option, assignment), null);
  await db.commit([
    { op: "del", collection: "attributeAssignments", id: assignment.id },
    { op: "put", collection: "assignmentHistory", row: historyEntry(membership.id, actor, "unassignOption", recorded) },
  ]);
  return assignment;
}

export async function updateAssignmentWeight(
  db: Database,
  orgId: number,
  userId: number,
  optionId: string,
  input: Schemas["UpdateOrganizationAttributeOptionUserInput"],
  actor: Actor,
): Promise<AttributeAssignment> {
  const { membership, assignment, option, attribute } = heldAssignment(db.store, orgId, userId, optionId);
  if (input.weight === undefined || input.weight === assignment.weight) return assignment;
  const updated: AttributeAssignment = { ...assignment, weight: input.weight, updatedAt: isoNow(), updatedById: actor.user.id };
  const recorded = historyChanges("WEIGHT_CHANGED", attribute, historyValue(option, assignment), historyValue(option, updated));
  await db.commit([
    { op: "put", collection: "attributeAssignments", row: updated },
    { op: "put", collection: "assignmentHistory", row: historyEntry(membership.id, actor, "updateAssignmentWeight", recorded) },
  ]);
  return updated;
}

export interface HistoryPage {
  membershipId: number;
  entries: AssignmentHistoryEntry[];
  nextCursor?: string;
  hasMore: boolean;
}

/** The user's assignment history, newest first; `cursor` is the id of the last entry of the previous page. */
export function assignmentHistory(store: Store, orgId: number, userId: number, limit: number, cursor?: string): HistoryPage {
  const membership = requireOrgMember(store, orgId, userId);
  const all = store.historyByMember.get(membership.id) ?? [];
  let start = all.length - 1;
  if (cursor !== undefined) {
    const at = all.findIndex((e) => e.id === cursor);
    if (at < 0) throw badRequest("query cursor: does not match an entry of this user's history");
    start = at - 1;
  }
  const entries: AssignmentHistoryEntry[] = [];
  for (let i = start; i >= 0 && entries.length < limit; i--) entries.push(all[i]!);
  const hasMore = start - entries.length >= 0;
  return { membershipId: membership.id, entries, hasMore, ...(hasMore && entries.length > 0 ? { nextCursor: entries.at(-1)!.id } : {}) };
}
