import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { cachedAndFresh } from "../support/harness.js";
import { generator } from "../support/random.js";

/**
 * The directory lists the response cache keeps through writes that do not reach them (src/routes/read-deps.ts)
 * must answer, after every kind of write that can reach them, what a server computing every answer afresh
 * answers. Each step reads every URL on both servers (filling the cache), makes one random write on the caching
 * server, and loads its state into the other (new rows get random ids, as in Cal.com, so the same write on two
 * servers would not make the same rows).
 */

function readUrls(state: State, pair: readonly [string, string]): string[] {
  const org = state.organizations[0]!;
  const base = `/v2/organizations/${org.id}`;
  const teams = state.teams.filter((t) => t.parentId === org.id).map((t) => t.id);
  const attributes = state.attributes.filter((a) => a.teamId === org.id);
  const options = state.attributeOptions.filter((o) => attributes.some((a) => a.id === o.attributeId));
  const users = state.memberships.filter((m) => m.teamId === org.id).map((m) => m.userId);
  const urls: string[] = [];
  const [o1, o2] = [options[0], options[options.length - 1]];
  for (const a of attributes) {
    urls.push(`${base}/attributes/${a.id}/options/assigned`, `${base}/attributes/slugs/${a.slug}/options/assigned?teamIds=${teams[0]}&take=3`);
    if (o1) urls.push(`${base}/attributes/slugs/${a.slug}/options/assigned?assignedOptionIds=${o1.id}`);
    if (o2) urls.push(`${base}/attributes/${a.id}/options/assigned?assignedOptionIds=${o2.id}&teamIds=${teams.join(",")}`);
  }
  for (const userId of [...users.slice(0, 4), users[users.length - 1]]) urls.push(`${base}/attributes/options/${userId}`);
  urls.push(`${base}/users`, `${base}/users?teamIds=${teams[0]}`, `${base}/users?take=2&skip=1`);
  // A pair some members hold both of: AND lists them in the order of the first of all their assignments.
  for (const op of ["AND", "OR", "NONE"]) urls.push(`${base}/users?assignedOptionIds=${pair[0]},${pair[1]}&attributeQueryOperator=${op}`);
  return urls;
}

describe("lists the response cache keeps through writes elsewhere", () => {
  const servers = cachedAndFresh();

  it("answer as computed afresh, through assignments, option, membership, team and user changes", async () => {
    const { cached, fresh } = servers;
    const random = generator(11);
    const pick = <T>(list: readonly T[]): T | undefined => list[random(list.length)];
    let kept = 0;
    let writes = 0;
    const first = await cached.api.state();
    // The pair of options the most members hold both of.
    const holdersOf = new Map<string, Set<number>>();
    for (const x of first.attributeAssignments) holdersOf.set(x.attributeOptionId, (holdersOf.get(x.attributeOptionId) ?? new Set()).add(x.memberId));
    let pair: readonly [string, string] = ["", ""];
    let most = 0;
    for (const [a, ha] of holdersOf) {
      for (const [b, hb] of holdersOf) {
        const both = a < b ? [...ha].filter((m) => hb.has(m)).length : 0;
        if (both > most) [pair, most] = [[a, b], both];
      }
    }
    expect(most).toBeGreaterThan(2);
    for (let step = 0; step < 80; step++) {
      const state = await cached.api.state();
      expect((await fresh.api.request("PUT", "/__admin/state", { key: null, body: state })).status).toBe(200);
      for (const url of readUrls(state, pair)) {
        const [a, b] = await Promise.all([cached.api.get(url), fresh.api.get(url)]);
        expect(a.status, url).toBe(b.status);
        // An error's timestamp is the moment it was answered.
        const same = (body: { timestamp?: string }) => ({ ...body, timestamp: undefined });
        expect(same(a.body), `${url} after step ${step}`).toEqual(same(b.body));
        if (a.headers.get("etag") === b.headers.get("etag")) kept++;
      }
      const org = state.organizations[0]!;
      const base = `/v2/organizations/${org.id}`;
      const attributes = state.attributes.filter((a) => a.teamId === org.id);
      const members = state.memberships.filter((m) => m.teamId === org.id);
      const teams = state.teams.filter((t) => t.parentId === org.id);
      const attribute = pick(attributes);
      const options = state.attributeOptions.filter((o) => o.attributeId === attribute?.id);
      const option = pick(options);
      // Half the writes go to members holding both options of the pair, whose place in the AND list they move.
      const holders = members.filter((m) => pair.every((o) => state.attributeAssignments.some((x) => x.memberId === m.id && x.attributeOptionId === o)));
      const member = (random(2) === 0 ? pick(holders) : undefined) ?? pick(members)!;
      const held = state.attributeAssignments.filter((x) => x.memberId === member.id);
      let write: { method: string; path: string; body?: unknown } | undefined;
      switch (random(10)) {
        case 0:
        case 1:
        case 2:
          if (attribute && option) write = { method: "POST", path: `${base}/attributes/options/${member.userId}`, body: { attributeId: attribute.id, attributeOptionId: option.id } };
          break;
        case 3:
        case 4: {
          // From a member of the pair, the non-pair row with the smallest id: its place in the AND list moves.
          const others = held.filter((x) => !pair.includes(x.attributeOptionId)).sort((x, y) => (x.id < y.id ? -1 : 1));
          const assignment = holders.includes(member) && others.length > 0 ? others[0] : pick(held);
          if (assignment) write = { method: "DELETE", path: `${base}/attributes/options/${member.userId}/${assignment.attributeOptionId}` };
          break;
        }
        case 5:
          if (attribute) write = { method: "POST", path: `${base}/attributes/${attribute.id}/options`, body: { value: String(2000 + step), slug: `s${step}` } };
          break;
        case 6:
          if (attribute && option) {
            write = random(3) === 0
              ? { method: "DELETE", path: `${base}/attributes/${attribute.id}/options/${option.id}` }
              : { method: "PATCH", path: `${base}/attributes/${attribute.id}/options/${option.id}`, body: { value: String(1000 + step) } };
          }
          break;
        case 7:
          write = { method: "PATCH", path: `${base}/users/${member.userId}`, body: { bio: `step ${step}` } };
          break;
        case 8: {
          const team = pick(teams)!;
          const inTeam = state.memberships.find((m) => m.teamId === team.id && m.userId === member.userId);
          write = inTeam
            ? { method: "DELETE", path: `${base}/teams/${team.id}/memberships/${inTeam.id}` }
            : { method: "POST", path: `${base}/teams/${team.id}/memberships`, body: { userId: member.userId, role: "MEMBER", accepted: true } };
          break;
        }
        default:
          if (member.role !== "OWNER") write = { method: "DELETE", path: `${base}/memberships/${member.id}` };
      }
      if (!write) continue;
      const answer = await cached.api.request(write.method, write.path, { body: write.body });
      if (answer.status < 300) writes++;
    }
    // The run must have written and read enough to mean something.
    expect(writes).toBeGreaterThan(50);
    expect(kept).toBeGreaterThan(1000);
  }, 120_000);
});
