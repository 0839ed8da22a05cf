import type { Schemas } from "../../contract/types.js";
import { recordNotFound, uniqueConflict } from "../../errors.js";
import { isoNow } from "../clock.js";
import type { Database } from "../database.js";
import { uuid } from "../ids.js";
import type { Attribute, Change } from "../schema.js";
import type { Store } from "../store.js";
import { attributeInOrg } from "./lookup.js";
import { newOption, removeOptionChanges } from "./options.js";
import type { Actor } from "./history.js";

/** The attribute row as Cal.com's repositories return it, stored columns included. */
export function toAttributeOutput(a: Attribute): Schemas["Attribute"] {
  return {
    id: a.id,
    teamId: a.teamId,
    type: a.type,
    name: a.name,
    slug: a.slug,
    enabled: a.enabled,
    usersCanEditRelation: a.usersCanEditRelation,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    isWeightsEnabled: a.isWeightsEnabled,
    isLocked: a.isLocked,
  };
}

export function listAttributes(store: Store, orgId: number, skip: number, take: number): Attribute[] {
  const out: Attribute[] = [];
  let index = 0;
  for (const attribute of store.attributesByOrg.get(orgId)?.values() ?? []) {
    if (index++ < skip) continue;
    if (out.length >= take) break;
    out.push(attribute);
  }
  return out;
}

const hasOptions = (type: Attribute["type"]) => type === "SINGLE_SELECT" || type === "MULTI_SELECT";

function assertSlugFree(store: Store, orgId: number, slug: string, self?: string): void {
  const holder = store.attributeByOrgSlug.get(`${orgId}:${slug}`);
  if (holder && holder.id !== self) throw uniqueConflict();
}

export async function createAttribute(
  db: Database,
  orgId: number,
  input: Schemas["CreateOrganizationAttributeInput"],
): Promise<Attribute> {
  assertSlugFree(db.store, orgId, input.slug);
  const now = isoNow();
  const attribute: Attribute = {
    id: uuid(),
    teamId: orgId,
    type: input.type,
    name: input.name,
    slug: input.slug,
    enabled: input.enabled ?? true,
    usersCanEditRelation: false,
    createdAt: now,
    updatedAt: now,
    isWeightsEnabled: false,
    isLocked: false,
  };
  const changes: Change[] = [{ op: "put", collection: "attributes", row: attribute }];
  // Cal.com creates the given options only for the select types and ignores them for the others.
  if (hasOptions(input.type)) {
    // Option slugs need not be unique (Cal.com's schema has no such constraint).
    for (const o of input.options) {
      const option = newOption(attribute.id, o.value, o.slug);
      changes.push({ op: "put", collection: "attributeOptions", row: option });
    }
  }
  await db.commit(changes);
  return attribute;
}

export async function updateAttribute(
  db: Database,
  orgId: number,
  attributeId: string,
  input: Schemas["UpdateOrganizationAttributeInput"],
): Promise<Attribute> {
  // A Prisma update of a row that is not there: the record-not-found rule.
  const current = attributeInOrg(db.store, orgId, attributeId, recordNotFound);
  if (input.slug !== undefined) assertSlugFree(db.store, orgId, input.slug, current.id);
  // An update that sets no column writes nothing (and so leaves updatedAt alone).
  if (input.name === undefined && input.slug === undefined && input.type === undefined && input.enabled === undefined) return current;
  const updated: Attribute = {
    ...current,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.slug !== undefined && { slug: input.slug }),
    ...(input.type !== undefined && { type: input.type }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    updatedAt: isoNow(),
  };
  await db.commit([{ op: "put", collection: "attributes", row: updated }]);
  return updated;
}

/** Deletes the attribute with its options and their assignments, as Cal.com's cascading foreign keys do. */
export async function deleteAttribute(db: Database, orgId: number, attributeId: string, actor: Actor): Promise<Attribute> {
  const attribute = attributeInOrg(db.store, orgId, attributeId, recordNotFound);
  const changes: Change[] = [];
  for (const option of db.store.optionsByAttribute.get(attribute.id)?.values() ?? []) {
    changes.push(...removeOptionChanges(db.store, attribute, option, actor, "deleteAttribute"));
  }
  changes.push({ op: "del", collection: "attributes", id: attribute.id });
  await db.commit(changes);
  return attribute;
}
