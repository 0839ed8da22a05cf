import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { ScenarioRecipe } from "../../src/store/seed.js";
import { makeTempDir, startMock, writeScenario } from "../support/harness.js";

const RECIPE: ScenarioRecipe = {
  name: "two-orgs",
  description: "Two small organizations.",
  organizations: [
    {
      name: "North",
      slug: "north",
      teams: ["A", "B"],
      members: 6,
      pendingMembers: 1,
      keyedUsers: [{ role: "ADMIN", username: "north-admin", apiKey: "cal_test_north_admin" }],
      attributes: [
        { name: "Skill", slug: "skill", type: "MULTI_SELECT", options: ["X", "Y", "Z"], perMember: [1, 3], weighted: true, coverage: 0.8 },
        { name: "Title", slug: "title", type: "TEXT", values: ["P", "Q"], coverage: 0.5 },
      ],
    },
    { name: "South", slug: "south", teams: ["C"], members: 4, attributes: [{ name: "Skill", slug: "skill", type: "SINGLE_SELECT", options: ["X"], coverage: 1 }] },
  ],
  outsiders: 2,
};

const servers: MockServer[] = [];
let dir: string;

async function start(options: { seed?: number; scenario?: string } = {}): Promise<MockServer> {
  const { mock } = await startMock(options);
  servers.push(mock);
  return mock;
}
const stateText = async (mock: MockServer) => (await fetch(`${mock.url}/__admin/state`)).text();
/** The state document inside a GET /__admin/state answer; `any`, as JSON.parse gives, for the rows the tests reach into. */
const stateOf = (text: string): any => (JSON.parse(text) as { data: unknown }).data;

beforeAll(() => {
  dir = makeTempDir();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe("determinism", () => {
  it("gives byte-identical state to two servers started with the same seed", async () => {
    const [a, b] = await Promise.all([start({ seed: 7 }), start({ seed: 7 })]);
    const [ta, tb] = await Promise.all([stateText(a!), stateText(b!)]);
    expect(ta).toBe(tb);
    const sa = stateOf(ta);
    expect(sa).toEqual(stateOf(tb));
    expect(sa.meta.seed).toBe(7);
    expect(sa.attributeAssignments.length).toBeGreaterThan(50);
  });

  it("gives different state for a different seed, from the same recipe", async () => {
    const [a, b] = await Promise.all([start({ seed: 7 }), start({ seed: 8 })]);
    const [sa, sb] = [stateOf(await stateText(a!)), stateOf(await stateText(b!))];
    expect(sa).not.toEqual(sb);
    // Same recipe: the same organizations, attributes and option values, but other people, ids and assignments.
    expect(sb.organizations).toEqual(sa.organizations);
    expect(sb.attributes.map((x: { slug: string }) => x.slug)).toEqual(sa.attributes.map((x: { slug: string }) => x.slug));
    expect(sb.attributes.map((x: { id: string }) => x.id)).not.toEqual(sa.attributes.map((x: { id: string }) => x.id));
    expect(sb.users.map((u: { name: string }) => u.name)).not.toEqual(sa.users.map((u: { name: string }) => u.name));
  });

  it("uses seed 42 when none is given", async () => {
    const [a, b] = await Promise.all([start(), start({ seed: 42 })]);
    expect(a!.meta).toMatchObject({ seed: 42, seeded: true });
    expect(await stateText(a!)).toBe(await stateText(b!));
  });

  it("is deterministic for a scenario file of one's own, and its state holds what the recipe asks", async () => {
    const file = writeScenario(dir, RECIPE);
    const [a, b, c] = await Promise.all([start({ scenario: file, seed: 11 }), start({ scenario: file, seed: 11 }), start({ scenario: file, seed: 12 })]);
    const ta = await stateText(a!);
    expect(ta).toBe(await stateText(b!));
    expect(ta).not.toBe(await stateText(c!));
    const s = stateOf(ta);
    expect(s.organizations.map((o: { slug: string }) => o.slug)).toEqual(["north", "south"]);
    expect(s.users).toHaveLength(6 + 1 + 4 + 2);
    expect(s.apiKeys.map((k: { key: string }) => k.key)).toEqual(["cal_test_north_admin"]);
    expect(s.memberships.filter((m: { accepted: boolean }) => !m.accepted)).toHaveLength(1);
  });

  it("keeps a seeded state free of run-time values: no history, UUID (v4) ids", async () => {
    const s = stateOf(await stateText(await start({ seed: 5 })));
    expect(s.assignmentHistory).toEqual([]);
    for (const row of [...s.attributes, ...s.attributeOptions, ...s.attributeAssignments]) expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
