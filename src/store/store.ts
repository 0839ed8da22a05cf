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
  type Rows,
  type State,
  type StateMeta,
  type Team,
  type User,
} from "./schema.js";

type Id = string | number;

function bucket<K, V>(map: Map<K, V>, key: K, make: () => V): V {
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
  readonly attributesByOrg = new Map<number, Map<string, Attribute>>();
  /** `${orgId}:${slug}` → attribute. */
  readonly attributeByOrgSlug = new Map<string, Attribute>();
  readonly optionsByAttribute = new Map<string, Map<string, AttributeOption>>();
  /** `${attributeId}:${slug}` → option. */
  readonly optionByAttributeSlug = new Map<string, AttributeOption>();
  /** optionId → (memberId → assignment). */
  readonly assignmentsByOption = new Map<string, Map<number, AttributeAssignment>>();
  /** memberId → (optionId → assignment). */
  readonly assignmentsByMember = new Map<number, Map<string, AttributeAssignment>>();
  readonly historyByMember = new Map<number, AssignmentHistoryEntry[]>();
  private nextIntId: { [C in "organizations" | "teams" | "users" | "memberships"]: number } = {
    organizations: 1,
    teams: 1,
    users: 1,
    memberships: 1,
  };

  constructor(state: State) {
    this.meta = { ...state.meta };
    for (const collection of COLLECTIONS) {
      for (const row of state[collection]) this.put(collection, row as Rows[typeof collection]);
    }
  }

  /** Cal.com keeps organizations and teams in one table, so they share one id sequence. */
  nextTeamId(): number {
    return Math.max(this.nextIntId.organizations, this.nextIntId.teams);
  }

  nextId(collection: "users" | "memberships"): number {
    return this.nextIntId[collection];
  }

  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.op === "put") this.put(change.collection, change.row);
      else this.del(change.collection, change.id);
    }
  }

  get<C extends CollectionName>(collection: C, id: Rows[C]["id"]): Rows[C] | undefined {
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
    if (previous) this.unindex(collection, previous);
    table.set(row.id, row);
    this.index(collection, row);
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
        if (id >= this.nextIntId[collection]) this.nextIntId[collection] = id + 1;
        if (collection === "memberships") {
          const m = row as Membership;
          this.membershipByTeamUser.set(`${m.teamId}:${m.userId}`, m);
          bucket(this.userIdsByTeam, m.teamId, () => new Set()).add(m.userId);
        }
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
        this.optionByAttributeSlug.set(`${o.attributeId}:${o.slug}`, o);
        return;
      }
      case "attributeAssignments": {
        const a = row as AttributeAssignment;
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
      case "memberships": {
        const m = row as Membership;
        this.membershipByTeamUser.delete(`${m.teamId}:${m.userId}`);
        this.userIdsByTeam.get(m.teamId)?.delete(m.userId);
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
        if (this.optionByAttributeSlug.get(`${o.attributeId}:${o.slug}`) === o) {
          this.optionByAttributeSlug.delete(`${o.attributeId}:${o.slug}`);
        }
        return;
      }
      case "attributeAssignments": {
        const a = row as AttributeAssignment;
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
}

export type { Organization, Team, User };
