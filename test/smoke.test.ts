import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMBER_KEY, scenarioFacts, startMock, type Client } from "./support/harness.js";
import type { MockServer } from "../src/server.js";

let mock: MockServer;
let api: Client;
beforeAll(async () => ({ mock, api } = await startMock()));
afterAll(() => mock.close());

describe("smoke", () => {
  it("lists the default scenario's attributes for a member", async () => {
    const facts = scenarioFacts(await api.state());
    const res = await api.get(`/v2/organizations/${facts.org.id}/attributes`, MEMBER_KEY);
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { slug: string }) => a.slug)).toEqual([
      "department",
      "skills",
      "job-title",
      "years-of-experience",
      "legacy-region",
    ]);
  });
});
