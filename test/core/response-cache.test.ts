import { describe, expect, it } from "vitest";
import { cachedAndFresh, scenarioFacts } from "../support/harness.js";

// Repeated GETs are answered from a cache (src/routes/response-cache.ts): what it answers must always be what
// computing afresh answers, through writes and resets.
describe("the response cache", () => {
  const servers = cachedAndFresh();

  it("answers like a server without it, after every write and reset", async () => {
    const { cached, fresh } = servers;
    const facts = scenarioFacts(await cached.api.state());
    const base = `/v2/organizations/${facts.org.id}`;
    const skills = facts.attr("skills");
    const [option] = facts.optionsOf(skills.id);
    const reads = [
      `${base}/attributes/slugs/skills/options/assigned?teamIds=2,3`,
      `${base}/attributes/${skills.id}/options`,
      `${base}/attributes/options/${facts.memberId}`,
      `${base}/attributes/assignments/${facts.memberId}/history`,
    ];
    const same = async () => {
      for (const url of reads) {
        const [a, b] = await Promise.all([cached.api.get(url), fresh.api.get(url)]);
        expect(a.status).toBe(200);
        const strip = (body: { data: unknown }) => JSON.stringify(body.data).replace(/"(id|timestamp|nextCursor)":"[^"]*"/g, "");
        expect(strip(a.body), url).toBe(strip(b.body));
      }
    };
    await same();
    await same(); // the second round comes from the cache
    const held = (await cached.api.get(`${base}/attributes/options/${facts.memberId}`)).body.data.map((o: { id: string }) => o.id);
    for (const { api } of [cached, fresh]) {
      const write = held.includes(option!.id)
        ? await api.del(`${base}/attributes/options/${facts.memberId}/${option!.id}`)
        : await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: skills.id, attributeOptionId: option!.id });
      expect(write.status).toBeLessThan(300);
    }
    await same();
    const after = (await cached.api.get(`${base}/attributes/options/${facts.memberId}`)).body.data.map((o: { id: string }) => o.id);
    expect(after.includes(option!.id)).toBe(!held.includes(option!.id));
    await cached.mock.reset();
    const reset = (await cached.api.get(`${base}/attributes/options/${facts.memberId}`)).body.data.map((o: { id: string }) => o.id);
    expect(reset).toEqual(held);
  });
});
