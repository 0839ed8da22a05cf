import { forbidden, notFound, withDiagnostics } from "../errors.js";
import type { Membership, User } from "../store/schema.js";
import type { Store } from "../store/store.js";
import { authenticate } from "./api-key.js";

/** What the guards of one request see: the store, the caller's credentials and the validated path. */
export interface GuardContext {
  store: Store;
  headers: { authorization?: string | undefined; clientId?: string | undefined; secret?: string | undefined };
  path: { orgId?: number; teamId?: number; membershipId?: number; userId?: number };
}

type Guard = (ctx: GuardContext, caller: User | undefined, argument: string | undefined) => User | undefined;

const ORG_ROLES = ["ORG_OWNER", "ORG_ADMIN", "ORG_MEMBER"];
const TEAM_ROLES = ["TEAM_OWNER", "TEAM_ADMIN", "TEAM_MEMBER"];
/** Cal.com's platform plans, lowest first ("none" is the column's default). */
const PLANS = ["none", "FREE", "STARTER", "ESSENTIALS", "SCALE", "ENTERPRISE"];

/** Cal.com's ranking OWNER > ADMIN > MEMBER, within one list of roles. */
function reaches(role: Membership["role"], scope: "ORG" | "TEAM", required: string): boolean {
  const roles = scope === "ORG" ? ORG_ROLES : TEAM_ROLES;
  const have = roles.indexOf(`${scope}_${role}`);
  const need = roles.indexOf(required);
  return need >= 0 && have >= 0 && have <= need;
}

function refuseRole(user: User, required: string, orgId?: number, teamId?: number): never {
  let message = `RolesGuard - user with id=${user.id} does not have the minimum required role=${required} within`;
  if (orgId !== undefined) message += ` organization with id=${orgId}`;
  if (teamId !== undefined) message += ` team with id=${teamId}`;
  throw forbidden(`${message}.`);
}

/**
 * Cal.com's RolesGuard, evaluated live (Cal.com caches a positive decision for five minutes). Memberships count
 * whether accepted or not: a pending invitation grants its role. A system admin passes every check. With an
 * organization and a team in the path, an org ADMIN/OWNER counts as a team admin for TEAM_ roles.
 */
function rolesGuard(ctx: GuardContext, user: User | undefined, required = "ORG_MEMBER"): User | undefined {
  if (!user) throw forbidden("Forbidden resource");
  if (user.role === "ADMIN") return user;
  const { orgId, teamId } = ctx.path;
  const membership = (id: number) => ctx.store.membershipByTeamUser.get(`${id}:${user.id}`);
  const isTeamRole = TEAM_ROLES.includes(required);
  if (orgId !== undefined && teamId === undefined) {
    const org = membership(orgId);
    if (!org) throw forbidden(`RolesGuard - User is not a member of the organization with id=${orgId}.`);
    if (isTeamRole || !reaches(org.role, "ORG", required)) refuseRole(user, required, orgId);
    return user;
  }
  if (teamId !== undefined && orgId === undefined) {
    const team = membership(teamId);
    if (!team) throw forbidden(`RolesGuard - User is not a member of the team with id=${teamId}.`);
    if (!isTeamRole || !reaches(team.role, "TEAM", required)) refuseRole(user, required, undefined, teamId);
    return user;
  }
  if (orgId !== undefined && teamId !== undefined) {
    const org = membership(orgId);
    if (!org) throw forbidden(`RolesGuard - User is not part of the organization with id=${orgId}.`);
    if (!isTeamRole) {
      if (!reaches(org.role, "ORG", required)) refuseRole(user, required, orgId, teamId);
      return user;
    }
    if (org.role === "ADMIN" || org.role === "OWNER") return user;
    const team = membership(teamId);
    if (!team) {
      throw forbidden(
        `RolesGuard - User is not part of the team with id=${teamId} and/or, is not an admin nor an owner of the organization with id=${orgId}.`,
      );
    }
    if (!reaches(team.role, "TEAM", required)) refuseRole(user, required, orgId, teamId);
    return user;
  }
  return user;
}

const GUARDS: Record<string, Guard> = {
  ApiAuthGuard: (ctx) => authenticate(ctx.store, ctx.headers),
  /** The id must name an organization; anything else is NestJS's bare 403 (a missing org too, not 404). */
  IsOrgGuard: (ctx, user) => {
    if (ctx.path.orgId === undefined || !ctx.store.get("organizations", ctx.path.orgId)) throw forbidden("Forbidden resource");
    return user;
  },
  RolesGuard: (ctx, user, role) => rolesGuard(ctx, user, role),
  /**
   * A platform organization needs a subscription on the operation's plan (`PlatformPlanGuard:SCALE`; ESSENTIALS when
   * unnamed) or higher; other organizations pass.
   */
  PlatformPlanGuard: (ctx, user, minimum = "ESSENTIALS") => {
    const org = ctx.path.orgId === undefined ? undefined : ctx.store.get("organizations", ctx.path.orgId);
    if (!org?.isPlatform) return user;
    const billing = org.platformBilling;
    if (!billing?.subscriptionId || PLANS.indexOf(billing.plan) < PLANS.indexOf(minimum)) {
      throw forbidden(`Platform plan - you do not have required plan for this operation. Minimum plan is ${minimum}.`);
    }
    return user;
  },
  /** Cal.com refuses a (non-platform) organization with no settings row at all; the row's flag is not read. */
  IsAdminAPIEnabledGuard: (ctx, user) => {
    const org = ctx.path.orgId === undefined ? undefined : ctx.store.get("organizations", ctx.path.orgId);
    if (org && !org.isPlatform && org.organizationSettings === null) {
      throw forbidden("Organization does not have Admin API access, please contact https://cal.com/sales to upgrade");
    }
    return user;
  },
  IsTeamInOrg: (ctx, user) => {
    const { orgId, teamId } = ctx.path;
    if (teamId === undefined || orgId === undefined || !ctx.store.teamsByParent.get(orgId)?.has(teamId)) throw notFound(`IsTeamInOrg - Team (${teamId}) not found.`);
    return user;
  },
  IsMembershipInOrg: (ctx, user) => {
    const { orgId, membershipId } = ctx.path;
    const membership = membershipId === undefined ? undefined : ctx.store.get("memberships", membershipId);
    if (!membership || membership.teamId !== orgId) throw notFound(`IsMembershipInOrg - Membership (${membershipId}) not found.`);
    return user;
  },
  /** The path's user must have a profile in the organization (a membership is not enough). */
  IsUserInOrg: (ctx, user) => {
    const { orgId, userId } = ctx.path;
    if (orgId === undefined || userId === undefined || !ctx.store.profilesByOrg.get(orgId)?.has(userId)) throw forbidden("Forbidden resource");
    return user;
  },
  /** The path's user must have a profile in the organization and a membership (pending too) of the path's team. */
  IsUserInOrgTeam: (ctx, user) => {
    const { orgId, teamId, userId } = ctx.path;
    if (orgId === undefined || userId === undefined || !ctx.store.profilesByOrg.get(orgId)?.has(userId)) {
      throw withDiagnostics(forbidden("Forbidden resource"), `user ${userId} has no profile in organization ${orgId}`);
    }
    if (teamId === undefined || !ctx.store.membershipByTeamUser.has(`${teamId}:${userId}`)) {
      throw withDiagnostics(forbidden("Forbidden resource"), `user ${userId} is not a member of team ${teamId}`);
    }
    return user;
  },
};

/**
 * Runs an operation's guards in order and answers the authenticated caller; a refusal throws Cal.com's error. A
 * public operation (`security: []`) may run guards without ApiAuthGuard (Cal.com's organization team event types
 * list has only IsOrgGuard, IsTeamInOrg and IsAdminAPIEnabledGuard): its caller stays anonymous.
 */
export function runGuards(names: readonly string[], ctx: GuardContext, anonymous = false): User | undefined {
  let user: User | undefined;
  for (const name of names) {
    const [guardName, argument] = name.split(":");
    const guard = GUARDS[guardName!];
    if (!guard) throw new Error(`Unknown guard ${name} in x-calcom-guards`);
    user = guard(ctx, user, argument);
  }
  // Every other operation with guards authenticates; one whose list forgot ApiAuthGuard fails loudly here.
  if (!user && !anonymous) throw new Error("x-calcom-guards must include ApiAuthGuard");
  return user;
}
