import type { Schemas } from "../../contract/types.js";
import { badRequest, uniqueConflict } from "../../errors.js";
import type { Database } from "../database.js";
import type { Change, Membership, Organization, Team, User } from "../schema.js";
import type { Store } from "../store.js";
import { removeMembershipChanges } from "./memberships.js";
import { teamDeletionChanges } from "./scheduling-cascades.js";
import { definedFields } from "./defined.js";
import { assertMetadata } from "./metadata.js";

type TeamOutput = Schemas["OrgTeamOutputDto"];
type CreateTeamInput = Schemas["CreateTeamInput"];
type UpdateTeamInput = Schemas["UpdateOrgTeamDto"];

/** A team as Cal.com answers it: null columns as null, Cal.com's column defaults filled in, null metadata left out. */
export function toTeamOutput(team: Team | Organization): TeamOutput {
  if ("isOrganization" in team) {
    // Organizations are stored with their name and slug only; the other columns are Cal.com's defaults.
    return { ...toTeamOutput({ id: team.id, name: team.name, slug: team.slug, parentId: null }), isOrganization: true };
  }
  return {
    id: team.id,
    parentId: team.parentId,
    name: team.name,
    slug: team.slug,
    logoUrl: team.logoUrl ?? null,
    calVideoLogo: team.calVideoLogo ?? null,
    appLogo: team.appLogo ?? null,
    appIconLogo: team.appIconLogo ?? null,
    bio: team.bio ?? null,
    hideBranding: team.hideBranding ?? false,
    isOrganization: false,
    isPrivate: team.isPrivate ?? false,
    hideBookATeamMember: team.hideBookATeamMember ?? false,
    ...(team.metadata != null && { metadata: team.metadata }),
    theme: team.theme ?? null,
    brandColor: team.brandColor ?? null,
    darkBrandColor: team.darkBrandColor ?? null,
    bannerUrl: team.bannerUrl ?? null,
    timeFormat: team.timeFormat ?? null,
    timeZone: team.timeZone ?? "Europe/London",
    weekStart: team.weekStart ?? "Sunday",
  };
}

/** A team or an organization by id (they share one id space). */
export function teamOrOrganization(store: Store, id: number): Team | Organization | undefined {
  return store.get("teams", id) ?? store.get("organizations", id);
}

/** An organization's teams ordered by id. */
/** The organization's teams by id, from the teams-by-parent index; kept until the next write. */
export function teamsOfOrg(store: Store, orgId: number): readonly Team[] {
  return store.memo(`teamsOfOrg:${orgId}`, () => [...(store.teamsByParent.get(orgId)?.values() ?? [])].sort((a, b) => a.id - b.id), { collections: ["teams"] });
}

export function listOrgTeams(store: Store, orgId: number, skip: number, take: number): Team[] {
  return teamsOfOrg(store, orgId).slice(skip, skip + take);
}

/**
 * GET /organizations/{orgId}/teams/me: for an org ADMIN or OWNER (accepted or not) every team of the
 * organization, with the caller's membership where there is one; for anyone else the teams the caller has a
 * membership of (pending included).
 */
export function myOrgTeams(store: Store, orgId: number, userId: number, skip: number, take: number): Array<{ team: Team; membership?: Membership }> {
  const orgRole = store.membershipByTeamUser.get(`${orgId}:${userId}`)?.role;
  const all = orgRole === "ADMIN" || orgRole === "OWNER";
  const mine: Array<{ team: Team; membership?: Membership }> = [];
  for (const team of teamsOfOrg(store, orgId)) {
    const membership = store.membershipByTeamUser.get(`${team.id}:${userId}`);
    if (membership) mine.push({ team, membership });
    else if (all) mine.push({ team });
  }
  return mine.slice(skip, skip + take);
}

/** Every team and organization the user has a membership of (pending included), by id. */
export function teamsOfUser(store: Store, userId: number): Array<Team | Organization> {
  const teams: Array<Team | Organization> = [];
  for (const teamId of store.membershipsByUser.get(userId)?.keys() ?? []) {
    const team = teamOrOrganization(store, teamId);
    if (team) teams.push(team);
  }
  return teams.sort((a, b) => a.id - b.id);
}

/** Cal.com stores `timeFormat` of a team in an integer column but validates it as a string: it cannot be set. */
function refuseTimeFormat(input: { timeFormat?: string }): void {
  if (input.timeFormat !== undefined) {
    throw badRequest("timeFormat cannot be set on a team: Cal.com validates it as a string and fails storing it in its integer column");
  }
}

/** Slugs are unique among the teams of one organization (Cal.com's unique (slug, parentId); not enforced without a parent). */
function assertSlugFree(store: Store, parentId: number | null, slug: string | undefined, self?: number): void {
  if (slug === undefined || parentId === null) return;
  for (const team of store.teamsByParent.get(parentId)?.values() ?? []) {
    if (team.slug === slug && team.id !== self) throw uniqueConflict();
  }
}

function teamFields(input: CreateTeamInput | UpdateTeamInput): Partial<Team> {
  const { name, slug, logoUrl, calVideoLogo, appLogo, appIconLogo, bio, hideBranding, isPrivate, hideBookATeamMember, metadata, theme, brandColor, darkBrandColor, bannerUrl, timeZone, weekStart } = input;
  // Only an update carries these two (a create body has no such properties).
  const update: Partial<UpdateTeamInput> = "autoAcceptCreator" in input ? {} : input;
  return definedFields<Partial<Team>>({
    name, slug, logoUrl, calVideoLogo, appLogo, appIconLogo, bio, hideBranding, isPrivate, hideBookATeamMember, metadata, theme, brandColor, darkBrandColor, bannerUrl, timeZone, weekStart,
    bookingLimits: update.bookingLimits,
    includeManagedEventsInLimits: update.includeManagedEventsInLimits,
  });
}

/**
 * Creates a team (in an organization, or standalone with `parentId` null) and, unless the caller is a system
 * admin, the caller's OWNER membership of it, accepted as `autoAcceptCreator` says.
 */
export async function createTeam(db: Database, parentId: number | null, input: CreateTeamInput, creator: User): Promise<Team> {
  const store = db.store;
  assertMetadata(input.metadata);
  refuseTimeFormat(input);
  assertSlugFree(store, parentId, input.slug);
  const team: Team = { id: store.nextId("teams"), ...teamFields(input), name: input.name, slug: input.slug ?? null, parentId };
  const changes: Change[] = [{ op: "put", collection: "teams", row: team }];
  if (creator.role !== "ADMIN") {
    const membership: Membership = {
      id: store.nextId("memberships"),
      userId: creator.id,
      teamId: team.id,
      role: "OWNER",
      accepted: input.autoAcceptCreator ?? true,
      disableImpersonation: false,
    };
    changes.push({ op: "put", collection: "memberships", row: membership });
  }
  await db.commit(changes);
  return team;
}

/** POST /v2/teams refuses a second team of the same name among the caller's teams. */
export function assertNoTeamNamed(store: Store, userId: number, name: string): void {
  if (teamsOfUser(store, userId).some((t) => t.name === name)) throw badRequest(`You already have created a team with name=${name}`);
}

/** The organizations themselves are not changed through the team routes by the mock (see the README). */
function requireTeam(store: Store, id: number): Team {
  const team = store.get("teams", id);
  if (!team) throw badRequest(`Team ${id} is an organization: calcom-mock does not update or delete organizations through the team routes`);
  return team;
}

export async function updateTeam(db: Database, teamId: number, input: UpdateTeamInput): Promise<Team> {
  const current = requireTeam(db.store, teamId);
  assertMetadata(input.metadata);
  refuseTimeFormat(input);
  assertSlugFree(db.store, current.parentId, input.slug, current.id);
  const updated: Team = { ...current, ...teamFields(input) };
  await db.commit([{ op: "put", collection: "teams", row: updated }]);
  return updated;
}

/** Deletes a team with its memberships (and anything hanging on them), as Cal.com's cascades do. */
export async function deleteTeam(db: Database, teamId: number): Promise<Team> {
  const store = db.store;
  const team = requireTeam(store, teamId);
  const changes: Change[] = [];
  for (const userId of store.userIdsByTeam.get(team.id) ?? []) {
    const m = store.membershipByTeamUser.get(`${team.id}:${userId}`);
    if (m) changes.push(...removeMembershipChanges(store, m));
  }
  changes.push(...teamDeletionChanges(store, team.id));
  changes.push({ op: "del", collection: "teams", id: team.id });
  await db.commit(changes);
  return team;
}
