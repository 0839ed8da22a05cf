import { notFound } from "../../errors.js";
import type { Attribute, Membership } from "../schema.js";
import type { Store } from "../store.js";

/** The lookups every query starts from; each refuses, with Cal.com's message, what is not in the organization. */

export function findAttributeInOrg(store: Store, orgId: number, attributeId: string): Attribute | undefined {
  return store.attributesByOrg.get(orgId)?.get(attributeId);
}

export function findAttributeInOrgBySlug(store: Store, orgId: number, slug: string): Attribute | undefined {
  return store.attributeByOrgSlug.get(`${orgId}:${slug}`);
}

/** The attribute, or the given error (Cal.com's services answer "Attribute not found"; Prisma's updates NOT_FOUND). */
export function attributeInOrg(store: Store, orgId: number, attributeId: string, missing: () => Error = () => notFound("Attribute not found")): Attribute {
  const attribute = findAttributeInOrg(store, orgId, attributeId);
  if (!attribute) throw missing();
  return attribute;
}

/** An accepted membership of the organization itself. */
export function orgMembership(store: Store, orgId: number, userId: number): Membership | undefined {
  const membership = store.membershipByTeamUser.get(`${orgId}:${userId}`);
  return membership?.accepted ? membership : undefined;
}

/**
 * The user's membership of the organization, accepted or not: the role guard reads it so, and so does the
 * listing of a user's options, which has no membership check of its own.
 */
export function anyOrgMembership(store: Store, orgId: number, userId: number): Membership | undefined {
  return store.membershipByTeamUser.get(`${orgId}:${userId}`);
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
