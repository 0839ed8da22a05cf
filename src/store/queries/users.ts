import type { Schemas } from "../../contract/types.js";
import { badRequest, conflict, recordNotFound, uniqueConflict } from "../../errors.js";
import type { Database } from "../database.js";
import { isoNow } from "../clock.js";
import { slugify } from "../ids.js";
import type { Change, CollectionName, Membership, Profile, User } from "../schema.js";
import type { MemoDeps, Store } from "../store.js";
import { removeMembershipChanges } from "./memberships.js";
import { userDeletionChanges } from "./scheduling-cascades.js";
import { definedFields } from "./defined.js";
import { sharedOutput } from "../shared-output.js";
import { assertMetadata } from "./metadata.js";

type OrgUserOutput = Schemas["GetOrgUsersWithProfileOutput"];
type CreateUserInput = Schemas["CreateOrganizationUserInput"];
type UpdateUserInput = Schemas["UpdateOrganizationUserInput"];
type UpdateMeInput = Schemas["UpdateManagedUserInput"];

/** A user as Cal.com's org user answers have it: Cal.com's column defaults filled in, null metadata left out. */
export function toOrgUserOutput(user: User, profile: Profile | undefined): OrgUserOutput {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    emailVerified: user.emailVerified ?? null,
    bio: user.bio ?? null,
    avatarUrl: user.avatarUrl ?? null,
    timeZone: user.timeZone ?? "Europe/London",
    weekStart: user.weekStart ?? "Sunday",
    appTheme: user.appTheme ?? null,
    theme: user.theme ?? null,
    defaultScheduleId: user.defaultScheduleId ?? null,
    locale: user.locale ?? null,
    timeFormat: user.timeFormat === undefined ? 12 : user.timeFormat,
    hideBranding: user.hideBranding ?? false,
    brandColor: user.brandColor ?? null,
    darkBrandColor: user.darkBrandColor ?? null,
    allowDynamicBooking: user.allowDynamicBooking === undefined ? true : user.allowDynamicBooking,
    createdDate: user.createdDate ?? EPOCH,
    verified: user.verified ?? false,
    invitedTo: user.invitedTo ?? null,
    ...(user.metadata != null && { metadata: user.metadata }),
    profile: profile ? { id: profile.id, organizationId: profile.organizationId, userId: profile.userId, username: profile.username } : {},
  };
}

/** The sign-up date shown for a user loaded without one. */
const EPOCH = "2024-01-01T00:00:00.000Z";

/** Each listed user's output, handed out again while its user and profile rows stay (a write puts new rows). */
const listedUsers = new WeakMap<User, { profile: Profile | undefined; output: OrgUserOutput }>();

function listedUser(user: User, profile: Profile | undefined): OrgUserOutput {
  const kept = listedUsers.get(user);
  if (kept !== undefined && kept.profile === profile) return kept.output;
  const output = sharedOutput(toOrgUserOutput(user, profile));
  listedUsers.set(user, { profile, output });
  return output;
}

export function profileOf(store: Store, orgId: number, userId: number): Profile | undefined {
  return store.profilesByOrg.get(orgId)?.get(userId);
}

export interface OrgUsersQuery {
  skip: number;
  take: number;
  emails?: string[] | undefined;
  teamIds?: number[] | undefined;
  assignedOptionIds?: string[] | undefined;
  attributeQueryOperator?: "AND" | "OR" | "NONE" | undefined;
}

/** Whether the user has a membership (any role, accepted or not) of at least one of the teams. */
function inAnyTeam(store: Store, userId: number, teamIds: readonly number[]): boolean {
  const memberships = store.membershipsByUser.get(userId);
  return memberships !== undefined && teamIds.some((id) => memberships.has(id));
}

/** The organization's users by profile, by user id: Cal.com's list without attribute filters. */
function usersWithProfile(store: Store, orgId: number): readonly number[] {
  return store.memo(`orgUserIds:${orgId}`, () => [...(store.profilesByOrg.get(orgId)?.keys() ?? [])].sort((a, b) => a - b), { collections: ["profiles"] });
}

/**
 * The org membership ids the attribute filter selects, in Cal.com's order. Cal.com walks the assignment rows
 * ordered by their id and keeps each member's first row that passes the operator's row condition: under AND any of
 * the member's rows (once the member holds every listed option), under OR a row of a listed option, under NONE a
 * row of an unlisted option (so NONE selects members holding at least one option that is not listed, not members
 * holding none of them). A member's place is therefore the smallest id among those rows.
 */
function membersByAttributeFilter(store: Store, orgId: number, optionIds: readonly string[], operator: "AND" | "OR" | "NONE"): readonly number[] {
  return store.memo(`attributeFilter:${orgId}:${operator}:${optionIds.join(",")}`, () => {
    const listed = new Set(optionIds);
    const firstRow = new Map<number, string>();
    const consider = (memberId: number, rowId: string) => {
      const seen = firstRow.get(memberId);
      if (seen === undefined || rowId < seen) firstRow.set(memberId, rowId);
    };
    const isOrgMembership = (memberId: number) => store.get("memberships", memberId)?.teamId === orgId;
    if (operator === "AND") {
      const holders = optionIds.map((id) => store.assignmentsByOption.get(id));
      if (holders.some((h) => h === undefined || h.size === 0)) return [];
      const smallest = holders.reduce((a, b) => (a!.size <= b!.size ? a : b))!;
      for (const memberId of smallest.keys()) {
        if (!isOrgMembership(memberId) || !holders.every((h) => h!.has(memberId))) continue;
        for (const row of store.assignmentsByMember.get(memberId)!.values()) consider(memberId, row.id);
      }
    } else if (operator === "OR") {
      for (const optionId of listed) {
        for (const [memberId, row] of store.assignmentsByOption.get(optionId) ?? []) if (isOrgMembership(memberId)) consider(memberId, row.id);
      }
    } else {
      for (const [memberId, rows] of store.assignmentsByMember) {
        if (!isOrgMembership(memberId)) continue;
        for (const [optionId, row] of rows) if (!listed.has(optionId)) consider(memberId, row.id);
      }
    }
    return [...firstRow.entries()].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([memberId]) => memberId);
  }, (members) =>
    // Who holds the listed options decides who is in; under AND, everything a member in holds decides the order.
    operator === "NONE"
      ? { collections: ["memberships", "attributeAssignments"] }
      : { collections: ["memberships"], options: optionIds, ...(operator === "AND" && { members }) },
  );
}

/**
 * What listOrgUsers reads, for the response cache (src/routes/read-deps.ts): users, profiles and memberships, and
 * with an attribute filter, the holders of its options (NONE: every assignment) and, under AND, everything the
 * selected members hold, which decides their order.
 */
export function orgUsersReads(store: Store, orgId: number, q: Pick<OrgUsersQuery, "assignedOptionIds" | "attributeQueryOperator">): MemoDeps {
  const collections: CollectionName[] = ["users", "profiles", "memberships", "teams"];
  const ids = q.assignedOptionIds;
  if (!ids) return { collections };
  const operator = q.attributeQueryOperator ?? "AND";
  if (operator === "NONE") return { collections: [...collections, "attributeAssignments"] };
  return { collections, options: ids, ...(operator === "AND" && { members: membersByAttributeFilter(store, orgId, ids, operator) }) };
}

/**
 * GET /organizations/{orgId}/users. Without `assignedOptionIds`: users with a profile in the organization, by id.
 * With it: members by their org membership's assignments (see membersByAttributeFilter), profile or not. Both take
 * `teamIds`. Cal.com fails (500) on `emails` together with `assignedOptionIds`; the mock refuses it with a 400.
 */
export function listOrgUsers(store: Store, orgId: number, q: OrgUsersQuery): OrgUserOutput[] {
  const out: OrgUserOutput[] = [];
  let skipped = 0;
  // As on the attribute routes, only this organization's teams (and the organization itself) count: Cal.com does
  // not check, but another organization's team memberships are not this caller's to probe.
  const teamIds = q.teamIds?.filter((id) => id === orgId || store.teamsByParent.get(orgId)?.has(id));
  const take = (userId: number): boolean => {
    if (teamIds && !inAnyTeam(store, userId, teamIds)) return true;
    if (skipped < q.skip) {
      skipped++;
      return true;
    }
    const user = store.get("users", userId);
    if (user) out.push(listedUser(user, profileOf(store, orgId, userId)));
    return out.length < q.take;
  };
  if (q.assignedOptionIds) {
    if (q.emails) {
      throw badRequest("emails cannot be combined with assignedOptionIds: Cal.com fails on this combination (500), so it has no answer to imitate");
    }
    for (const memberId of membersByAttributeFilter(store, orgId, q.assignedOptionIds, q.attributeQueryOperator ?? "AND")) {
      const membership = store.get("memberships", memberId);
      if (membership && !take(membership.userId)) break;
    }
    return out;
  }
  if (q.emails) {
    const ids = new Set<number>();
    for (const email of q.emails) {
      const user = store.userByEmail.get(email);
      if (user && profileOf(store, orgId, user.id)) ids.add(user.id);
    }
    for (const userId of [...ids].sort((a, b) => a - b)) if (!take(userId)) break;
    return out;
  }
  for (const userId of usersWithProfile(store, orgId)) if (!take(userId)) break;
  return out;
}

/** IANA time zone names the runtime knows, plus the link names it accepts ("US/Eastern"), matched exactly. */
const TIME_ZONES = new Set(Intl.supportedValuesOf("timeZone"));
export function isTimeZone(name: string): boolean {
  if (TIME_ZONES.has(name) || name === "UTC") return true;
  try {
    // Intl accepts any letter case; a link name must be spelled as the database spells it, so its case is checked too.
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone !== undefined && /^[A-Z][A-Za-z0-9+_-]*(\/[A-Z0-9][A-Za-z0-9+_-]*)*$/.test(name);
  } catch {
    return false;
  }
}

function assertTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isTimeZone(timeZone)) throw badRequest(`timeZone must be a valid IANA time zone: ${timeZone}`);
}

/** `weekday` is declared by Cal.com's input but is no user column: Cal.com answers 500 when it is sent. */
function refuseWeekday(input: { weekday?: string }): void {
  if (input.weekday !== undefined) throw badRequest("weekday is not a user field: Cal.com fails storing it (500), so the mock refuses it");
}

/** The user columns the org user routes may set. */
function userFields(input: UpdateUserInput): Partial<User> {
  const { bio, metadata, brandColor, darkBrandColor, hideBranding, timeZone, theme, appTheme, timeFormat, defaultScheduleId, locale, avatarUrl } = input;
  return definedFields<Partial<User>>({ bio, metadata, brandColor, darkBrandColor, hideBranding, timeZone, theme, appTheme, timeFormat, defaultScheduleId, locale, avatarUrl });
}

/** The username Cal.com derives from an email: the local part and the domain's first label, slugified. */
export function usernameFromEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return slugify(`${local}-${domain.split(".")[0] ?? ""}`);
}

/**
 * POST /organizations/{orgId}/users, as current Cal.com: the user (verified, invited to the organization), its
 * profile under the username derived from the email, and its org membership (`organizationRole`, accepted as
 * `autoAccept` says). A `username` in the body replaces the user's username but not the profile's.
 */
export async function createOrgUser(db: Database, orgId: number, input: CreateUserInput): Promise<{ user: User; profile: Profile }> {
  const store = db.store;
  assertMetadata(input.metadata);
  refuseWeekday(input);
  assertTimeZone(input.timeZone);
  const email = input.email.toLowerCase();
  const username = input.username?.toLowerCase();
  const existing = store.userByEmail.get(email);
  if (existing && profileOf(store, orgId, existing.id)) throw conflict("A user already exists with that email");
  if (username !== undefined && store.profileByOrgUsername.has(`${orgId}:${username}`)) throw conflict("Username is already taken");
  // The email is unique across Cal.com, and usernames are unique within an organization (profiles and users).
  if (existing) throw uniqueConflict();
  const derived = usernameFromEmail(email);
  const finalUsername = username ?? derived;
  if (store.profileByOrgUsername.has(`${orgId}:${derived}`) || store.userByOrgUsername.has(`${orgId}:${finalUsername}`)) throw uniqueConflict();
  const user: User = {
    id: store.nextId("users"),
    username: finalUsername,
    name: null,
    email,
    organizationId: orgId,
    verified: true,
    invitedTo: orgId,
    createdDate: isoNow(),
    ...userFields(input),
  };
  const profile: Profile = { id: store.nextId("profiles"), userId: user.id, organizationId: orgId, username: derived };
  const membership: Membership = {
    id: store.nextId("memberships"),
    userId: user.id,
    teamId: orgId,
    role: input.organizationRole ?? "MEMBER",
    accepted: input.autoAccept ?? true,
    disableImpersonation: false,
  };
  await db.commit([
    { op: "put", collection: "users", row: user },
    { op: "put", collection: "profiles", row: profile },
    { op: "put", collection: "memberships", row: membership },
  ]);
  return { user, profile };
}

/**
 * PATCH /organizations/{orgId}/users/{userId}: a username any profile of the organization has (the user's own
 * included) is refused; the user must still carry the organization in its (deprecated) organizationId column.
 * The profile's username never changes.
 */
export async function updateOrgUser(db: Database, orgId: number, userId: number, input: UpdateUserInput): Promise<User> {
  const store = db.store;
  assertMetadata(input.metadata);
  refuseWeekday(input);
  assertTimeZone(input.timeZone);
  const username = input.username?.toLowerCase();
  if (username !== undefined && store.profileByOrgUsername.has(`${orgId}:${username}`)) throw conflict("Username is already taken");
  const current = store.get("users", userId);
  if (!current || current.organizationId !== orgId) throw recordNotFound();
  const email = input.email?.toLowerCase();
  if (email !== undefined && store.userByEmail.get(email) && store.userByEmail.get(email) !== current) throw uniqueConflict();
  const holder = username === undefined ? undefined : store.userByOrgUsername.get(`${orgId}:${username}`);
  if (holder && holder !== current) throw uniqueConflict();
  const updated: User = {
    ...current,
    ...userFields(input),
    ...(email !== undefined && { email }),
    ...(username !== undefined && { username }),
  };
  await db.commit([{ op: "put", collection: "users", row: updated }]);
  return updated;
}

/**
 * DELETE /organizations/{orgId}/users/{userId} deletes the user itself, with what Cal.com's cascades remove: every
 * membership (and its attribute assignments), every profile and the user's API keys.
 */
export async function deleteUser(db: Database, userId: number): Promise<User> {
  const store = db.store;
  const user = store.get("users", userId);
  if (!user) throw recordNotFound();
  const changes: Change[] = [];
  for (const membership of store.membershipsByUser.get(userId)?.values() ?? []) changes.push(...removeMembershipChanges(store, membership));
  for (const profile of store.profilesByUser.get(userId)?.values() ?? []) changes.push({ op: "del", collection: "profiles", id: profile.id });
  // API keys are few (one per keyed user), so they are looked through rather than indexed by user.
  for (const key of store.rows.apiKeys.values()) if (key.userId === userId) changes.push({ op: "del", collection: "apiKeys", id: key.id });
  // Their schedules, personal event types and the bookings they organize (scheduling-cascades.ts).
  changes.push(...userDeletionChanges(store, userId));
  changes.push({ op: "del", collection: "users", id: userId });
  await db.commit(changes);
  return user;
}

/**
 * GET /v2/me. The organization comes from the user's main profile: the one in the organization of the user's
 * organizationId column, else the first one; without a profile, the column itself and no `organization`.
 */
export function toMeOutput(store: Store, user: User, withOrganization: boolean): Schemas["MeOutput"] {
  const out: Schemas["MeOutput"] = {
    id: user.id,
    email: user.email,
    name: user.name,
    avatarUrl: user.avatarUrl ?? null,
    bio: user.bio ?? null,
    timeFormat: user.timeFormat ?? 12,
    defaultScheduleId: user.defaultScheduleId ?? null,
    weekStart: user.weekStart ?? "Sunday",
    timeZone: user.timeZone ?? "Europe/London",
    username: user.username,
    organizationId: user.organizationId ?? null,
  };
  if (!withOrganization) return out;
  const profiles = store.profilesByUser.get(user.id);
  const main = (user.organizationId != null ? profiles?.get(user.organizationId) : undefined) ?? profiles?.values().next().value;
  if (main) {
    const isPlatform = store.get("organizations", main.organizationId)?.isPlatform ?? false;
    return { ...out, organizationId: main.organizationId, organization: { id: main.organizationId, isPlatform } };
  }
  return out;
}

/** Cal.com capitalises each word of a time zone before checking it ("america/new_york" → "America/New_York"). */
function capitalizeTimeZone(timeZone: string): string {
  return timeZone.replace(/(^|[/_])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}

/**
 * PATCH /v2/me: the caller's own user; an applied email is taken as given (no format check, no lower-casing). As
 * current Cal.com's MeService (with the global `email-verification` feature on, as on cal.com): a changed email of
 * a user who is not platform-managed is not applied but kept, lower-cased, as
 * `metadata.emailChangeWaitingForVerification` until verified (the mock sends no mail and has no secondary emails
 * to swap with); a platform-managed user's is applied at once. A body with nothing to change writes nothing.
 */
export async function updateMe(db: Database, user: User, input: UpdateMeInput): Promise<User> {
  const store = db.store;
  const timeZone = input.timeZone === undefined ? undefined : capitalizeTimeZone(input.timeZone);
  assertMetadata(input.metadata);
  assertTimeZone(timeZone);
  const { name, timeFormat, defaultScheduleId, weekStart, locale, avatarUrl, bio } = input;
  let email = input.email;
  let metadata: User["metadata"] | undefined = input.metadata;
  if (email !== undefined && email !== "" && email !== user.email && user.isPlatformManaged !== true) {
    metadata = { ...(user.metadata ?? {}), ...(metadata ?? {}), emailChangeWaitingForVerification: email.toLowerCase() };
    email = undefined;
  }
  if (email !== undefined && store.userByEmail.get(email) && store.userByEmail.get(email)!.id !== user.id) throw uniqueConflict();
  const fields = definedFields<Partial<User>>({ email, name, timeFormat, defaultScheduleId, weekStart, timeZone, locale, avatarUrl, bio, metadata });
  if (Object.keys(fields).length === 0) return user;
  const updated: User = { ...user, ...fields };
  await db.commit([{ op: "put", collection: "users", row: updated }]);
  return updated;
}
