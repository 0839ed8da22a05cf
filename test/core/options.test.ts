import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
freshScenarioEachTest((fresh) => ({ api, state, facts, base } = fresh));

const RECORD_NOT_FOUND = "Invalid Query: The requested record was not found.";
/** The raw option row, as the option routes answer it (stored columns included). */
const output = (o: State["attributeOptions"][number]) => ({ id: o.id, attributeId: o.attributeId, value: o.value, slug: o.slug, isGroup: o.isGroup, contains: o.contains });

describe("GET /attributes/{attributeId}/options", () => {
  it.each(["department", "skills", "job-title", "years-of-experience", "legacy-region"])("lists the options of %s to a member", async (slug) => {
    const attr = facts.attr(slug);
    const data = expectSuccess(await api.get(`${base}/attributes/${attr.id}/options`, MEMBER_KEY));
    expect(data.length).toBeGreaterThan(0);
    expect(data).toEqual(facts.optionsOf(attr.id).map(output));
  });

  it("lists the select options by value and slug", async () => {
    const data = expectSuccess(await api.get(`${base}/attributes/${facts.attr("department").id}/options`));
    expect(data.map((o: { value: string }) => o.value)).toEqual(["Engineering", "Sales", "Support", "Marketing", "Finance"]);
    expect(data.map((o: { slug: string }) => o.slug)).toEqual(["engineering", "sales", "support", "marketing", "finance"]);
  });

  // organization-attributes-options.repository.ts (getOrganizationAttributeOptions): a findMany by attributeId, so an
  // attribute that does not exist simply has no options.
  it("answers 200 [] for an unknown attribute", async () => {
    expect(expectSuccess(await api.get(`${base}/attributes/cunknown00000000000000000/options`))).toEqual([]);
  });
});

describe("POST /attributes/{attributeId}/options", () => {
  it("creates an option and answers 201 with it", async () => {
    const dept = facts.attr("department");
    const data = expectSuccess(await api.post(`${base}/attributes/${dept.id}/options`, { value: "Legal", slug: "legal" }), 201);
    expect(data).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), attributeId: dept.id, value: "Legal", slug: "legal", isGroup: false, contains: [] });
    const list = expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`));
    expect(list).toHaveLength(6);
    expect(list.at(-1)).toEqual(data);
    expect((await api.state()).attributeOptions).toContainEqual(data);
  });

  it("lets two attributes use the same option slug", async () => {
    const legacy = facts.attr("legacy-region");
    const data = expectSuccess(await api.post(`${base}/attributes/${legacy.id}/options`, { value: "Sales", slug: "sales" }), 201);
    expect(data.attributeId).toBe(legacy.id);
  });

  // Cal.com's AttributeOption has no unique (attributeId, slug): organization-attribute-options.repository.ts
  // (createOrganizationAttributeOption) creates a second option with the slug.
  it("creates an option whose slug the attribute already has", async () => {
    const dept = facts.attr("department");
    const data = expectSuccess(await api.post(`${base}/attributes/${dept.id}/options`, { value: "Sales again", slug: "sales" }), 201);
    const list = expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`));
    expect(list.filter((o: { slug: string }) => o.slug === "sales").map((o: { id: string }) => o.id)).toEqual([facts.optionsOf(dept.id)[1]!.id, data.id]);
  });

  it("answers 404 for an unknown attribute", async () => {
    expectError(await api.post(`${base}/attributes/cunknown00000000000000000/options`, { value: "A", slug: "a" }), 404, "NotFoundException", "Attribute not found");
  });

  it.each([
    [{ slug: "a" }, /value/],
    [{ value: "A" }, /slug/],
    [{ value: "", slug: "a" }, /value/],
    [{ value: "A", slug: 7 }, /slug/],
    [{ value: "v".repeat(256), slug: "a" }, /value/],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const dept = facts.attr("department");
    expectError(await api.post(`${base}/attributes/${dept.id}/options`, body), 400, "BadRequestException", field);
    expect((await api.state()).attributeOptions).toHaveLength(state.attributeOptions.length);
  });

  it("refuses a member with the RolesGuard message", async () => {
    const dept = facts.attr("department");
    expectError(
      await api.post(`${base}/attributes/${dept.id}/options`, { value: "A", slug: "a" }, MEMBER_KEY),
      403,
      "ForbiddenException",
      `RolesGuard - user with id=${facts.memberId} does not have the minimum required role=ORG_ADMIN within organization with id=${facts.org.id}.`,
    );
  });
});

describe("PATCH /attributes/{attributeId}/options/{optionId}", () => {
  it("updates the value and the slug", async () => {
    const dept = facts.attr("department");
    const sales = facts.optionsOf(dept.id).find((o) => o.slug === "sales")!;
    const data = expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { value: "Revenue", slug: "revenue" }));
    expect(data).toEqual({ id: sales.id, attributeId: dept.id, value: "Revenue", slug: "revenue", isGroup: false, contains: [] });
    expect(expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`))).toContainEqual(data);
    // The old slug is free again.
    expectSuccess(await api.post(`${base}/attributes/${dept.id}/options`, { value: "Sales", slug: "sales" }), 201);
  });

  it("updates the value alone and keeps the slug; an empty body changes nothing", async () => {
    const dept = facts.attr("department");
    const sales = facts.optionsOf(dept.id).find((o) => o.slug === "sales")!;
    expect(expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { value: "Sales & Marketing" }))).toEqual({
      ...output(sales),
      value: "Sales & Marketing",
    });
    expect(expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, {}))).toEqual({ ...output(sales), value: "Sales & Marketing" });
  });

  // No unique (attributeId, slug) in Cal.com's schema: updateOrganizationAttributeOption takes another option's slug.
  it("takes a slug another option of the attribute has, and its own", async () => {
    const dept = facts.attr("department");
    const sales = facts.optionsOf(dept.id).find((o) => o.slug === "sales")!;
    expect(expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { slug: "support" })).slug).toBe("support");
    expect(expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { slug: "sales" })).slug).toBe("sales");
  });

  it("answers 404 NOT_FOUND for an unknown option, or an option of another attribute", async () => {
    const dept = facts.attr("department");
    const typescript = facts.optionsOf(facts.attr("skills").id)[0]!;
    expectError(await api.patch(`${base}/attributes/${dept.id}/options/cnothere0000000000000000000`, { value: "X" }), 404, "NOT_FOUND", RECORD_NOT_FOUND);
    expectError(await api.patch(`${base}/attributes/${dept.id}/options/${typescript.id}`, { value: "X" }), 404, "NOT_FOUND", RECORD_NOT_FOUND);
    expect((await api.state()).attributeOptions).toEqual(state.attributeOptions);
  });

  it("answers 404 for an unknown attribute", async () => {
    const sales = facts.optionsOf(facts.attr("department").id)[1]!;
    expectError(await api.patch(`${base}/attributes/cunknown00000000000000000/options/${sales.id}`, { value: "X" }), 404, "NotFoundException", "Attribute not found");
  });

  it.each([[{ value: "" }], [{ slug: "" }], [{ value: 3 }]])("answers 400 for %j", async (body) => {
    const dept = facts.attr("department");
    const sales = facts.optionsOf(dept.id)[1]!;
    expectError(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, body), 400, "BadRequestException", /value|slug/);
  });
});

describe("DELETE /attributes/{attributeId}/options/{optionId}", () => {
  it("answers the deleted option and removes it and its assignments", async () => {
    const dept = facts.attr("department");
    const support = facts.optionsOf(dept.id).find((o) => o.slug === "support")!;
    const holders = state.attributeAssignments.filter((a) => a.attributeOptionId === support.id);
    expect(holders.length).toBeGreaterThan(0);

    expect(expectSuccess(await api.del(`${base}/attributes/${dept.id}/options/${support.id}`))).toEqual(output(support));
    const list = expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`));
    expect(list.map((o: { id: string }) => o.id)).not.toContain(support.id);
    expect(list).toHaveLength(4);
    const after = await api.state();
    expect(after.attributeAssignments.filter((a) => a.attributeOptionId === support.id)).toEqual([]);
    expect(after.attributeAssignments).toHaveLength(state.attributeAssignments.length - holders.length);
    // A former holder no longer has it.
    const holder = state.memberships.find((m) => m.id === holders[0]!.memberId)!;
    const mine = expectSuccess(await api.get(`${base}/attributes/options/${holder.userId}`));
    expect(mine.map((o: { id: string }) => o.id)).not.toContain(support.id);
  });

  it("answers 404 'Attribute option not found' for an unknown, already deleted, or foreign option", async () => {
    const dept = facts.attr("department");
    const finance = facts.optionsOf(dept.id).find((o) => o.slug === "finance")!;
    const go = facts.optionsOf(facts.attr("skills").id).find((o) => o.slug === "go")!;
    expectSuccess(await api.del(`${base}/attributes/${dept.id}/options/${finance.id}`));
    expectError(await api.del(`${base}/attributes/${dept.id}/options/${finance.id}`), 404, "NotFoundException", "Attribute option not found");
    expectError(await api.del(`${base}/attributes/${dept.id}/options/cnothere0000000000000000000`), 404, "NotFoundException", "Attribute option not found");
    expectError(await api.del(`${base}/attributes/${dept.id}/options/${go.id}`), 404, "NotFoundException", "Attribute option not found");
    expect((await api.state()).attributeOptions.map((o) => o.id)).toContain(go.id);
  });

  // organization-attribute-options.repository.ts (deleteOrganizationAttributeOption) finds the option through
  // its attribute and organization: an unknown attribute is the same "Attribute option not found".
  it("answers 404 'Attribute option not found' for an unknown attribute", async () => {
    const go = facts.optionsOf(facts.attr("skills").id)[1]!;
    expectError(await api.del(`${base}/attributes/cunknown00000000000000000/options/${go.id}`), 404, "NotFoundException", "Attribute option not found");
  });
});
