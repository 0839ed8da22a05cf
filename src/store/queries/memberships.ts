import type { Schemas } from "../../contract/types.js";
import { missingReference, notFound, recordNotFound, uniqueConflict, unprocessable } from "../../errors.js";
import type { Database } from "../database.js";
import type { Change, Membership, Role } from "../schema.js";
import type { Store } from "../store.js";
import { membershipRemovalChanges } from "./scheduling-cascades.js";

type MembershipOutput = Schemas["TeamMembershipOutput"];
type OrgMembershipAttribute = Schemas["OrganizationMembershipOutput"]["attributes"][number];

/** The membership fields every membership answer carries. */
function membershipFields(m: Membership): Omit<MembershipOutput, "user"> {
  return { id: m.id, userId: m.userId, teamId: m.teamId, accepted: m.accepted, role: m.role, disableImpersonation: m.disableImpersonation ?? false };
}

/** A membership with its user's public fields, as Cal.com's team membership output has it (null metadata left out). */
export function toMembershipOutput(store: Store, m: Membership): MembershipOutput {
  const user = store.get("users", m.userId);
  return {
    ...membershipFields(m),
    user: {
      avatarUrl: user?.avatarUrl ?? null,
      username: user?.username ?? null,
      name: user?.name ?? null,
      email: user?.email ?? "",
      bio: user?.bio ?? null,
      ...(user?.metadata != null && { metadata: user.metadata }),
    },
  };
}

/**
 * The member's attribute values, grouped by attribute in the order of their first assignment, as current Cal.com's
 * organization membership answers carry them. (USER_RELATIONSHIP attributes have no shape there and are left out.)
 */
export function membershipAttributes(store: Store, membershipId: number): OrgMembershipAttribute[] {
  const byAttribute = new Map<string, OrgMembershipAttribute>();
  for (const optionId of store.assignmentsByMember.get(membershipId)?.keys() ?? []) {
    const option = store.get("attributeOptions", optionId);
    const attribute = option && store.get("attributes", option.attributeId);
    if (!option || !attribute) continue;
    const base = { id: attribute.id, name: attribute.name };
    switch (attribute.type) {
      case "TEXT":
        byAttribute.set(attribute.id, { ...base, type: "text", option: option.value, optionId: option.id });
        break;
      case "NUMBER": {
        // Cal.com converts the value with a unary plus: a value that is not a number (an option renamed to text)
        // gives NaN, which its JSON answer writes as null.
        const value = Number(option.value);
        byAttribute.set(attribute.id, { ...base, type: "number", option: Number.isNaN(value) ? null : value, optionId: option.id });
        break;
      }
      case "SINGLE_SELECT":
        byAttribute.set(attribute.id, { ...base, type: "singleSelect", option: option.value, optionId: option.id });
        break;
      case "MULTI_SELECT": {
        let entry = byAttribute.get(attribute.id);
        if (!entry) {
          entry = { ...base, type: "multiSelect", options: [] };
          byAttribute.set(attribute.id, entry);
        }
        if (entry.type === "multiSelect") entry.options.push({ optionId: option.id, option: option.value });
        break;
      }
      default:
        break;
    }
  }
  return [...byAttribute.values()];
}

export function toOrgMembershipOutput(store: Store, m: Membership): Schemas["OrganizationMembershipOutput"] {
  return { ...toMembershipOutput(store, m), attributes: membershipAttributes(store, m.id) };
}

/** A team's (or organization's) memberships ordered by id, as Cal.com's paginated queries return them. */
/** A team's (or an organization's) memberships, accepted and pending, by id; kept until the next write. */
export function membershipsOfTeam(store: Store, teamId: number): readonly Membership[] {
  return store.memo(`membershipsOfTeam:${teamId}`, () => {
    const list: Membership[] = [];
    for (const userId of store.userIdsByTeam.get(teamId) ?? []) {
      const m = store.membershipByTeamUser.get(`${teamId}:${userId}`);
      if (m) list.push(m);
    }
    return list.sort((a, b) => a.id - b.id);
  }, { collections: ["memberships"] });
}

/**
 * A page of a team's memberships; with `emails` (lower-cased already, as Cal.com's input makes them), only those
 * of users whose stored email is one of them, compared exactly as Cal.com's `email: {in}` compares.
 */
export function listMemberships(store: Store, teamId: number, skip: number, take: number, emails?: readonly string[]): Membership[] {
  const all = membershipsOfTeam(store, teamId);
  if (!emails) return all.slice(skip, skip + take);
  const wanted = new Set(emails);
  return all.filter((m) => wanted.has(store.get("users", m.userId)?.email ?? "")).slice(skip, skip + take);
}

/** A membership of this team, or undefined. */
export function membershipOfTeam(store: Store, teamId: number, membershipId: number): Membership | undefined {
  const m = store.get("memberships", membershipId);
  return m && m.teamId === teamId ? m : undefined;
}

/** Cal.com's message when a team membership is not found by the team membership services. */
export function requireTeamMembership(store: Store, teamId: number, membershipId: number): Membership {
  const m = membershipOfTeam(store, teamId, membershipId);
  if (!m) throw notFound("Organization's Team membership not found");
  return m;
}

/**
 * Cal.com's auto-accept (OrganizationMembershipService.shouldAutoAccept): the organization is verified and its
 * auto-accept domain is the part of the user's email after the first "@", both trimmed and compared without case.
 */
export function shouldAutoAccept(store: Store, orgId: number, email: string): boolean {
  const settings = store.get("organizations", orgId)?.organizationSettings;
  if (!settings?.isOrganizationVerified || !settings.orgAutoAcceptEmail) return false;
  const domain = email.split("@")[1]?.trim().toLowerCase();
  return domain !== undefined && domain !== "" && domain === settings.orgAutoAcceptEmail.trim().toLowerCase();
}

/**
 * Removing a membership takes its attribute assignments and their history with it (cascading foreign keys), and
 * the user's place among the hosts of the team's event types (Cal.com's removeMember).
 */
export function removeMembershipChanges(store: Store, m: Membership): Change[] {
  const changes: Change[] = [];
  for (const assignment of store.assignmentsByMember.get(m.id)?.values() ?? []) {
    changes.push({ op: "del", collection: "attributeAssignments", id: assignment.id });
  }
  for (const entry of store.historyByMember.get(m.id) ?? []) changes.push({ op: "del", collection: "assignmentHistory", id: entry.id });
  // The user stops hosting the team's event types (scheduling-cascades.ts).
  changes.push(...membershipRemovalChanges(store, m));
  changes.push({ op: "del", collection: "memberships", id: m.id });
  return changes;
}

export interface MembershipInput {
  userId: number;
  role?: Role;
  accepted?: boolean;
  disableImpersonation?: boolean;
}

function newMembership(store: Store, teamId: number, input: MembershipInput): Membership {
  return {
    id: store.nextId("memberships"),
    userId: input.userId,
    teamId,
    role: input.role ?? "MEMBER",
    accepted: input.accepted ?? false,
    disableImpersonation: input.disableImpersonation ?? false,
  };
}

/**
 * POST /organizations/{orgId}/memberships: an upsert on (user, organization). An existing membership is
 * overwritten with the body, defaults included; no profile is created.
 */
export async function upsertOrgMembership(db: Database, orgId: number, input: MembershipInput): Promise<Membership> {
  const store = db.store;
  if (!store.get("users", input.userId)) throw missingReference();
  const existing = store.membershipByTeamUser.get(`${orgId}:${input.userId}`);
  const membership: Membership = existing
    ? { ...existing, role: input.role ?? "MEMBER", accepted: input.accepted ?? false, disableImpersonation: input.disableImpersonation ?? false }
    : newMembership(store, orgId, input);
  await db.commit([{ op: "put", collection: "memberships", row: membership }]);
  return membership;
}

/**
 * A plain insert into a team: a user already in it is a unique clash (409), an unknown user a missing reference
 * (400). With `requireProfileIn`, the user must have a profile in that organization (else 422), as the Orgs / Teams /
 * Memberships route demands.
 */
export async function addTeamMembership(db: Database, teamId: number, input: MembershipInput, requireProfileIn?: number): Promise<Membership> {
  const store = db.store;
  if (requireProfileIn !== undefined && !store.profilesByOrg.get(requireProfileIn)?.has(input.userId)) {
    throw unprocessable("User is not part of the Organization");
  }
  const user = store.get("users", input.userId);
  if (!user) throw missingReference();
  if (store.membershipByTeamUser.has(`${teamId}:${input.userId}`)) throw uniqueConflict();
  // A team of an organization whose auto-accept domain is the user's takes the user accepted, whatever was asked.
  const orgId = store.get("teams", teamId)?.parentId;
  const accepted = orgId != null && shouldAutoAccept(store, orgId, user.email) ? true : input.accepted;
  const membership = newMembership(store, teamId, { ...input, ...(accepted !== undefined && { accepted }) });
  await db.commit([{ op: "put", collection: "memberships", row: membership }]);
  return membership;
}

export async function updateMembership(db: Database, current: Membership, input: Omit<MembershipInput, "userId">): Promise<Membership> {
  const updated: Membership = {
    ...current,
    ...(input.role !== undefined && { role: input.role }),
    ...(input.accepted !== undefined && { accepted: input.accepted }),
    ...(input.disableImpersonation !== undefined && { disableImpersonation: input.disableImpersonation }),
  };
  await db.commit([{ op: "put", collection: "memberships", row: updated }]);
  return updated;
}

/** Deletes a team's membership; one that is not there is Prisma's "record not found" (404 NOT_FOUND). */
export async function deleteMembership(db: Database, teamId: number, membershipId: number): Promise<Membership> {
  const m = membershipOfTeam(db.store, teamId, membershipId);
  if (!m) throw recordNotFound();
  await db.commit(removeMembershipChanges(db.store, m));
  return m;
}

/**
 * DELETE /v2/teams/{teamId}/memberships/{membershipId}, through Cal.com's TeamService.removeMembers with isOrg
 * false: a membership that is not there is a 404 with the service's message; only the membership itself goes (the
 * event-type hosts Cal.com also removes are not modelled), even when the team is an organization.
 */
export async function removeTeamMember(db: Database, teamId: number, membershipId: number): Promise<Membership> {
  const m = membershipOfTeam(db.store, teamId, membershipId);
  if (!m) throw notFound(`Membership with id ${membershipId} not found in team ${teamId}`);
  await db.commit(removeMembershipChanges(db.store, m));
  return m;
}

/**
 * DELETE /organizations/{orgId}/memberships/{membershipId}, through TeamService.removeMembers with isOrg true
 * (removeFromOrganization): the org membership with its assignments, the user's memberships of the
 * organization's teams, the user's profile there, and on the user `organizationId` set to null and the username
 * made `<username>-<id>` (unique outside any organization). The user stays.
 */
export async function removeOrgMember(db: Database, orgId: number, membershipId: number): Promise<Membership> {
  const store = db.store;
  const m = membershipOfTeam(store, orgId, membershipId);
  if (!m) throw notFound(`Membership with id ${membershipId} within organization id ${orgId} not found`);
  const changes: Change[] = [];
  for (const teamId of store.teamsByParent.get(orgId)?.keys() ?? []) {
    const teamMembership = store.membershipByTeamUser.get(`${teamId}:${m.userId}`);
    if (teamMembership) changes.push(...removeMembershipChanges(store, teamMembership));
  }
  const profile = store.profilesByOrg.get(orgId)?.get(m.userId);
  if (profile) changes.push({ op: "del", collection: "profiles", id: profile.id });
  const user = store.get("users", m.userId);
  if (user) changes.push({ op: "put", collection: "users", row: { ...user, organizationId: null, username: `${user.username}-${user.id}` } });
  changes.push(...removeMembershipChanges(store, m));
  await db.commit(changes);
  return m;
}
