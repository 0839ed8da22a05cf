import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import { scenarioFacts, startMock, type Client } from "../support/harness.js";

let mock: MockServer;
let api: Client;
beforeAll(async () => ({ mock, api } = await startMock()));
afterAll(() => mock.close());

// An update must not move a row to the end of the lists the API answers: paging would skip or repeat items.
describe("updates keep a row's place", () => {
  it("in the attribute list, the option list, assignedUserIds and a user's options", async () => {
    const facts = scenarioFacts(await api.state());
    const base = `/v2/organizations/${facts.org.id}`;
    const department = facts.attr("department");
    const skills = facts.attr("skills");
    const slugs = async () => (await api.get(`${base}/attributes`)).body.data.map((a: { slug: string }) => a.slug);
    const before = await slugs();
    expect((await api.patch(`${base}/attributes/${department.id}`, { name: "Dept", slug: "dept" })).status).toBe(200);
    expect(await slugs()).toEqual(before.map((s: string) => (s === "department" ? "dept" : s)));

    const options = async () => (await api.get(`${base}/attributes/${department.id}/options`)).body.data.map((o: { id: string }) => o.id);
    const optionIds = await options();
    expect((await api.patch(`${base}/attributes/${department.id}/options/${optionIds[0]}`, { value: "Renamed" })).status).toBe(200);
    expect(await options()).toEqual(optionIds);

    const held = async () => (await api.get(`${base}/attributes/${skills.id}/options/assigned`)).body.data as Array<{ id: string; assignedUserIds: number[] }>;
    const [first] = await held();
    const userId = first!.assignedUserIds[0]!;
    const userOptions = async () => (await api.get(`${base}/attributes/options/${userId}`)).body.data.map((o: { id: string }) => o.id);
    const heldBefore = await userOptions();
    expect((await api.patch(`${base}/attributes/options/${userId}/${first!.id}`, { weight: 99 })).status).toBe(200);
    expect((await held()).find((o) => o.id === first!.id)!.assignedUserIds).toEqual(first!.assignedUserIds);
    expect(await userOptions()).toEqual(heldBefore);
  });
});
