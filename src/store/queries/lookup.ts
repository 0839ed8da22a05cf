import { notFound } from "../../errors.js";
import type { Attribute, Membership } from "../schema.js";
import type { Store } from "../store.js";

/** The lookups every query starts from; each refuses, with Cal.com's message, what is not in the organization. */

export function attributeInOrg(store: Store, orgId: number, attributeId: string): Attribute {
  const attribute = store.attributesByOrg.get(orgId)?.get(attributeId);
  if (!attribute) throw notFound("Attribute not found");
  return attribute;
}

export function attributeInOrgBySlug(store: Store, orgId: number, slug: string): Attribute {
  const attribute = store.attributeByOrgSlug.get(`${orgId}:${slug}`);
  if (!attribute) throw notFound("Attribute not found");
  return attribute;
}

/** An accepted membership of the organization itself. */
export function orgMembership(store: Store, orgId: number, userId: number): Membership | undefined {
  const membership = store.membershipByTeamUser.get(`${orgId}:${userId}`);
  return membership?.accepted ? membership : undefined;
}

export function requireOrgMember(store: Store, orgId: number, userId: number): Membership {
  const membership = orgMembership(store, orgId, userId);
  if (!membership) throw notFound("User is not a member of the organization");
  return membership;
}

/** The user ids assigned to an option, in assignment order (the store keeps the list; do not change it). */
export function assigneeUserIds(store: Store, optionId: string): readonly number[] {
  return store.holderUserIds(optionId);
}
