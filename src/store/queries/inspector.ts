import { notFound } from "../../errors.js";
import type { AssignmentHistoryEntry, Attribute, Role, User } from "../schema.js";
import type { Store } from "../store.js";
import { attributeInOrg } from "./lookup.js";
import { membershipsOfTeam } from "./memberships.js";
import { teamsOfOrg } from "./teams.js";
import { holdersOf, teamMemberUserIds } from "./options.js";

/**
 * Read models of the web inspector (/__inspector), answered through /__admin: small pages of the organization
 * and its attributes, computed from the store's indexes, so the browser never needs the whole state.
 */

export interface Page<T> {
  total: number;
  skip: number;
  take: number;
  items: T[];
}

function page<T>(all: readonly T[], skip: number, take: number): Page<T> {
  return { total: all.length, skip, take, items: all.slice(skip, skip + take) };
}

function organization(store: Store, orgId: number) {
  const org = store.get("organizations", orgId);
  if (!org) throw notFound(`No organization with id ${orgId}`);
  return org;
}

export function organizationsSummary(store: Store) {
  return [...store.rows.organizations.values()].map((org) => {
    const memberships = membershipsOfTeam(store, org.id);
    const accepted = memberships.filter((m) => m.accepted).length;
    return {
      id: org.id,
      name: org.name,
      slug: org.slug,
      teams: teamsOfOrg(store, org.id).length,
      members: accepted,
      pendingInvitations: memberships.length - accepted,
      attributes: store.attributesByOrg.get(org.id)?.size ?? 0,
    };
  });
}

export function teamsSummary(store: Store, orgId: number) {
  organization(store, orgId);
  return teamsOfOrg(store, orgId).map((team) => {
    let members = 0;
    let pending = 0;
    for (const userId of store.userIdsByTeam.get(team.id) ?? []) {
      if (store.membershipByTeamUser.get(`${team.id}:${userId}`)?.accepted) members++;
      else pending++;
    }
    return { id: team.id, name: team.name, slug: team.slug, members, pendingInvitations: pending };
  });
}

export interface MemberFilter {
  /** Case-insensitive text in the name, username or email, or the user id. */
  q?: string | undefined;
  teamId?: number | undefined;
  status?: "accepted" | "pending" | undefined;
  role?: Role | undefined;
}

function memberTeams(store: Store, orgId: number, userId: number) {
  const teams: Array<{ id: number; name: string; role: Role; accepted: boolean }> = [];
  for (const team of teamsOfOrg(store, orgId)) {
    const m = store.membershipByTeamUser.get(`${team.id}:${userId}`);
    if (m) teams.push({ id: team.id, name: team.name, role: m.role, accepted: m.accepted });
  }
  return teams;
}

function userSummary(user: User | undefined, userId: number) {
  return { userId, username: user?.username ?? "", name: user?.name ?? "", email: user?.email ?? "" };
}

/** Members and pending invitations of an organization, filtered and paged. */
export function membersPage(store: Store, orgId: number, filter: MemberFilter, skip: number, take: number) {
  organization(store, orgId);
  const q = filter.q?.trim().toLowerCase();
  const inTeam = filter.teamId !== undefined ? store.userIdsByTeam.get(filter.teamId) : undefined;
  if (filter.teamId !== undefined && store.get("teams", filter.teamId)?.parentId !== orgId) throw notFound(`No team ${filter.teamId} in organization ${orgId}`);
  const matching = membershipsOfTeam(store, orgId).filter((m) => {
    if (filter.status && m.accepted !== (filter.status === "accepted")) return false;
    if (filter.role && m.role !== filter.role) return false;
    if (inTeam && !inTeam.has(m.userId)) return false;
    if (!q) return true;
    if (String(m.userId) === q) return true;
    const user = store.get("users", m.userId);
    return !!user && ((user.name ?? "").toLowerCase().includes(q) || user.username.toLowerCase().includes(q) || user.email.toLowerCase().includes(q));
  });
  const { items, ...rest } = page(matching, skip, take);
  return {
    ...rest,
    items: items.map((m) => ({
      ...userSummary(store.get("users", m.userId), m.userId),
      membershipId: m.id,
      role: m.role,
      accepted: m.accepted,
      teams: memberTeams(store, orgId, m.userId),
      options: store.assignmentsByMember.get(m.id)?.size ?? 0,
    })),
  };
}

const attributeSummary = (a: Attribute) => ({ id: a.id, name: a.name, slug: a.slug, type: a.type, enabled: a.enabled });

/** One member (or pending invitee): teams, and the attribute options held with their weights. */
export function memberDetail(store: Store, orgId: number, userId: number) {
  organization(store, orgId);
  const membership = store.membershipByTeamUser.get(`${orgId}:${userId}`);
  if (!membership) throw notFound(`User ${userId} is neither a member of organization ${orgId} nor invited to it`);
  const options = [];
  for (const assignment of store.assignmentsByMember.get(membership.id)?.values() ?? []) {
    const option = store.get("attributeOptions", assignment.attributeOptionId);
    const attribute = option && store.get("attributes", option.attributeId);
    if (!option || !attribute) continue;
    options.push({
      assignmentId: assignment.id,
      attribute: attributeSummary(attribute),
      option: { id: option.id, value: option.value, slug: option.slug },
      weight: assignment.weight,
    });
  }
  return {
    ...userSummary(store.get("users", userId), userId),
    membershipId: membership.id,
    role: membership.role,
    accepted: membership.accepted,
    teams: memberTeams(store, orgId, userId),
    options,
    history: store.historyByMember.get(membership.id)?.length ?? 0,
  };
}

/** A member's assignment history, newest first, paged by offset (the API pages by cursor). */
export function memberHistory(store: Store, orgId: number, userId: number, skip: number, take: number): Page<AssignmentHistoryEntry> {
  organization(store, orgId);
  const membership = store.membershipByTeamUser.get(`${orgId}:${userId}`);
  if (!membership) throw notFound(`User ${userId} is neither a member of organization ${orgId} nor invited to it`);
  const all = store.historyByMember.get(membership.id) ?? [];
  const items: AssignmentHistoryEntry[] = [];
  for (let i = all.length - 1 - skip; i >= 0 && items.length < take; i--) items.push(all[i]!);
  return { total: all.length, skip, take, items };
}

/** The organization's attributes with how many options and assignments each has. */
export function attributesPage(store: Store, orgId: number, q: string | undefined, skip: number, take: number) {
  organization(store, orgId);
  const needle = q?.trim().toLowerCase();
  const all = [...(store.attributesByOrg.get(orgId)?.values() ?? [])].filter(
    (a) => !needle || a.name.toLowerCase().includes(needle) || a.slug.includes(needle) || a.id === needle,
  );
  const { items, ...rest } = page(all, skip, take);
  return {
    ...rest,
    items: items.map((a) => {
      let assignments = 0;
      const options = store.optionsByAttribute.get(a.id);
      for (const option of options?.values() ?? []) assignments += store.assignmentsByOption.get(option.id)?.size ?? 0;
      return { ...attributeSummary(a), usersCanEditRelation: a.usersCanEditRelation, options: options?.size ?? 0, assignments };
    }),
  };
}

/** The API's filters of assigned options: holders in `teamIds`, and holders of one of `assignedOptionIds`. */
export interface HolderFilter {
  teamIds?: number[] | undefined;
  assignedOptionIds?: string[] | undefined;
}

/**
 * Who counts as a holder under the filters, as Cal.com's assigned-options listing reads them: a member of one of
 * the teams (when `teamIds` is given) who also holds one of `assignedOptionIds` (when given). Undefined: no filter.
 * Cal.com's 404 when no id of `assignedOptionIds` names an option someone holds is answered the same way here.
 */
function filteredUserIds(store: Store, orgId: number, filter: HolderFilter): ReadonlySet<number> | undefined {
  const teamUserIds = filter.teamIds ? teamMemberUserIds(store, orgId, filter.teamIds) : undefined;
  if (!filter.assignedOptionIds) return teamUserIds;
  const holders = holdersOf(store, orgId, filter.assignedOptionIds, teamUserIds);
  if (!holders) {
    throw notFound("Options provided in assignedOptionIds are not assigned to anyone, or the users are not part of the teams specified in teamIds filter.");
  }
  return holders;
}

/**
 * An attribute's options with their holder counts: all holders, and those the filters keep. An option is in
 * the API's assigned-options answer for the same filters exactly when it keeps at least one holder.
 */
export function optionsWithHolders(store: Store, orgId: number, attributeId: string, filter: HolderFilter, skip: number, take: number) {
  const attribute = attributeInOrg(store, orgId, attributeId);
  const users = filteredUserIds(store, orgId, filter);
  const all = [...(store.optionsByAttribute.get(attribute.id)?.values() ?? [])];
  const { items, ...rest } = page(all, skip, take);
  return {
    ...rest,
    attribute: { ...attributeSummary(attribute), usersCanEditRelation: attribute.usersCanEditRelation },
    items: items.map((option) => {
      const holderIds = store.holderUserIds(option.id);
      const matching = users ? holderIds.filter((id) => users.has(id)).length : holderIds.length;
      return { id: option.id, value: option.value, slug: option.slug, holders: holderIds.length, matchingHolders: matching };
    }),
  };
}

/** The holders of one option that the filters keep, with their weights, paged. */
export function optionHolders(store: Store, orgId: number, attributeId: string, optionId: string, filter: HolderFilter, skip: number, take: number) {
  const attribute = attributeInOrg(store, orgId, attributeId);
  const option = store.optionsByAttribute.get(attribute.id)?.get(optionId);
  if (!option) throw notFound("Attribute option not found");
  const users = filteredUserIds(store, orgId, filter);
  const holders = store.holderUserIds(option.id).filter((id) => !users || users.has(id));
  const { items, ...rest } = page(holders, skip, take);
  return {
    ...rest,
    items: items.map((userId) => {
      const membership = store.membershipByTeamUser.get(`${orgId}:${userId}`);
      const assignment = membership && store.assignmentsByOption.get(option.id)?.get(membership.id);
      return { ...userSummary(store.get("users", userId), userId), assignmentId: assignment?.id ?? null, weight: assignment?.weight ?? null };
    }),
  };
}
