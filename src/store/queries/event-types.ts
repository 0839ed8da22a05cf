/**
 * Event types, as Cal.com's event type services (2024-06-14, teams, organizations' teams) keep them: who may read
 * one, the lists (by username, the caller's own, a team's, an organization's), creating, updating and deleting
 * personal and team event types, team hosts taken from the directory's memberships, and managed event types with
 * one copy per member (parentId). Deleting goes through the cascades module.
 */
import { badRequest, forbidden, HttpError, notFound, withDiagnostics } from "../../errors.js";
import type { Database } from "../database.js";
import type { Change, EventType, Host, Membership, Organization, Team, User } from "../schema.js";
import type { Store } from "../store.js";
import { assertCombination, assertEmailAccessible, assertNoCalendarFields, checkEntries, eventTypeColumns, slugifyLenient, trpcBadRequest, type EventTypeInput } from "./event-type-input.js";
import { bookingUrl, CAL_VIDEO, managedChildren, PRIORITIES, toEventTypeOutput, userOutput, withoutHiddenFields, type BookingFieldOutput, type EventTypeOutput } from "./event-type-output.js";
import { eventTypeDeletionChanges } from "./scheduling-cascades.js";

export type SortOrder = "asc" | "desc";

function sortById(list: EventType[], order: SortOrder | undefined): EventType[] {
  // Without an order Cal.com answers in database order: the mock's is creation (id) order.
  return list.sort((a, b) => (order === "desc" ? b.id - a.id : a.id - b.id));
}

// ---- Who is who ----

function isAdminOrOwner(m: Membership | undefined): boolean {
  return m !== undefined && m.accepted && (m.role === "ADMIN" || m.role === "OWNER");
}

function organizationsBySlug(store: Store): Map<string, Organization> {
  return store.memo("eventTypes:orgsBySlug", () => new Map([...store.rows.organizations.values()].map((o) => [o.slug, o])));
}

/** Users by username (not unique across organizations), built once per write and kept in creation order. */
function usersNamed(store: Store, username: string): readonly User[] {
  const byName = store.memo("eventTypes:usersByUsername", () => {
    const map = new Map<string, User[]>();
    for (const u of store.rows.users.values()) {
      const list = map.get(u.username);
      if (list) list.push(u);
      else map.set(u.username, [u]);
    }
    return map;
  });
  return byName.get(username) ?? [];
}

/** Cal.com's findByUsername: within an organization by the profile's username, else the first user so named. */
export function findUserByUsername(store: Store, username: string, orgSlug?: string, orgId?: number): User | undefined {
  if (orgSlug !== undefined || orgId !== undefined) {
    const org = orgSlug !== undefined ? organizationsBySlug(store).get(orgSlug) : store.get("organizations", orgId!);
    const profile = org ? store.profileByOrgUsername.get(`${org.id}:${username}`) : undefined;
    return profile ? store.get("users", profile.userId) : undefined;
  }
  return usersNamed(store, username)[0];
}

/** Whether the caller is an admin or owner of an organization the other user belongs to (Cal.com's membership check). */
function isOrgAdminOf(store: Store, callerId: number, userId: number): boolean {
  for (const [teamId, m] of store.membershipsByUser.get(callerId) ?? []) {
    if (!isAdminOrOwner(m) || !store.get("organizations", teamId)) continue;
    if (store.membershipByTeamUser.has(`${teamId}:${userId}`)) return true;
  }
  return false;
}

/**
 * Cal.com's EventTypeAccessService: a system admin, the owner, a host, an admin or owner of the event type's team
 * or of its organization, or an admin or owner of an organization the owner belongs to may read an event type.
 */
export function canReadEventType(store: Store, caller: User, e: EventType): boolean {
  if (caller.role === "ADMIN" || e.userId === caller.id) return true;
  if ((e.hosts ?? []).some((h) => h.userId === caller.id)) return true;
  if (e.teamId != null) {
    if (isAdminOrOwner(store.membershipByTeamUser.get(`${e.teamId}:${caller.id}`))) return true;
    const parentId = store.get("teams", e.teamId)?.parentId;
    if (parentId != null && isAdminOrOwner(store.membershipByTeamUser.get(`${parentId}:${caller.id}`))) return true;
  }
  return e.userId != null && isOrgAdminOf(store, caller.id, e.userId);
}

// ---- Personal event types (Event Types, 2024-06-14) ----

export interface EventTypesQuery {
  username?: string;
  eventSlug?: string;
  usernames?: string;
  orgSlug?: string;
  orgId?: number;
  sortCreatedAt?: SortOrder;
}

/** The synthetic group event of `usernames` (Cal.com's dynamicEvent), with the users it found. */
function dynamicEventType(store: Store, users: User[]): EventTypeOutput {
  const row: EventType = {
    id: 0,
    title: "Group Meeting",
    slug: "dynamic",
    description: "Join us for a meeting with multiple people",
    length: 30,
    userId: null,
    teamId: null,
    locations: [{ ...CAL_VIDEO }],
    bookingFields: [],
    disableGuests: true,
    successRedirectUrl: "",
    eventName: "Group Meeting",
    metadata: { multipleDuration: [15, 30, 45, 60, 90] },
    periodCountCalendarDays: true,
  };
  return { ...toEventTypeOutput(store, row, 0), users: users.map(userOutput), bookingUrl: bookingUrl(store, users[0], row.slug) };
}

/** GET /v2/event-types, as Cal.com's getEventTypes chooses by the query; booking fields marked hidden are left out. */
export function listEventTypes(store: Store, query: EventTypesQuery, caller: User | undefined): EventTypeOutput[] {
  const { username, eventSlug, usernames, orgSlug, orgId, sortCreatedAt } = query;
  let rows: EventType[] = [];
  if (username && eventSlug) {
    const user = findUserByUsername(store, username, orgSlug, orgId);
    const e = user ? store.eventTypeBySlug.get(`${user.id}:${eventSlug}`) : undefined;
    // A hidden event type only for its owner.
    if (user && e && !(e.hidden && caller?.id !== user.id)) rows = [e];
  } else if (username) {
    const user = findUserByUsername(store, username, orgSlug, orgId);
    const own = user ? [...(store.eventTypesByOwner.get(user.id)?.values() ?? [])] : [];
    rows = sortById(caller?.id === user?.id ? own : own.filter((e) => !e.hidden), sortCreatedAt);
  } else if (usernames) {
    const users = usernames.split(",").map((u) => findUserByUsername(store, u.trim(), orgSlug, orgId)).filter((u): u is User => u !== undefined);
    return [withoutHiddenFields(dynamicEventType(store, users))];
  } else if (caller) {
    rows = sortById([...(store.eventTypesByOwner.get(caller.id)?.values() ?? [])], sortCreatedAt);
  }
  return rows.map((e) => withoutHiddenFields(toEventTypeOutput(store, e)));
}

/** GET /v2/event-types/{id}: the event type if the caller may read it; otherwise (or if absent) Cal.com's 404. */
export function readableEventType(store: Store, caller: User, id: number): EventType {
  const e = store.get("eventTypes", id);
  if (!e || !canReadEventType(store, caller, e)) {
    const error = notFound(`Event type with id ${id} not found`);
    throw e ? withDiagnostics(error, `user ${caller.id} is not its owner, a host, nor an admin of its team or organization`) : error;
  }
  return e;
}

function assertOwnsSchedule(store: Store, userId: number, scheduleId: number | null | undefined): void {
  if (!scheduleId) return;
  if (store.get("schedules", scheduleId)?.userId !== userId) throw notFound(`User with ID=${userId} does not own schedule with ID=${scheduleId}`);
}

const fieldsOf = (columns: Partial<EventType>) => columns.bookingFields as unknown as BookingFieldOutput[] | undefined;

/** POST /v2/event-types: the caller's new event type, with Cal.com's defaults for what the body leaves out. */
export async function createEventType(db: Database, caller: User, input: EventTypeInput & { lengthInMinutes: number; title: string; slug: string }): Promise<EventType> {
  const store = db.store;
  checkEntries(input, false);
  const columns = eventTypeColumns(input, undefined);
  assertCombination({ seatsPerTimeSlot: columns.seatsPerTimeSlot, locations: columns.locations, requiresConfirmation: columns.requiresConfirmation, recurringEvent: columns.recurringEvent });
  assertNoCalendarFields(input);
  assertEmailAccessible(fieldsOf(columns)!);
  const slug = columns.slug!;
  if (store.eventTypeBySlug.has(`${caller.id}:${slug}`)) throw badRequest("User already has an event type with this slug.");
  assertOwnsSchedule(store, caller.id, columns.scheduleId);
  const row: EventType = { id: store.nextSequenceId("eventTypes"), title: input.title, slug, length: input.lengthInMinutes, userId: caller.id, teamId: null, parentId: null, position: 0, ...columns };
  await db.commit([{ op: "put", collection: "eventTypes", row }]);
  return row;
}

/** A slug already used by another event type of the same owner: Cal.com's database refuses it in its tRPC handler. */
function assertSlugFree(store: Store, key: string, self: EventType, slug: string | undefined): void {
  if (slug === undefined || slug === self.slug) return;
  const other = store.eventTypeBySlug.get(key);
  if (other && other.id !== self.id) throw trpcBadRequest(`URL Slug already exists: another event type of this owner has slug ${slug}`);
}

/** PATCH /v2/event-types/{id}: only the owner (anyone else, or an unknown id: Cal.com's 404). */
export async function updateEventType(db: Database, caller: User, id: number, input: EventTypeInput): Promise<EventType> {
  const store = db.store;
  checkEntries(input, false);
  const found = store.get("eventTypes", id);
  const columns = eventTypeColumns(input, found, false);
  const next = { ...(found ?? { seatsPerTimeSlot: null, locations: [], requiresConfirmation: false, recurringEvent: null }), ...columns };
  assertCombination(next);
  assertNoCalendarFields(input);
  if (columns.bookingFields) assertEmailAccessible(fieldsOf(columns)!);
  if (!found || found.userId !== caller.id) {
    const error = notFound(`Event type with id ${id} not found`);
    throw found ? withDiagnostics(error, `only its owner (user ${found.userId ?? "none: a team event type"}) may update it`) : error;
  }
  assertOwnsSchedule(store, caller.id, columns.scheduleId);
  assertSlugFree(store, `${caller.id}:${columns.slug}`, found, columns.slug);
  const updated: EventType = { ...found, ...columns };
  await db.commit([{ op: "put", collection: "eventTypes", row: updated }]);
  return updated;
}

/** DELETE /v2/event-types/{id}: 404 if absent, 403 unless the caller owns it; its bookings stay, as in Cal.com. */
export async function deleteEventType(db: Database, caller: User, id: number): Promise<EventType> {
  const e = db.store.get("eventTypes", id);
  if (!e) throw notFound(`Event type with ID=${id} does not exist.`);
  if (e.userId !== caller.id) throw forbidden(`User with ID=${caller.id} does not own event type with ID=${id}`);
  await db.commit(eventTypeDeletionChanges(db.store, id));
  return e;
}

// ---- Team event types ----

const SCHEDULING_TYPES: Record<string, NonNullable<EventType["schedulingType"]>> = {
  collective: "COLLECTIVE",
  roundRobin: "ROUND_ROBIN",
  managed: "MANAGED",
  COLLECTIVE: "COLLECTIVE",
  ROUND_ROBIN: "ROUND_ROBIN",
  MANAGED: "MANAGED",
};

export const HOSTS_REQUIRED =
  "Hosts required when switching schedulingType. Please provide 'hosts' or set 'assignAllTeamMembers: true' to specify how hosts should be configured for the new scheduling type.";

/** A team's event types (not the members' managed copies), in database order or by id. */
export function teamEventTypes(store: Store, teamId: number, sort?: SortOrder): EventType[] {
  return sortById([...(store.eventTypesByTeam.get(teamId)?.values() ?? [])], sort);
}

/** The event types of every team of an organization, a page of them (Cal.com's skip and take). */
export function organizationTeamsEventTypes(store: Store, orgId: number, skip: number, take: number, sort?: SortOrder): EventType[] {
  const all: EventType[] = [];
  for (const teamId of store.teamsByParent.get(orgId)?.keys() ?? []) all.push(...(store.eventTypesByTeam.get(teamId)?.values() ?? []));
  return sortById(all, sort).slice(skip, skip + take);
}

export function teamEventTypeBySlug(store: Store, teamId: number, slug: string): EventType | undefined {
  return store.eventTypeBySlug.get(`t${teamId}:${slug}`);
}

/** The team's event type with this id (Cal.com looks it up by id and teamId together). */
export function findTeamEventType(store: Store, teamId: number, id: number): EventType | undefined {
  const e = store.get("eventTypes", id);
  return e?.teamId === teamId ? e : undefined;
}

export function teamEventType(store: Store, teamId: number, id: number): EventType {
  const e = findTeamEventType(store, teamId, id);
  if (!e) throw notFound(`Event type with id ${id} not found`);
  return e;
}

/** The members Cal.com's assignAllTeamMembers takes (the mock: accepted memberships; see the README). */
function acceptedMemberIds(store: Store, teamId: number): number[] {
  const ids: number[] = [];
  for (const userId of store.userIdsByTeam.get(teamId) ?? []) if (store.membershipByTeamUser.get(`${teamId}:${userId}`)?.accepted) ids.push(userId);
  return ids.sort((a, b) => a - b);
}

/** Hosts must have a membership of the team (Cal.com's validateHosts: any membership, pending included). */
function assertHostsAreMembers(store: Store, teamId: number, hosts: EventTypeInput["hosts"]): void {
  const outsiders = (hosts ?? []).filter((h) => !store.membershipByTeamUser.has(`${teamId}:${h.userId}`));
  if (outsiders.length) throw notFound(`Invalid hosts: ${outsiders.map((h) => h.userId).join(", ")} are not members of team with id ${teamId}.`);
}

/**
 * Cal.com's tRPC update handler lets only accepted members be hosts of a team outside an organization (its
 * FORBIDDEN: the filter's fixed text).
 */
function assertHostsAccepted(store: Store, team: Team, hosts: readonly Host[]): void {
  if (team.parentId != null) return;
  const pending = hosts.filter((h) => !store.membershipByTeamUser.get(`${team.id}:${h.userId}`)?.accepted);
  if (pending.length) {
    throw withDiagnostics(
      new HttpError(403, "TRPCError", "You don't have necessary permissions to access this resource"),
      `hosts ${pending.map((h) => h.userId).join(", ")} have not accepted their invitation to team ${team.id} (outside an organization only accepted members can host)`,
    );
  }
}

/** Cal.com's create handler: a team event type needs an accepted ADMIN or OWNER of the team (or an org admin, or a system admin). */
function assertMayCreate(store: Store, caller: User, team: Team, viaOrg: boolean): void {
  if (caller.role === "ADMIN" || isAdminOrOwner(store.membershipByTeamUser.get(`${team.id}:${caller.id}`))) return;
  if (viaOrg && team.parentId != null && isAdminOrOwner(store.membershipByTeamUser.get(`${team.parentId}:${caller.id}`))) return;
  throw withDiagnostics(
    new HttpError(401, "TRPCError", "You are not authorized to access this resource"),
    `user ${caller.id} needs an accepted ADMIN or OWNER membership of team ${team.id} to create its event types`,
  );
}

function hostsFromInput(input: EventTypeInput["hosts"], schedulingType: EventType["schedulingType"]): Host[] | undefined {
  if (!input) return undefined;
  const collective = schedulingType === "COLLECTIVE";
  return input.map((h) => ({
    userId: h.userId,
    isFixed: collective ? true : h.mandatory === true,
    priority: collective ? 2 : PRIORITIES.indexOf(h.priority ?? "medium"),
    weight: 100,
  }));
}

function allMembersAsHosts(store: Store, teamId: number, schedulingType: EventType["schedulingType"]): Host[] {
  return acceptedMemberIds(store, teamId).map((userId) => ({ userId, isFixed: schedulingType === "COLLECTIVE", priority: 2, weight: 100 }));
}

/** Email settings go into metadata; outside an organization Cal.com stores them switched off whatever was sent. */
function withEmailSettings(metadata: EventType["metadata"], settings: EventTypeInput["emailSettings"], team: Team): EventType["metadata"] {
  if (!settings || (settings.disableEmailsToAttendees === undefined && settings.disableEmailsToHosts === undefined)) return metadata;
  const all: Record<string, boolean> = {};
  if (settings.disableEmailsToAttendees !== undefined) all.attendee = team.parentId != null && settings.disableEmailsToAttendees;
  if (settings.disableEmailsToHosts !== undefined) all.host = team.parentId != null && settings.disableEmailsToHosts;
  const current = (metadata?.disableStandardEmails ?? {}) as Record<string, unknown>;
  return { ...(metadata ?? {}), disableStandardEmails: { ...current, all: { ...((current.all as object | undefined) ?? {}), ...all } } };
}

/** The fields a managed event type's copy takes from it; the copy is its member's personal event type. */
function managedCopy(parent: EventType, ownerId: number, id: number, hidden = false): EventType {
  const { hosts: _hosts, assignAllTeamMembers: _all, ...fields } = parent;
  return { ...fields, id, userId: ownerId, teamId: null, parentId: parent.id, schedulingType: null, hidden };
}

/**
 * The changes that bring a managed event type's copies in line with it: a copy for each new owner (replacing the
 * owner's own event type of the same slug, as Cal.com does), the fields of the parent for the kept ones, and the
 * copies of owners no longer named deleted.
 */
function syncManagedCopies(store: Store, parent: EventType, ownerIds: readonly number[]): { changes: Change[]; copies: EventType[] } {
  const changes: Change[] = [];
  const existing = new Map(managedChildren(store, parent).map((c) => [c.userId!, c]));
  const copies: EventType[] = [];
  for (const ownerId of ownerIds) {
    const kept = existing.get(ownerId);
    if (kept) {
      copies.push(managedCopy(parent, ownerId, kept.id, kept.hidden ?? false));
      continue;
    }
    const homonym = store.eventTypeBySlug.get(`${ownerId}:${parent.slug}`);
    if (homonym && homonym.parentId == null) changes.push(...eventTypeDeletionChanges(store, homonym.id));
    copies.push(managedCopy(parent, ownerId, store.nextSequenceId("eventTypes")));
  }
  for (const copy of copies) changes.push({ op: "put", collection: "eventTypes", row: copy });
  for (const [ownerId, child] of existing) if (!ownerIds.includes(ownerId)) changes.push(...eventTypeDeletionChanges(store, child.id));
  return { changes, copies };
}

export interface TeamWriteResult {
  eventType: EventType;
  /** A managed event type's copies (Cal.com answers `[parent, ...copies]` for a managed event type). */
  copies?: EventType[];
}

/**
 * POST /v2/teams/{teamId}/event-types (and the organization's route, `viaOrg`): a team event type whose hosts are
 * members of the team, or a managed one with a copy for each member named.
 */
export async function createTeamEventType(
  db: Database,
  caller: User,
  teamId: number,
  input: EventTypeInput & { lengthInMinutes: number; title: string; slug: string; schedulingType: string },
  viaOrg: boolean,
): Promise<TeamWriteResult> {
  const store = db.store;
  const team = store.get("teams", teamId);
  if (!team) throw notFound(`Team with id ${teamId} not found`);
  checkEntries(input, true);
  assertHostsAreMembers(store, teamId, input.hosts);
  const slug = slugifyLenient(input.slug);
  if (teamEventTypeBySlug(store, teamId, slug)) throw badRequest("Team event type with this slug already exists");
  const columns = eventTypeColumns(input, undefined);
  const schedulingType = SCHEDULING_TYPES[input.schedulingType]!;
  const managed = schedulingType === "MANAGED";
  assertCombination({ seatsPerTimeSlot: columns.seatsPerTimeSlot, locations: columns.locations, requiresConfirmation: columns.requiresConfirmation, recurringEvent: columns.recurringEvent });
  assertNoCalendarFields(input);
  if (!viaOrg) assertEmailAccessible(fieldsOf(columns)!);
  assertMayCreate(store, caller, team, viaOrg);
  const hosts = managed ? [] : input.assignAllTeamMembers ? allMembersAsHosts(store, teamId, schedulingType) : (hostsFromInput(input.hosts, schedulingType) ?? []);
  assertHostsAccepted(store, team, hosts);
  let metadata = managed ? { managedEventConfig: {}, ...(columns.metadata ?? {}) } : columns.metadata;
  metadata = withEmailSettings(metadata, input.emailSettings, team);
  const row: EventType = {
    id: store.nextSequenceId("eventTypes"),
    title: input.title,
    length: input.lengthInMinutes,
    userId: null,
    teamId,
    parentId: null,
    position: 0,
    ...columns,
    slug,
    schedulingType,
    hosts,
    assignAllTeamMembers: input.assignAllTeamMembers ?? false,
    metadata,
  };
  const changes: Change[] = [{ op: "put", collection: "eventTypes", row }];
  let copies: EventType[] | undefined;
  if (managed) {
    const owners = input.assignAllTeamMembers ? acceptedMemberIds(store, teamId) : [...new Set((input.hosts ?? []).map((h) => h.userId))];
    const sync = syncManagedCopies(store, row, owners);
    changes.push(...sync.changes);
    copies = sync.copies;
  }
  await db.commit(changes);
  return { eventType: row, ...(copies && { copies }) };
}

/** PATCH a team event type: hosts replaced when sent, a managed event type's copies kept in line with it. */
export async function updateTeamEventType(db: Database, teamId: number, id: number, input: EventTypeInput, viaOrg: boolean): Promise<TeamWriteResult> {
  const store = db.store;
  const team = store.get("teams", teamId);
  if (!team) throw notFound(`Team with id ${teamId} not found`);
  checkEntries(input, true);
  assertHostsAreMembers(store, teamId, input.hosts);
  // Cal.com checks a sent slug against every event type of the team, this one included.
  if (input.slug && teamEventTypeBySlug(store, teamId, slugifyLenient(input.slug))) throw badRequest("Team event type with this slug already exists");
  const found = findTeamEventType(store, teamId, id);
  const columns = eventTypeColumns(input, found, false);
  if (!found) throw badRequest("Event type to update not found");
  const managed = found.schedulingType === "MANAGED";
  const nextType = input.schedulingType ? SCHEDULING_TYPES[input.schedulingType]! : found.schedulingType;
  if (!managed && input.schedulingType && nextType !== found.schedulingType && !input.assignAllTeamMembers && !input.hosts) throw badRequest(HOSTS_REQUIRED);
  assertCombination({ ...found, ...columns });
  assertNoCalendarFields(input);
  if (!viaOrg && columns.bookingFields) assertEmailAccessible(fieldsOf(columns)!);
  const hosts = managed ? found.hosts : input.assignAllTeamMembers ? allMembersAsHosts(store, teamId, nextType) : (hostsFromInput(input.hosts, nextType) ?? found.hosts);
  if (!managed && (input.hosts || input.assignAllTeamMembers)) assertHostsAccepted(store, team, hosts ?? []);
  const updated: EventType = {
    ...found,
    ...columns,
    ...(input.schedulingType && { schedulingType: nextType }),
    ...((input.hosts || input.assignAllTeamMembers) && { hosts: hosts ?? [] }),
    ...(input.assignAllTeamMembers !== undefined && { assignAllTeamMembers: input.assignAllTeamMembers }),
    ...(input.emailSettings && { metadata: withEmailSettings(columns.metadata ?? found.metadata, input.emailSettings, team) }),
  };
  const changes: Change[] = [{ op: "put", collection: "eventTypes", row: updated }];
  let copies: EventType[] | undefined;
  if (managed) {
    const owners = input.assignAllTeamMembers
      ? acceptedMemberIds(store, teamId)
      : input.hosts
        ? [...new Set(input.hosts.map((h) => h.userId))]
        : managedChildren(store, found).map((c) => c.userId!);
    const sync = syncManagedCopies(store, updated, owners);
    changes.push(...sync.changes);
    copies = sync.copies;
  }
  await db.commit(changes);
  return { eventType: updated, ...(copies && { copies }) };
}

/** DELETE a team event type (404 when the team has no such event type); a managed one's copies go with it. */
export async function deleteTeamEventType(db: Database, teamId: number, id: number): Promise<EventType> {
  const e = findTeamEventType(db.store, teamId, id);
  if (!e) throw notFound(`Event type with ID=${id} does not exist.`);
  await db.commit(eventTypeDeletionChanges(db.store, id));
  return e;
}
