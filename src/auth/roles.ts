import type { RequiredRole } from "../contract/spec.js";
import { forbidden } from "../errors.js";
import type { Membership, Organization, User } from "../store/schema.js";
import type { Store } from "../store/store.js";
import { anyOrgMembership } from "../store/queries/lookup.js";


/**
 * Cal.com's organization guards, in their order and with their messages: the id must name an organization
 * (else NestJS's bare 403), the caller must be a member of it, and writes need ORG_ADMIN or ORG_OWNER. Like
 * Cal.com's RolesGuard (roles.guard.ts, canActivate), the membership is looked up without looking at `accepted`:
 * a pending invitee's key passes with the role of its invitation.
 */
export function authorizeOrg(store: Store, orgId: number, user: User, required: RequiredRole): { org: Organization; membership: Membership } {
  const org = store.get("organizations", orgId);
  if (!org) throw forbidden("Forbidden resource");
  const membership = anyOrgMembership(store, orgId, user.id);
  if (!membership) throw forbidden(`RolesGuard - User is not a member of the organization with id=${orgId}.`);
  if (required === "admin" && membership.role === "MEMBER") {
    throw forbidden(
      `RolesGuard - user with id=${user.id} does not have the minimum required role=ORG_ADMIN within organization with id=${orgId}.`,
    );
  }
  return { org, membership };
}
