import {
  COLLECTIONS,
  type ApiKey,
  type AssignmentHistoryEntry,
  type Attribute,
  type AttributeAssignment,
  type AttributeOption,
  type Booking,
  type Change,
  type CollectionName,
  type EventType,
  type Membership,
  type Organization,
  type Profile,
  type Rows,
  type Schedule,
  type SelectedSlot,
  type State,
  type StateMeta,
  type Team,
  type User,
} from "./schema.js";

type Id = string | number;
type IntCollection = "organizations" | "teams" | "users" | "memberships";
/** The scheduling collections: integer ids that, as a database sequence's, are never given out twice. */
type SequenceCollection = "schedules" | "eventTypes" | "bookings" | "selectedSlots";
/** The collections whose indexes are built on first use. */
type LazyCollection = SequenceCollection;

/** Rows of a collection loaded on first use: `load` makes them; `source` is whatever they are made from. */
export interface DeferredRows {
  load: () => Array<Rows[CollectionName]>;
  source: unknown;
}
export type Deferred = Partial<Record<CollectionName, DeferredRows>>;

const DAY_MS = 86_400_000;
/** A booking in one of these statuses can make its host busy; CANCELLED and REJECTED ones never do. */
const BUSY_STATUSES = new Set<Booking["status"]>(["ACCEPTED", "PENDING", "AWAITING_HOST"]);

/** The UTC days (days since the epoch) an interval touches, first and last. */
function utcDays(startIso: string, endIso: string): [number, number] {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  const first = Math.floor(start / DAY_MS);
  // An interval ending at midnight does not touch the day after.
  return [first, Math.max(first, Math.floor((end - 1) / DAY_MS))];
}

/** Who a booking makes busy: its organizer by id, its attendees by e-mail (a host is busy as an attendee too). */
function participantKeys(b: Booking): string[] {
  const keys = b.userId != null ? [`u${b.userId}`] : [];
  for (const a of b.attendees) keys.push(`e${a.email.toLowerCase()}`);
  return keys;
}

/** Integer ids below this are also kept in arrays (see `Store.byIntId`); larger ones only in the maps. */
const DENSE_ID_LIMIT = 1 << 24;
const isDenseId = (id: Id): id is number => typeof id === "number" && Number.isInteger(id) && id >= 0 && id < DENSE_ID_LIMIT;

/** How many derived values `memo` keeps between writes. */
const MEMO_LIMIT = 512;

/** What a memoized value depends on (see `Store.memo`). */
export interface MemoDeps {
  collections?: readonly CollectionName[];
  /** Option ids: the value depends on who holds them (their assignments). */
  options?: readonly string[];
  /** Membership ids: the value depends on what they hold (their assignments). */
  members?: readonly number[];
}

type MemoEntry = { value: unknown; changes: number; deps?: undefined; seen?: undefined } | { value: unknown; deps: MemoDeps; seen: number[]; changes?: undefined };

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
    schedules: new Map(),
    eventTypes: new Map(),
    bookings: new Map(),
    selectedSlots: new Map(),
  };

  /*
   * The scheduling collections' indexes are built on first use, not when the store is: at large-org's size they
   * were a third of the start-up and some 30 MB that a server answering only the directory never reads. Each is
   * built from the collection's rows in their order, then kept up to date by every write like the others.
   */
  readonly #schedulesByUser = new Map<number, Map<number, Schedule>>();
  readonly #eventTypesByOwner = new Map<number, Map<number, EventType>>();
  readonly #eventTypesByTeam = new Map<number, Map<number, EventType>>();
  readonly #eventTypesByHost = new Map<number, Map<number, EventType>>();
  readonly #eventTypeBySlug = new Map<string, EventType>();
  readonly #bookingByUid = new Map<string, Booking>();
  readonly #bookingsByEventType = new Map<number, Map<number, Booking>>();
  readonly #bookingsByUser = new Map<number, Map<number, Booking>>();
  readonly #bookingsByAttendeeEmail = new Map<string, Map<number, Booking>>();
  readonly #bookingByFromReschedule = new Map<string, Booking>();
  readonly #bookingsByRecurringUid = new Map<string, Map<number, Booking>>();
  readonly #bookingBySeatUid = new Map<string, Booking>();
  readonly #busyByParticipantDay = new Map<string, Map<number, Booking[]>>();
  readonly #selectedSlotsByEventType = new Map<number, Map<number, SelectedSlot>>();
  readonly #selectedSlotsByUid = new Map<string, Map<number, SelectedSlot>>();
  readonly #selectedSlotsByUser = new Map<number, Map<number, SelectedSlot>>();
  /** The scheduling collections whose indexes exist (see `indexed`). */
  readonly #built = new Set<LazyCollection>();
  /** userId → (scheduleId → schedule), in id order. */
  get schedulesByUser(): Map<number, Map<number, Schedule>> {
    return this.indexed("schedules").#schedulesByUser;
  }
  /** userId → (eventTypeId → event type): the personal event types a user owns. */
  get eventTypesByOwner(): Map<number, Map<number, EventType>> {
    return this.indexed("eventTypes").#eventTypesByOwner;
  }
  /** teamId → (eventTypeId → event type). */
  get eventTypesByTeam(): Map<number, Map<number, EventType>> {
    return this.indexed("eventTypes").#eventTypesByTeam;
  }
  /** userId → (eventTypeId → event type): the team event types a user is a host of. */
  get eventTypesByHost(): Map<number, Map<number, EventType>> {
    return this.indexed("eventTypes").#eventTypesByHost;
  }
  /** `${userId}:${slug}` and `t${teamId}:${slug}` → event type (unique in Cal.com). */
  get eventTypeBySlug(): Map<string, EventType> {
    return this.indexed("eventTypes").#eventTypeBySlug;
  }
  get bookingByUid(): Map<string, Booking> {
    return this.indexed("bookings").#bookingByUid;
  }
  /** eventTypeId → (bookingId → booking). */
  get bookingsByEventType(): Map<number, Map<number, Booking>> {
    return this.indexed("bookings").#bookingsByEventType;
  }
  /** userId → (bookingId → booking): the bookings a user organizes (hosts). */
  get bookingsByUser(): Map<number, Map<number, Booking>> {
    return this.indexed("bookings").#bookingsByUser;
  }
  /** attendee e-mail, lower-cased → (bookingId → booking). */
  get bookingsByAttendeeEmail(): Map<string, Map<number, Booking>> {
    return this.indexed("bookings").#bookingsByAttendeeEmail;
  }
  /** uid of a rescheduled booking → the booking that replaced it (whose fromReschedule it is). */
  get bookingByFromReschedule(): Map<string, Booking> {
    return this.indexed("bookings").#bookingByFromReschedule;
  }
  /** recurringEventId → (bookingId → booking): the occurrences of a recurring booking. */
  get bookingsByRecurringUid(): Map<string, Map<number, Booking>> {
    return this.indexed("bookings").#bookingsByRecurringUid;
  }
  /** A seat's referenceUid → its booking. */
  get bookingBySeatUid(): Map<string, Booking> {
    return this.indexed("bookings").#bookingBySeatUid;
  }
  /**
   * Participant (`u<userId>` for the organizer, `e<email>` for an attendee) → UTC day → the bookings in a busy
   * status that touch that day: what a slots query reads for each host, never all bookings. See `busyBookings`.
   */
  get busyByParticipantDay(): Map<string, Map<number, Booking[]>> {
    return this.indexed("bookings").#busyByParticipantDay;
  }
  /** eventTypeId → (id → reservation). */
  get selectedSlotsByEventType(): Map<number, Map<number, SelectedSlot>> {
    return this.indexed("selectedSlots").#selectedSlotsByEventType;
  }
  /** uid → (id → reservation): Cal.com lets rows share a uid. */
  get selectedSlotsByUid(): Map<string, Map<number, SelectedSlot>> {
    return this.indexed("selectedSlots").#selectedSlotsByUid;
  }
  /** userId (the host held for) → (id → reservation). */
  get selectedSlotsByUser(): Map<number, Map<number, SelectedSlot>> {
    return this.indexed("selectedSlots").#selectedSlotsByUser;
  }
  /** The highest id each sequence has given out, and the attendees' (ids of rows inside bookings). */
  private readonly sequences = { schedules: 0, eventTypes: 0, bookings: 0, selectedSlots: 0, attendees: 0 };

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
  /** username → (userId → user): Cal.com's username is unique per organization only, so a name may have several. */
  readonly usersByUsername = new Map<string, Map<number, User>>();
  /** slug → organization (GET /v2/slots's organizationSlug). */
  readonly organizationBySlug = new Map<string, Organization>();
  /** `${parentId}:${slug}` → team (`:${slug}` for a team outside any organization): unique in Cal.com. */
  readonly teamBySlug = new Map<string, Team>();
  readonly attributesByOrg = new Map<number, Map<string, Attribute>>();
  /** `${orgId}:${slug}` → attribute. */
  readonly attributeByOrgSlug = new Map<string, Attribute>();
  readonly optionsByAttribute = new Map<string, Map<string, AttributeOption>>();
  /** optionId → (memberId → assignment). */
  readonly assignmentsByOption = new Map<string, Map<number, AttributeAssignment>>();
  /** memberId → (optionId → assignment). */
  readonly assignmentsByMember = new Map<number, Map<string, AttributeAssignment>>();
  readonly #historyByMember = new Map<number, AssignmentHistoryEntry[]>();
  /** memberId → the member's history entries, oldest first. */
  get historyByMember(): Map<number, AssignmentHistoryEntry[]> {
    void this.rows.assignmentHistory; // loads deferred rows (see `Deferred`)
    return this.#historyByMember;
  }
  /** optionId → user ids of its holders in assignment order, built on first use; see `holderUserIds`. */
  private readonly holderUserIdsCache = new Map<string, readonly number[]>();
  private changes = 0;
  private readonly memos = new Map<string, MemoEntry>();
  /**
   * Write counts that memoized values can depend on instead of on every write (see `memo`): per collection, and
   * for assignments per option and per member.
   */
  private readonly collectionWrites = new Map<CollectionName, number>();
  private readonly optionWrites = new Map<string, number>();
  private readonly memberWrites = new Map<number, number>();
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

  /**
   * `deferred` names collections whose rows are loaded on first use instead (`state` has none of them): the first
   * read or write of such a collection, of one of its indexes, or `toState`, loads them, so nothing can tell. A file
   * the server wrote itself hands the history and the scheduling collections over so: a server answering the
   * directory never pays for them (at large-org's size, and with 100,000 writes' history, a large part of the
   * start-up and of the heap).
   */
  constructor(state: State, deferred: Deferred = {}) {
    this.meta = { ...state.meta };
    const shared = new Map<string, string>();
    for (const collection of COLLECTIONS) {
      const table = this.rows[collection] as Map<Id, Rows[CollectionName]>;
      for (const row of (state[collection] ?? []) as Array<Rows[CollectionName]>) {
        if (collection === "attributeAssignments") this.shareStrings(row as AttributeAssignment, shared);
        // Every way a state arrives here has been checked for unique ids: no row replaces another (no lookup first).
        const before = table.size;
        table.set(row.id, row);
        if (table.size === before) throw new Error(`${collection}: duplicate id ${JSON.stringify(row.id)}`);
        this.index(collection, row);
      }
    }
    for (const [collection, later] of Object.entries(deferred) as Array<[CollectionName, DeferredRows]>) {
      const table = this.rows[collection] as Map<Id, Rows[CollectionName]>;
      this.#unloaded.set(collection, later.source);
      Object.defineProperty(this.rows, collection, {
        configurable: true,
        enumerable: true,
        get: () => {
          // From here on a plain property again: every later access costs what it did before.
          Object.defineProperty(this.rows, collection, { value: table, writable: true, enumerable: true, configurable: true });
          this.#unloaded.delete(collection);
          for (const row of later.load()) {
            if (table.has(row.id)) throw new Error(`${collection}: duplicate id ${JSON.stringify(row.id)}`);
            table.set(row.id, row);
            this.index(collection, row);
          }
          return table;
        },
      });
    }
  }

  /** Deferred collections not loaded yet, each with the `source` it was deferred with (see the constructor). */
  readonly #unloaded = new Map<CollectionName, unknown>();

  /** The collections whose rows were deferred and are still not loaded, with their sources. */
  unloaded(): ReadonlyMap<CollectionName, unknown> {
    return this.#unloaded;
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

  /** This store, with the indexes of a scheduling collection built (from its rows, in their order) if they are not yet. */
  private indexed(collection: LazyCollection): this {
    if (!this.#built.has(collection)) {
      this.#built.add(collection);
      for (const row of this.rows[collection].values()) this.index(collection, row);
    }
    return this;
  }

  /** The next free integer id of a collection (organizations and teams share one id space, as in Cal.com). */
  nextId(collection: "teams" | "users" | "memberships" | "profiles"): number {
    const tables = collection === "teams" ? (["teams", "organizations"] as const) : ([collection] as const);
    return this.memo(`nextId:${collection}`, () => {
      let max = 0;
      for (const table of tables) for (const id of this.rows[table].keys()) if ((id as number) > max) max = id as number;
      return max;
    }, { collections: tables }) + 1;
  }

  /**
   * The next id of a scheduling collection, or of attendees: one past the highest ever held since this store was
   * built, so an id is not handed out again after its row is deleted (a database sequence's behaviour). Callers
   * making several rows in one transaction take `count` at once.
   */
  nextSequenceId(collection: SequenceCollection | "attendees", count = 1): number {
    void this.rows[collection === "attendees" ? "bookings" : collection]; // the highest ids, if deferred
    const next = this.sequences[collection] + 1;
    // Reserved now so two transactions built before either is applied do not collide.
    this.sequences[collection] += count;
    return next;
  }

  /**
   * The bookings in a busy status (ACCEPTED, PENDING, AWAITING_HOST) where the user is the organizer or an
   * attendee (by e-mail), overlapping [fromMs, toMs] (inclusive, as Cal.com's query is), each once, in no set
   * order. Reads only the days the window touches.
   */
  busyBookings(userId: number, fromMs: number, toMs: number): Booking[] {
    const user = this.get("users", userId);
    const keys = [`u${userId}`];
    if (user) keys.push(`e${user.email.toLowerCase()}`);
    const found = new Set<Booking>();
    const first = Math.floor(fromMs / DAY_MS);
    const last = Math.floor(toMs / DAY_MS);
    for (const key of keys) {
      const days = this.busyByParticipantDay.get(key);
      if (!days) continue;
      if (last - first > days.size) {
        for (const list of days.values()) for (const b of list) found.add(b);
      } else {
        for (let day = first; day <= last; day++) for (const b of days.get(day) ?? []) found.add(b);
      }
    }
    const out: Booking[] = [];
    for (const b of found) if (Date.parse(b.startTime) <= toMs && Date.parse(b.endTime) >= fromMs) out.push(b);
    return out;
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
   * A value derived from the data (a set of team members, say), computed once and kept until the next write, or,
   * given `dependsOn`, until the next write to what it names (collections, the assignments of an option or of a
   * member): a filter over two options is not computed again for every assignment of a third. `dependsOn` may be
   * given the value, when what it depends on is only known from it. Bounded, so that many distinct filters cannot
   * grow it without limit.
   */
  memo<T>(key: string, compute: () => T, dependsOn?: MemoDeps | ((value: T) => MemoDeps)): T {
    const kept = this.memos.get(key);
    if (kept !== undefined && this.stillValid(kept)) return kept.value as T;
    const value = compute();
    if (this.memos.size >= MEMO_LIMIT) this.memos.clear();
    const deps = typeof dependsOn === "function" ? dependsOn(value) : dependsOn;
    this.memos.set(key, deps ? { value, deps, seen: this.writeCounts(deps) } : { value, changes: this.changes });
    return value;
  }

  /**
   * The write counts of what `deps` names, to hand back to `unchangedSince`: how a memo, or a value kept outside the
   * store (an answer in the response cache), tells whether a write since reached what it was made from.
   */
  writeCounts(deps: MemoDeps): number[] {
    const seen: number[] = [];
    for (const c of deps.collections ?? []) seen.push(this.collectionWrites.get(c) ?? 0);
    for (const o of deps.options ?? []) seen.push(this.optionWrites.get(o) ?? 0);
    for (const m of deps.members ?? []) seen.push(this.memberWrites.get(m) ?? 0);
    return seen;
  }

  /**
   * Whether the write counts of what `deps` names are still `seen` (from `writeCounts`). Compared in place: this runs
   * on every memo read and every kept answer served, and building the counts again made an array each time.
   */
  unchangedSince(deps: MemoDeps, seen: readonly number[]): boolean {
    let i = 0;
    for (const c of deps.collections ?? []) if ((this.collectionWrites.get(c) ?? 0) !== seen[i++]) return false;
    for (const o of deps.options ?? []) if ((this.optionWrites.get(o) ?? 0) !== seen[i++]) return false;
    for (const m of deps.members ?? []) if ((this.memberWrites.get(m) ?? 0) !== seen[i++]) return false;
    return true;
  }

  private stillValid(entry: MemoEntry): boolean {
    if (entry.deps === undefined) return entry.changes === this.changes;
    return this.unchangedSince(entry.deps, entry.seen!);
  }

  /** Counts a change against the collection and, for assignments, against the option and member of each side. */
  private countWrite(change: Change): void {
    this.collectionWrites.set(change.collection, (this.collectionWrites.get(change.collection) ?? 0) + 1);
    if (change.collection !== "attributeAssignments") return;
    const before = this.rows.attributeAssignments.get(change.op === "put" ? change.row.id : (change.id as string));
    for (const a of change.op === "put" ? [before, change.row] : [before]) {
      if (!a) continue;
      this.optionWrites.set(a.attributeOptionId, (this.optionWrites.get(a.attributeOptionId) ?? 0) + 1);
      this.memberWrites.set(a.memberId, (this.memberWrites.get(a.memberId) ?? 0) + 1);
    }
  }

  apply(changes: readonly Change[]): void {
    this.changes += 1;
    for (const change of changes) {
      this.countWrite(change);
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
    return this.loadedState();
  }

  /**
   * The state, but for collections still deferred (see the constructor) when `keepUnloaded`: those are left out,
   * for the caller to take from their sources (`unloaded`), and stay unloaded.
   */
  loadedState(keepUnloaded = false): State {
    const state = { meta: { ...this.meta } } as State;
    for (const collection of COLLECTIONS) {
      if (keepUnloaded && this.#unloaded.has(collection)) continue;
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
        const list = this.#historyByMember.get(p.memberId);
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
          if (t.slug !== null) this.teamBySlug.set(`${t.parentId ?? ""}:${t.slug}`, t);
        } else if (collection === "organizations") {
          const o = row as Organization;
          this.organizationBySlug.set(o.slug, o);
        } else if (collection === "users") {
          const u = row as User;
          this.userByEmail.set(u.email, u);
          bucket(this.usersByUsername, u.username, () => new Map()).set(u.id, u);
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
        if (this.holderUserIdsCache.size > 0) this.holderUserIdsCache.delete(a.attributeOptionId);
        bucket(this.assignmentsByOption, a.attributeOptionId, () => new Map()).set(a.memberId, a);
        bucket(this.assignmentsByMember, a.memberId, () => new Map()).set(a.attributeOptionId, a);
        return;
      }
      case "assignmentHistory": {
        const h = row as AssignmentHistoryEntry;
        bucket(this.#historyByMember, h.memberId, () => []).push(h);
        return;
      }
      case "schedules": {
        const sc = row as Schedule;
        this.raiseSequence("schedules", sc.id);
        if (!this.#built.has("schedules")) return;
        bucket(this.#schedulesByUser, sc.userId, () => new Map()).set(sc.id, sc);
        return;
      }
      case "eventTypes": {
        const e = row as EventType;
        this.raiseSequence("eventTypes", e.id);
        if (!this.#built.has("eventTypes")) return;
        if (e.userId != null) {
          bucket(this.#eventTypesByOwner, e.userId, () => new Map()).set(e.id, e);
          this.#eventTypeBySlug.set(`${e.userId}:${e.slug}`, e);
        }
        if (e.teamId != null) {
          bucket(this.#eventTypesByTeam, e.teamId, () => new Map()).set(e.id, e);
          this.#eventTypeBySlug.set(`t${e.teamId}:${e.slug}`, e);
        }
        for (const h of e.hosts ?? []) bucket(this.#eventTypesByHost, h.userId, () => new Map()).set(e.id, e);
        return;
      }
      case "bookings": {
        const b = row as Booking;
        this.raiseSequence("bookings", b.id);
        for (const a of b.attendees) this.raiseSequence("attendees", a.id);
        if (!this.#built.has("bookings")) return;
        this.#bookingByUid.set(b.uid, b);
        if (b.eventTypeId != null) bucket(this.#bookingsByEventType, b.eventTypeId, () => new Map()).set(b.id, b);
        if (b.userId != null) bucket(this.#bookingsByUser, b.userId, () => new Map()).set(b.id, b);
        for (const a of b.attendees) bucket(this.#bookingsByAttendeeEmail, a.email.toLowerCase(), () => new Map()).set(b.id, b);
        if (b.fromReschedule) this.#bookingByFromReschedule.set(b.fromReschedule, b);
        if (b.recurringEventId) bucket(this.#bookingsByRecurringUid, b.recurringEventId, () => new Map()).set(b.id, b);
        for (const seat of b.seatsReferences ?? []) this.#bookingBySeatUid.set(seat.referenceUid, b);
        if (BUSY_STATUSES.has(b.status)) {
          const [first, last] = utcDays(b.startTime, b.endTime);
          for (const key of participantKeys(b)) {
            const days = bucket(this.#busyByParticipantDay, key, () => new Map());
            for (let day = first; day <= last; day++) bucket(days, day, () => []).push(b);
          }
        }
        return;
      }
      case "selectedSlots": {
        const r = row as SelectedSlot;
        this.raiseSequence("selectedSlots", r.id);
        if (!this.#built.has("selectedSlots")) return;
        bucket(this.#selectedSlotsByEventType, r.eventTypeId, () => new Map()).set(r.id, r);
        bucket(this.#selectedSlotsByUid, r.uid, () => new Map()).set(r.id, r);
        bucket(this.#selectedSlotsByUser, r.userId, () => new Map()).set(r.id, r);
        return;
      }
    }
  }

  private raiseSequence(collection: SequenceCollection | "attendees", id: number): void {
    if (id > this.sequences[collection]) this.sequences[collection] = id;
  }

  private unindex(collection: CollectionName, row: Rows[CollectionName]): void {
    // A scheduling collection's indexes, not built yet, have nothing to take the row out of.
    if ((collection === "schedules" || collection === "eventTypes" || collection === "bookings" || collection === "selectedSlots") && !this.#built.has(collection)) return;
    switch (collection) {
      case "organizations": {
        this.unindexIntId(collection, row);
        const o = row as Organization;
        if (this.organizationBySlug.get(o.slug) === o) this.organizationBySlug.delete(o.slug);
        return;
      }
      case "teams": {
        this.unindexIntId(collection, row);
        const t = row as Team;
        if (t.parentId !== null) this.teamsByParent.get(t.parentId)?.delete(t.id);
        const slugKey = `${t.parentId ?? ""}:${t.slug}`;
        if (t.slug !== null && this.teamBySlug.get(slugKey) === t) this.teamBySlug.delete(slugKey);
        return;
      }
      case "users": {
        this.unindexIntId(collection, row);
        const u = row as User;
        if (this.userByEmail.get(u.email) === u) this.userByEmail.delete(u.email);
        const named = this.usersByUsername.get(u.username);
        if (named?.get(u.id) === u) named.delete(u.id);
        if (named?.size === 0) this.usersByUsername.delete(u.username);
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
        const list = this.#historyByMember.get(h.memberId);
        const at = list?.indexOf(h) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        return;
      }
      case "schedules": {
        const sc = row as Schedule;
        this.#schedulesByUser.get(sc.userId)?.delete(sc.id);
        return;
      }
      case "eventTypes": {
        const e = row as EventType;
        if (e.userId != null) {
          this.#eventTypesByOwner.get(e.userId)?.delete(e.id);
          if (this.#eventTypeBySlug.get(`${e.userId}:${e.slug}`) === e) this.#eventTypeBySlug.delete(`${e.userId}:${e.slug}`);
        }
        if (e.teamId != null) {
          this.#eventTypesByTeam.get(e.teamId)?.delete(e.id);
          if (this.#eventTypeBySlug.get(`t${e.teamId}:${e.slug}`) === e) this.#eventTypeBySlug.delete(`t${e.teamId}:${e.slug}`);
        }
        for (const h of e.hosts ?? []) this.#eventTypesByHost.get(h.userId)?.delete(e.id);
        return;
      }
      case "bookings": {
        const b = row as Booking;
        if (this.#bookingByUid.get(b.uid) === b) this.#bookingByUid.delete(b.uid);
        if (b.eventTypeId != null) this.#bookingsByEventType.get(b.eventTypeId)?.delete(b.id);
        if (b.userId != null) this.#bookingsByUser.get(b.userId)?.delete(b.id);
        for (const a of b.attendees) this.#bookingsByAttendeeEmail.get(a.email.toLowerCase())?.delete(b.id);
        if (b.fromReschedule && this.#bookingByFromReschedule.get(b.fromReschedule) === b) this.#bookingByFromReschedule.delete(b.fromReschedule);
        if (b.recurringEventId) this.#bookingsByRecurringUid.get(b.recurringEventId)?.delete(b.id);
        for (const seat of b.seatsReferences ?? []) if (this.#bookingBySeatUid.get(seat.referenceUid) === b) this.#bookingBySeatUid.delete(seat.referenceUid);
        if (BUSY_STATUSES.has(b.status)) {
          const [first, last] = utcDays(b.startTime, b.endTime);
          for (const key of participantKeys(b)) {
            const days = this.#busyByParticipantDay.get(key);
            for (let day = first; days && day <= last; day++) {
              const list = days.get(day);
              const at = list?.indexOf(b) ?? -1;
              if (list && at >= 0) {
                list.splice(at, 1);
                if (list.length === 0) days.delete(day);
              }
            }
          }
        }
        return;
      }
      case "selectedSlots": {
        const r = row as SelectedSlot;
        this.#selectedSlotsByEventType.get(r.eventTypeId)?.delete(r.id);
        const sameUid = this.#selectedSlotsByUid.get(r.uid);
        sameUid?.delete(r.id);
        if (sameUid?.size === 0) this.#selectedSlotsByUid.delete(r.uid);
        this.#selectedSlotsByUser.get(r.userId)?.delete(r.id);
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
