import {
  COLLECTIONS,
  type ApiKey,
  type AssignmentHistoryEntry,
  type Attribute,
  type AttributeAssignment,
  type AttributeOption,
  type Change,
  type CollectionName,
  type Membership,
  type Organization,
  type Profile,
  type Rows,
  type State,
  type StateMeta,
  type Team,
  type User,
} from "./schema.js";

type Id = string | number;
type IntCollection = "organizations" | "teams" | "users" | "memberships";

/** Integer ids below this are also kept in arrays (see `Store.byIntId`); larger ones only in the maps. */
const DENSE_ID_LIMIT = 1 << 24;
const isDenseId = (id: Id): id is number => typeof id === "number" && Number.isInteger(id) && id >= 0 && id < DENSE_ID_LIMIT;

/** How many derived values `memo` keeps between writes. */
const MEMO_LIMIT = 512;

/** The value kept under `key`, made and kept first if there is none (a Map's or a WeakMap's). */
export function bucket<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * The in-memory store: one insertion-ordered map per collection (insertion order is Cal.com's "database
 * order") and the secondary indexes every query needs, maintained on each change so no query scans a
 * collection. All writes go through `apply`, which is also how the journal is replayed.
 */
export class Store {
  meta: StateMeta;
  readonly rows: { [C in CollectionName]: Map<Rows[C]["id"], Rows[C]> } = {
    organizations: new Map(),
    teams: new Map(),
    users: new Map(),
    memberships: new Map(),
    profiles: new Map(),
    attributes: new Map(),
    attributeOptions: new Map(),
    attributeAssignments: new Map(),
    apiKeys: new Map(),
    assignmentHistory: new Map(),
  };

  readonly apiKeyByKey = new Map<string, ApiKey>();
  /** `${teamId}:${userId}` → membership, for org and team memberships alike. */
  readonly membershipByTeamUser = new Map<string, Membership>();
  /** teamId → user ids with a membership of it. */
  readonly userIdsByTeam = new Map<number, Set<number>>();
  /** userId → (teamId → membership): every team and organization the user belongs to. */
  readonly membershipsByUser = new Map<number, Map<number, Membership>>();
  /** organizationId → (userId → profile): who Cal.com lists as the organization's users. */
  readonly profilesByOrg = new Map<number, Map<number, Profile>>();
  /** userId → (organizationId → profile). */
  readonly profilesByUser = new Map<number, Map<number, Profile>>();
  /** `${organizationId}:${username}` → profile (unique in Cal.com). */
  readonly profileByOrgUsername = new Map<string, Profile>();
  /** parentId → (teamId → team): an organization's teams. */
  readonly teamsByParent = new Map<number, Map<number, Team>>();
  /** email → user (globally unique in Cal.com). */
  readonly userByEmail = new Map<string, User>();
  /** `${organizationId}:${username}` → user, for users whose organizationId is set (unique in Cal.com). */
  readonly userByOrgUsername = new Map<string, User>();
  readonly attributesByOrg = new Map<number, Map<string, Attribute>>();
  /** `${orgId}:${slug}` → attribute. */
  readonly attributeByOrgSlug = new Map<string, Attribute>();
  readonly optionsByAttribute = new Map<string, Map<string, AttributeOption>>();
  /** optionId → (memberId → assignment). */
  readonly assignmentsByOption = new Map<string, Map<number, AttributeAssignment>>();
  /** memberId → (optionId → assignment). */
  readonly assignmentsByMember = new Map<number, Map<string, AttributeAssignment>>();
  readonly historyByMember = new Map<number, AssignmentHistoryEntry[]>();
  /** optionId → user ids of its holders in assignment order, built on first use; see `holderUserIds`. */
  private readonly holderUserIdsCache = new Map<string, readonly number[]>();
  private changes = 0;
  private memoVersion = 0;
  private readonly memos = new Map<string, unknown>();
  /**
   * The integer-keyed collections again, as arrays indexed by id: `get` is the hottest call of the read path (one
   * membership per holder of every option listed), and an array slot is several times cheaper than a Map probe.
   */
  private readonly byIntId: { [C in IntCollection]: Array<Rows[C] | undefined> } = {
    organizations: [],
    teams: [],
    users: [],
    memberships: [],
  };

  constructor(state: State) {
    this.meta = { ...state.meta };
    const shared = new Map<string, string>();
    for (const collection of COLLECTIONS) {
      for (const row of state[collection] ?? []) {
        if (collection === "attributeAssignments") this.shareStrings(row as AttributeAssignment, shared);
        this.put(collection, row as Rows[typeof collection]);
      }
    }
  }

  /**
   * A state parsed from JSON holds its own copy of every string of every row. An assignment's option id is its
   * option's, and its times are mostly few (the seeded ones are their attribute's): pointing the row at one copy
   * of each (an equal string, so nothing visible changes) saves about a hundred bytes an assignment, a tenth of a
   * large organization's store. `shared` lives for one load only, so it never grows with the writes.
   */
  private shareStrings(a: AttributeAssignment, shared: Map<string, string>): void {
    const option = this.rows.attributeOptions.get(a.attributeOptionId);
    if (option) a.attributeOptionId = option.id;
    for (const key of ["createdAt", "updatedAt"] as const) {
      const value = a[key];
      if (typeof value !== "string") continue;
      const known = shared.get(value);
      if (known === undefined) shared.set(value, value);
      else a[key] = known;
    }
  }

  /** The next free integer id of a collection (organizations and teams share one id space, as in Cal.com). */
  nextId(collection: "teams" | "users" | "memberships" | "profiles"): number {
    return this.memo(`nextId:${collection}`, () => {
      let max = 0;
      const tables = collection === "teams" ? [this.rows.teams, this.rows.organizations] : [this.rows[collection]];
      for (const table of tables) for (const id of table.keys()) if ((id as number) > max) max = id as number;
      return max;
    }) + 1;
  }

  /**
   * Counts the transactions applied since this store was built (a reset builds a new store), so a cache of answers
   * can tell whether anything changed since it was filled.
   */
  get version(): number {
    return this.changes;
  }

  /**
   * The user ids of an option's holders, in assignment order: what `assignedUserIds` lists. Built once per option
   * and kept until an assignment of that option (or any membership) changes, so listing assigned options does not
   * walk every holder's membership on every request. The array is shared: callers must not change it.
   */
  holderUserIds(optionId: string): readonly number[] {
    let ids = this.holderUserIdsCache.get(optionId);
    if (ids === undefined) {
      const list: number[] = [];
      for (const memberId of this.assignmentsByOption.get(optionId)?.keys() ?? []) {
        const membership = this.get("memberships", memberId);
        if (membership) list.push(membership.userId);
      }
      ids = list;
      this.holderUserIdsCache.set(optionId, ids);
    }
    return ids;
  }

  /**
   * A value derived from the data (a set of team members, say), computed once and kept until the next write.
   * Bounded, so that many distinct filters cannot grow it without limit.
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memoVersion !== this.changes) {
      this.memos.clear();
      this.memoVersion = this.changes;
    }
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    if (this.memos.size >= MEMO_LIMIT) this.memos.clear();
    this.memos.set(key, value);
    return value;
  }

  apply(changes: readonly Change[]): void {
    this.changes += 1;
    for (const change of changes) {
      if (change.op === "put") this.put(change.collection, change.row);
      else this.del(change.collection, change.id);
    }
  }

  get<C extends CollectionName>(collection: C, id: Rows[C]["id"]): Rows[C] | undefined {
    // One branch per collection, so each load below sees a single shape and stays monomorphic.
    switch (collection) {
      case "memberships":
        if (isDenseId(id)) return this.byIntId.memberships[id] as Rows[C] | undefined;
        break;
      case "users":
        if (isDenseId(id)) return this.byIntId.users[id] as Rows[C] | undefined;
        break;
      case "organizations":
        if (isDenseId(id)) return this.byIntId.organizations[id] as Rows[C] | undefined;
        break;
      case "teams":
        if (isDenseId(id)) return this.byIntId.teams[id] as Rows[C] | undefined;
        break;
      case "attributeOptions":
        return this.rows.attributeOptions.get(id as string) as Rows[C] | undefined;
      default:
        break;
    }
    return (this.rows[collection] as Map<Id, Rows[C]>).get(id);
  }

  toState(): State {
    const state = { meta: { ...this.meta } } as State;
    for (const collection of COLLECTIONS) {
      (state as unknown as Record<string, unknown[]>)[collection] = [...this.rows[collection].values()];
    }
    return state;
  }

  private put<C extends CollectionName>(collection: C, row: Rows[C]): void {
    const table = this.rows[collection] as Map<Id, Rows[C]>;
    const previous = table.get(row.id);
    table.set(row.id, row);
    if (!previous || !this.replaceInPlace(collection, previous, row)) {
      if (previous) this.unindex(collection, previous);
      this.index(collection, row);
    }
  }

  /**
   * An update keeps the row's place in the ordered indexes, as it keeps it in `rows` (and as a database keeps a
   * row's place when it is updated): unindexing and indexing again would move it to the end of every list the
   * API answers. Answers false when a key the row is filed under changed, so it must move after all.
   */
  private replaceInPlace(collection: CollectionName, previous: Rows[CollectionName], row: Rows[CollectionName]): boolean {
    switch (collection) {
      case "attributes": {
        const [p, a] = [previous as Attribute, row as Attribute];
        if (p.teamId !== a.teamId) return false;
        this.attributesByOrg.get(a.teamId)?.set(a.id, a);
        if (this.attributeByOrgSlug.get(`${p.teamId}:${p.slug}`) === p) this.attributeByOrgSlug.delete(`${p.teamId}:${p.slug}`);
        this.attributeByOrgSlug.set(`${a.teamId}:${a.slug}`, a);
        return true;
      }
      case "attributeOptions": {
        const [p, o] = [previous as AttributeOption, row as AttributeOption];
        if (p.attributeId !== o.attributeId) return false;
        this.optionsByAttribute.get(o.attributeId)?.set(o.id, o);
        return true;
      }
      case "attributeAssignments": {
        const [p, a] = [previous as AttributeAssignment, row as AttributeAssignment];
        if (p.memberId !== a.memberId || p.attributeOptionId !== a.attributeOptionId) return false;
        this.assignmentsByOption.get(a.attributeOptionId)?.set(a.memberId, a);
        this.assignmentsByMember.get(a.memberId)?.set(a.attributeOptionId, a);
        return true;
      }
      case "assignmentHistory": {
        const [p, h] = [previous as AssignmentHistoryEntry, row as AssignmentHistoryEntry];
        const list = this.historyByMember.get(p.memberId);
        const at = list?.indexOf(p) ?? -1;
        if (p.memberId !== h.memberId || !list || at < 0) return false;
        list[at] = h;
        return true;
      }
      default:
        return false;
    }
  }

  private del(collection: CollectionName, id: Id): void {
    const table = this.rows[collection] as Map<Id, Rows[CollectionName]>;
    const previous = table.get(id);
    if (!previous) return;
    table.delete(id);
    this.unindex(collection, previous);
  }

  private index(collection: CollectionName, row: Rows[CollectionName]): void {
    switch (collection) {
      case "organizations":
      case "teams":
      case "users":
      case "memberships": {
        const id = row.id as number;
        if (isDenseId(id)) (this.byIntId[collection] as Array<Rows[CollectionName] | undefined>)[id] = row;
        if (collection === "memberships") {
          const m = row as Membership;
          if (this.holderUserIdsCache.size > 0) this.holderUserIdsCache.clear();
          this.membershipByTeamUser.set(`${m.teamId}:${m.userId}`, m);
          bucket(this.userIdsByTeam, m.teamId, () => new Set()).add(m.userId);
          bucket(this.membershipsByUser, m.userId, () => new Map()).set(m.teamId, m);
        } else if (collection === "teams") {
          const t = row as Team;
          if (t.parentId !== null) bucket(this.teamsByParent, t.parentId, () => new Map()).set(t.id, t);
        } else if (collection === "users") {
          const u = row as User;
          this.userByEmail.set(u.email, u);
          if (u.organizationId != null) this.userByOrgUsername.set(`${u.organizationId}:${u.username}`, u);
        }
        return;
      }
      case "profiles": {
        const p = row as Profile;
        bucket(this.profilesByOrg, p.organizationId, () => new Map()).set(p.userId, p);
        bucket(this.profilesByUser, p.userId, () => new Map()).set(p.organizationId, p);
        this.profileByOrgUsername.set(`${p.organizationId}:${p.username}`, p);
        return;
      }
      case "apiKeys":
        this.apiKeyByKey.set((row as ApiKey).key, row as ApiKey);
        return;
      case "attributes": {
        const a = row as Attribute;
        bucket(this.attributesByOrg, a.teamId, () => new Map()).set(a.id, a);
        this.attributeByOrgSlug.set(`${a.teamId}:${a.slug}`, a);
        return;
      }
      case "attributeOptions": {
        const o = row as AttributeOption;
        bucket(this.optionsByAttribute, o.attributeId, () => new Map()).set(o.id, o);
        return;
      }
      case "attributeAssignments": {
        const a = row as AttributeAssignment;
        this.holderUserIdsCache.delete(a.attributeOptionId);
        bucket(this.assignmentsByOption, a.attributeOptionId, () => new Map()).set(a.memberId, a);
        bucket(this.assignmentsByMember, a.memberId, () => new Map()).set(a.attributeOptionId, a);
        return;
      }
      case "assignmentHistory": {
        const h = row as AssignmentHistoryEntry;
        bucket(this.historyByMember, h.memberId, () => []).push(h);
        return;
      }
    }
  }

  private unindex(collection: CollectionName, row: Rows[CollectionName]): void {
    switch (collection) {
      case "organizations":
        this.unindexIntId(collection, row);
        return;
      case "teams": {
        this.unindexIntId(collection, row);
        const t = row as Team;
        if (t.parentId !== null) this.teamsByParent.get(t.parentId)?.delete(t.id);
        return;
      }
      case "users": {
        this.unindexIntId(collection, row);
        const u = row as User;
        if (this.userByEmail.get(u.email) === u) this.userByEmail.delete(u.email);
        const orgKey = `${u.organizationId}:${u.username}`;
        if (u.organizationId != null && this.userByOrgUsername.get(orgKey) === u) this.userByOrgUsername.delete(orgKey);
        return;
      }
      case "memberships": {
        this.unindexIntId(collection, row);
        if (this.holderUserIdsCache.size > 0) this.holderUserIdsCache.clear();
        const m = row as Membership;
        this.membershipByTeamUser.delete(`${m.teamId}:${m.userId}`);
        this.userIdsByTeam.get(m.teamId)?.delete(m.userId);
        this.membershipsByUser.get(m.userId)?.delete(m.teamId);
        return;
      }
      case "profiles": {
        const p = row as Profile;
        this.profilesByOrg.get(p.organizationId)?.delete(p.userId);
        this.profilesByUser.get(p.userId)?.delete(p.organizationId);
        if (this.profileByOrgUsername.get(`${p.organizationId}:${p.username}`) === p) this.profileByOrgUsername.delete(`${p.organizationId}:${p.username}`);
        return;
      }
      case "apiKeys":
        this.apiKeyByKey.delete((row as ApiKey).key);
        return;
      case "attributes": {
        const a = row as Attribute;
        this.attributesByOrg.get(a.teamId)?.delete(a.id);
        if (this.attributeByOrgSlug.get(`${a.teamId}:${a.slug}`) === a) this.attributeByOrgSlug.delete(`${a.teamId}:${a.slug}`);
        return;
      }
      case "attributeOptions": {
        const o = row as AttributeOption;
        this.optionsByAttribute.get(o.attributeId)?.delete(o.id);
        return;
      }
      case "attributeAssignments": {
        const a = row as AttributeAssignment;
        this.holderUserIdsCache.delete(a.attributeOptionId);
        this.assignmentsByOption.get(a.attributeOptionId)?.delete(a.memberId);
        this.assignmentsByMember.get(a.memberId)?.delete(a.attributeOptionId);
        return;
      }
      case "assignmentHistory": {
        const h = row as AssignmentHistoryEntry;
        const list = this.historyByMember.get(h.memberId);
        const at = list?.indexOf(h) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        return;
      }
      default:
        return;
    }
  }

  private unindexIntId(collection: IntCollection, row: Rows[CollectionName]): void {
    const byId = this.byIntId[collection] as Array<Rows[CollectionName] | undefined>;
    const id = row.id as number;
    if (isDenseId(id) && byId[id] === row) byId[id] = undefined;
  }
}

export type { Organization, Team, User };
