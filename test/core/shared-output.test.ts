import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeJson } from "../../src/routes/answer-json.js";
import type { MockServer } from "../../src/server.js";
import { sharedOutput } from "../../src/store/shared-output.js";
import { scenarioFacts, startMock, type Client } from "../support/harness.js";

// List items a query hands out unchanged between answers keep their JSON (src/store/shared-output.ts): the text
// must be JSON.stringify's, and a write to a listed row must show at once, with or without the response cache.
describe("list items serialized once", () => {
  it("joins kept item texts into exactly the text JSON.stringify gives", () => {
    const a = sharedOutput({ id: 1, name: "Ann \u2028 \"quoted\"", nested: { list: [1, 2], none: null }, gone: undefined });
    const b = sharedOutput({ id: 2, name: "Bo", when: new Date(0) });
    const envelopes: Array<Record<string, unknown>> = [
      { status: "success", data: [a, b] },
      { status: "success", data: [a, b, a], pagination: { totalItems: 3, hasNextPage: false } },
      { status: "success", data: [a, undefined, { plain: true }, b], skipped: undefined, "odd \"key\"": [1] },
      { status: "success", data: [] },
      { status: "success", data: [{ notShared: 1 }, a] },
    ];
    for (const envelope of envelopes) {
      // Twice: the second time the items' texts are the kept ones.
      expect(envelopeJson(envelope)).toBe(JSON.stringify(envelope));
      expect(envelopeJson(envelope)).toBe(JSON.stringify(envelope));
    }
  });

  for (const responseCache of [false, true]) {
    describe(responseCache ? "with the response cache" : "without the response cache", () => {
      let server: { mock: MockServer; api: Client };
      beforeAll(async () => {
        server = await startMock({ responseCache });
      });
      afterAll(async () => {
        await server.mock.close();
      });

      it("an org user's change and an option's new holder show in the next list", async () => {
        const { api } = server;
        const facts = scenarioFacts(await api.state());
        const base = `/v2/organizations/${facts.org.id}`;
        const list = async () => (await api.get(`${base}/users?take=250`)).body.data as Array<{ id: number; bio: string | null }>;
        const before = await list();
        expect(before.some((u) => u.id === facts.memberId)).toBe(true);
        expect((await api.patch(`${base}/users/${facts.memberId}`, { bio: `bio ${responseCache}` })).status).toBe(200);
        const after = await list();
        expect(after.find((u) => u.id === facts.memberId)!.bio).toBe(`bio ${responseCache}`);
        // Every other user is listed as before.
        expect(after.filter((u) => u.id !== facts.memberId)).toEqual(before.filter((u) => u.id !== facts.memberId));

        const skills = facts.attr("skills");
        const assigned = async () =>
          (await api.get(`${base}/attributes/slugs/skills/options/assigned`)).body.data as Array<{ id: string; assignedUserIds: number[] }>;
        const held = new Set((await api.get(`${base}/attributes/options/${facts.adminId}`)).body.data.map((o: { id: string }) => o.id));
        const option = facts.optionsOf(skills.id).find((o) => !held.has(o.id))!;
        const listed = await assigned();
        expect(listed.find((o) => o.id === option.id)?.assignedUserIds ?? []).not.toContain(facts.adminId);
        expect((await api.post(`${base}/attributes/options/${facts.adminId}`, { attributeId: skills.id, attributeOptionId: option.id })).status).toBe(201);
        expect((await assigned()).find((o) => o.id === option.id)!.assignedUserIds).toContain(facts.adminId);
        expect((await api.del(`${base}/attributes/options/${facts.adminId}/${option.id}`)).status).toBe(200);
        expect((await assigned()).find((o) => o.id === option.id)?.assignedUserIds ?? []).not.toContain(facts.adminId);
      });
    });
  }
});
