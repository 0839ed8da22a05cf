import type { RequiredRole } from "../contract/spec.js";
import { forbidden } from "../errors.js";
import type { Membership, Organization, User } from "../store/schema.js";
import type { Store } from "../store/store.js";
import { orgMembership } from "../store/queries/lookup.js";

/**
 * Cal.com's organization guards, in their order and with their messages: the id must name an organization
 * (else NestJS's bare 403), the caller must be an accepted member of it, and writes need ORG_ADMIN or ORG_OWNER.
 */
export function authorizeOrg(store: Store, orgId: number, user: User, required: RequiredRole): { org: Organization; membership: Membership } {
  const org = store.get("organizations", orgId);
  if (!org) throw forbidden("Forbidden resource");
  const membership = orgMembership(store, orgId, user.id);
  if (!membership) throw forbidden(`RolesGuard - User is not a member of the organization with id=${orgId}.`);
  if (required === "admin" && membership.role === "MEMBER") {
    throw forbidden(
      `RolesGuard - user with id=${user.id} does not have the minimum required role=ORG_ADMIN within organization with id=${orgId}.`,
    );
  }
  return { org, membership };
}
