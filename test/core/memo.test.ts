import { describe, expect, it } from "vitest";
import { assignedOptions } from "../../src/store/queries/options.js";
import { listOrgUsers } from "../../src/store/queries/users.js";
import { scenarioState } from "../../src/store/scenarios.js";
import type { AttributeAssignment, Change, State } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import { generator } from "../support/random.js";

/**
 * Values the store memoizes are kept across writes to what they do not depend on (Store.memo's `dependsOn`). Each
 * answer below, read from a store that has kept its memos through a long run of writes, must equal the answer of a
 * store built afresh from the same state (no memos at all).
 */

function answers(store: Store, state: State) {
  const org = state.organizations[0]!;
  const teams = state.teams.filter((t) => t.parentId === org.id).map((t) => t.id);
  const attributes = state.attributes.filter((a) => a.teamId === org.id);
  const options = state.attributeOptions.filter((o) => attributes.some((a) => a.id === o.attributeId)).map((o) => o.id);
  const out: unknown[] = [];
  const attempt = (f: () => unknown) => {
    try {
      out.push(f());
    } catch (err) {
      out.push(`error: ${(err as Error).message}`);
    }
  };
  // Every pair of the organization's options, under each operator: some pairs share holders, whose order AND
  // and OR list by their assignments' ids.
  for (const operator of ["AND", "OR", "NONE"] as const) {
    for (let i = 0; i < options.length; i++) {
      for (let j = i + 1; j < options.length; j++) {
        attempt(() => listOrgUsers(store, org.id, { skip: 0, take: 1000, assignedOptionIds: [options[i]!, options[j]!], attributeQueryOperator: operator }));
      }
    }
  }
  attempt(() => listOrgUsers(store, org.id, { skip: 0, take: 1000 }));
  for (const teamIds of [[teams[0]!], [teams[1]!], teams]) attempt(() => listOrgUsers(store, org.id, { skip: 0, take: 1000, teamIds }));
  for (const attribute of attributes) {
    attempt(() => assignedOptions(store, org.id, { id: attribute.id }, { skip: 0, take: 100 }));
    for (const teamIds of [[teams[0]!], [teams[1]!], teams]) {
      attempt(() => assignedOptions(store, org.id, { id: attribute.id }, { skip: 0, take: 100, teamIds }));
      for (const optionId of options) attempt(() => assignedOptions(store, org.id, { slug: attribute.slug }, { skip: 0, take: 100, assignedOptionIds: [optionId], teamIds }));
    }
    for (const optionId of options) attempt(() => assignedOptions(store, org.id, { id: attribute.id }, { skip: 0, take: 100, assignedOptionIds: [optionId] }));
  }
  return out;
}

describe("memoized values", () => {
  it("answer as a store without memos does, through assignments, unassignments and membership changes", () => {
    const state = scenarioState("multi-org", 3);
    const store = new Store(state);
    const random = generator(7);
    const org = state.organizations[0]!;
    const options = state.attributeOptions.map((o) => o.id);
    let n = 0;
    for (let step = 0; step < 200; step++) {
      // Read first, so every memo is filled before the write that may have to invalidate it.
      answers(store, state);
      const assignments = [...store.rows.attributeAssignments.values()];
      const members = [...store.rows.memberships.values()].filter((m) => m.teamId === org.id);
      const changes: Change[] = [];
      const kind = random(10);
      if (kind < 4) {
        const member = members[random(members.length)]!;
        const optionId = options[random(options.length)]!;
        if (store.assignmentsByOption.get(optionId)?.has(member.id)) continue;
        // Random ids, so a new row may sort before or after a member's others (the order AND lists by).
        const id = `${random(16 ** 8).toString(16).padStart(8, "0")}-0000-4000-8000-${String(n++).padStart(12, "0")}`;
        const row: AttributeAssignment = { id, memberId: member.id, attributeOptionId: optionId, weight: null, createdAt: "2026-01-01T00:00:00.000Z", createdById: null, createdByDSyncId: null, updatedAt: "2026-01-01T00:00:00.000Z", updatedById: null, updatedByDSyncId: null };
        changes.push({ op: "put", collection: "attributeAssignments", row });
      } else if (kind < 8 && assignments.length > 0) {
        changes.push({ op: "del", collection: "attributeAssignments", id: assignments[random(assignments.length)]!.id });
      } else if (kind < 9) {
        const member = members[random(members.length)]!;
        changes.push({ op: "put", collection: "memberships", row: { ...member, accepted: !member.accepted } });
      } else {
        // Joining or leaving one of the organization's teams: the teams filters read those memberships.
        const team = state.teams.filter((t) => t.parentId === org.id)[random(2)]!;
        const user = members[random(members.length)]!.userId;
        const held = store.membershipByTeamUser.get(`${team.id}:${user}`);
        changes.push(held ? { op: "del", collection: "memberships", id: held.id } : { op: "put", collection: "memberships", row: { id: 500_000 + step, teamId: team.id, userId: user, role: "MEMBER", accepted: true, disableImpersonation: false } });
      }
      store.apply(changes);
      expect(answers(store, state), `after step ${step}: ${JSON.stringify(changes)}`).toEqual(answers(new Store(store.toState()), state));
    }
  });
});
