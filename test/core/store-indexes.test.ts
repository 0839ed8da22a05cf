import { describe, expect, it } from "vitest";
import { assigneeUserIds } from "../../src/store/queries/lookup.js";
import { scenarioState } from "../../src/store/scenarios.js";
import type { AttributeAssignment, Change, Membership, State } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";

/** The Store's performance indexes (rows by integer id, holders per option) must always agree with its maps. */
function holdersFromMaps(store: Store, optionId: string): number[] {
  return [...(store.assignmentsByOption.get(optionId)?.keys() ?? [])].map((memberId) => store.rows.memberships.get(memberId)!.userId);
}

/** The directory's indexes, flattened to sorted keys, so a store can be compared with one built afresh. */
function directoryIndexes(store: Store) {
  const nested = <V>(map: Map<number, Map<number, V>>) => [...map].flatMap(([a, inner]) => [...inner.keys()].map((b) => `${a}:${b}`)).sort();
  return {
    membershipsByUser: nested(store.membershipsByUser),
    profilesByOrg: nested(store.profilesByOrg),
    profilesByUser: nested(store.profilesByUser),
    teamsByParent: nested(store.teamsByParent),
    profileByOrgUsername: [...store.profileByOrgUsername].map(([k, p]) => `${k}=${p.id}`).sort(),
    userByEmail: [...store.userByEmail].map(([k, u]) => `${k}=${u.id}`).sort(),
    userByOrgUsername: [...store.userByOrgUsername].map(([k, u]) => `${k}=${u.id}`).sort(),
  };
}

function expectConsistent(store: Store): void {
  expect(directoryIndexes(store)).toEqual(directoryIndexes(new Store(store.toState())));
  for (const collection of ["organizations", "teams", "users", "memberships"] as const) {
    for (const [id, row] of store.rows[collection]) expect(store.get(collection, id)).toBe(row);
  }
  for (const optionId of store.rows.attributeOptions.keys()) {
    expect([...store.holderUserIds(optionId)]).toEqual(holdersFromMaps(store, optionId));
    expect(assigneeUserIds(store, optionId)).toEqual(holdersFromMaps(store, optionId));
  }
}

describe("store indexes", () => {
  const state: State = scenarioState("default", 42);

  it("finds every row by id and every option's holders, as the maps do", () => {
    const store = new Store(state);
    expectConsistent(store);
    expect(store.get("memberships", 999_999)).toBeUndefined();
    expect(store.get("users", -1)).toBeUndefined();
    expect(store.get("users", 1.5)).toBeUndefined();
  });

  it("keeps them right through assignments, unassignments and membership changes, and counts transactions", () => {
    const store = new Store(state);
    const option = state.attributeOptions[0]!;
    const before = [...store.holderUserIds(option.id)];
    const taken = new Set(store.assignmentsByOption.get(option.id)?.keys() ?? []);
    const member = state.memberships.find((m) => m.teamId === state.organizations[0]!.id && m.accepted && !taken.has(m.id))!;
    const added: AttributeAssignment = { id: "4d7f3c1e-2a7b-4c1d-9e0f-000000000001", memberId: member.id, attributeOptionId: option.id, weight: null, createdAt: "2025-02-03T10:00:00.000Z", createdById: null, createdByDSyncId: null, updatedAt: "2025-02-03T10:00:00.000Z", updatedById: null, updatedByDSyncId: null };

    expect(store.version).toBe(0);
    store.apply([{ op: "put", collection: "attributeAssignments", row: added }]);
    expect(store.version).toBe(1);
    expect(store.holderUserIds(option.id)).toEqual([...before, member.userId]);
    expectConsistent(store);

    const first = store.assignmentsByOption.get(option.id)!.values().next().value!;
    store.apply([{ op: "del", collection: "attributeAssignments", id: first.id }]);
    expect(store.holderUserIds(option.id)).not.toContain(store.rows.memberships.get(first.memberId)!.userId);
    expectConsistent(store);

    // A membership replaced by one of another user, and one deleted: holders follow, lookups by id too.
    const moved: Membership = { ...member, userId: state.users.at(-1)!.id };
    const gone = state.memberships.find((m) => m.teamId !== state.organizations[0]!.id)!;
    const changes: Change[] = [
      { op: "put", collection: "memberships", row: moved },
      { op: "del", collection: "memberships", id: gone.id },
      { op: "del", collection: "users", id: state.users[0]!.id },
    ];
    store.apply(changes);
    expect(store.version).toBe(3);
    expect(store.get("memberships", gone.id)).toBeUndefined();
    expect(store.get("users", state.users[0]!.id)).toBeUndefined();
    expect(store.holderUserIds(option.id)).toContain(moved.userId);
    expectConsistent(store);
  });

  it("keeps the directory's indexes right through user, profile and team changes", () => {
    const store = new Store(state);
    const user = state.users[3]!;
    const profile = state.profiles.find((p) => p.userId === user.id)!;
    const team = state.teams[0]!;
    store.apply([
      { op: "put", collection: "users", row: { ...user, email: "renamed@acme.example", username: "renamed" } },
      { op: "del", collection: "profiles", id: profile.id },
      { op: "put", collection: "teams", row: { ...team, parentId: null } },
    ]);
    expect(store.userByEmail.get("renamed@acme.example")?.id).toBe(user.id);
    expect(store.userByEmail.has(user.email)).toBe(false);
    expect(store.profilesByOrg.get(profile.organizationId)?.has(user.id)).toBe(false);
    expect(store.teamsByParent.get(state.organizations[0]!.id)?.has(team.id)).toBe(false);
    expectConsistent(store);
  });
});
