import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
freshScenarioEachTest((fresh) => ({ api, state, facts, base } = fresh));

/** The attribute rows of the organization, as the API shows them, in database order. */
const orgAttributes = () =>
  state.attributes
    .filter((a) => a.teamId === facts.org.id)
    .map((a) => ({ ...a }));

const CONFLICT_MESSAGE = "Invalid Input: Trying to create a record that already exists.";

describe("GET /attributes", () => {
  it("lists every attribute of the organization to a member, in database order", async () => {
    const data = expectSuccess(await api.get(`${base}/attributes`, MEMBER_KEY));
    expect(orgAttributes()).toHaveLength(5);
    expect(data).toEqual(orgAttributes());
    expect(data.map((a: { type: string }) => a.type)).toEqual(["SINGLE_SELECT", "MULTI_SELECT", "TEXT", "NUMBER", "SINGLE_SELECT"]);
    expect(data.find((a: { slug: string }) => a.slug === "legacy-region").enabled).toBe(false);
  });

  it("pages with skip and take", async () => {
    const all = orgAttributes();
    expect(expectSuccess(await api.get(`${base}/attributes?take=2`))).toEqual(all.slice(0, 2));
    expect(expectSuccess(await api.get(`${base}/attributes?skip=2&take=2`))).toEqual(all.slice(2, 4));
    expect(expectSuccess(await api.get(`${base}/attributes?skip=4`))).toEqual(all.slice(4));
    expect(expectSuccess(await api.get(`${base}/attributes?skip=0&take=1`))).toEqual(all.slice(0, 1));
  });

  it("answers an empty page when skip is at or past the end", async () => {
    expect(expectSuccess(await api.get(`${base}/attributes?skip=5`))).toEqual([]);
    expect(expectSuccess(await api.get(`${base}/attributes?skip=1000&take=10`))).toEqual([]);
    expect(expectSuccess(await api.get(`${base}/attributes?skip=2147483647`))).toEqual([]);
  });

  it("accepts take at its limit of 250 and refuses 251", async () => {
    expect(expectSuccess(await api.get(`${base}/attributes?take=250`))).toEqual(orgAttributes());
    expectError(await api.get(`${base}/attributes?take=251`), 400, "BadRequestException", /take/);
  });

  it.each([
    ["take=0", /take/],
    ["take=-1", /take/],
    ["take=abc", /take/],
    ["skip=-1", /skip/],
    ["skip=abc", /skip/],
    ["skip=2147483648", /skip/],
  ])("refuses %s with a 400 naming the field", async (query, field) => {
    expectError(await api.get(`${base}/attributes?${query}`), 400, "BadRequestException", field, `${base}/attributes?${query}`);
  });

  // packages/platform/types/api.ts, SkipTakePagination: take and skip go through `parseInt` (@Transform) before
  // @IsNumber/@Min/@Max, so the leading digits count and the rest is ignored.
  it.each([
    ["take=1.5", 1, 0],
    ["take=2abc", 2, 0],
    ["take=1e3", 1, 0],
    ["take=1&take=9", 1, 0],
    ["skip=1.9", 250, 1],
    ["skip=1abc&take=1", 1, 1],
    ["take=", 250, 0],
  ])("reads %s as parseInt does", async (query, take, skip) => {
    expect(expectSuccess(await api.get(`${base}/attributes?${query}`))).toEqual(orgAttributes().slice(skip, skip + take));
  });

  it("answers take=abc with class-validator's errors for NaN, the value and the query DTO as target", async () => {
    // class-validator's IsNumber, Min and Max all fail on NaN (which serializes as null).
    const res = await api.get(`${base}/attributes?take=abc`);
    expectError(res, 400, "BadRequestException", "Bad Request Exception");
    expect(res.body.error.details).toEqual({
      errors: [
        {
          target: { take: null },
          value: null,
          property: "take",
          children: [],
          constraints: { isInt: "take must be an integer number", min: "take must not be less than 1", max: "take must not be greater than 250" },
        },
      ],
    });
  });

  it("returns nothing of an organization that has no attributes left", async () => {
    for (const a of orgAttributes()) expectSuccess(await api.del(`${base}/attributes/${a.id}`));
    expect(expectSuccess(await api.get(`${base}/attributes`))).toEqual([]);
  });
});

describe("GET /attributes/{attributeId}", () => {
  it("returns one attribute to a member", async () => {
    const skills = facts.attr("skills");
    const data = expectSuccess(await api.get(`${base}/attributes/${skills.id}`, MEMBER_KEY));
    expect(data).toEqual(orgAttributes().find((a) => a.id === skills.id));
    expect(data).toMatchObject({ slug: "skills", name: "Skills", type: "MULTI_SELECT", teamId: facts.org.id, enabled: true });
  });

  // organization-attributes.repository.ts (getOrganizationAttribute): a findUnique that finds nothing is null,
  // and the controller sends it as data.
  it("answers 200 with null data for an unknown id", async () => {
    expect(expectSuccess(await api.get(`${base}/attributes/cdoesnotexist0000000000000`))).toBeNull();
  });

  it("answers 400 for an id longer than the spec allows", async () => {
    expectError(await api.get(`${base}/attributes/${"x".repeat(256)}`), 400, "BadRequestException", /attributeId/);
  });
});

describe("POST /attributes", () => {
  it("creates a select attribute with its options and answers 201 without them", async () => {
    const res = await api.post(`${base}/attributes`, {
      name: "Office",
      slug: "office",
      type: "SINGLE_SELECT",
      options: [
        { value: "Berlin", slug: "berlin" },
        { value: "Lisbon", slug: "lisbon" },
      ],
    });
    const data = expectSuccess(res, 201);
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      teamId: facts.org.id,
      type: "SINGLE_SELECT",
      name: "Office",
      slug: "office",
      enabled: true,
      usersCanEditRelation: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      isWeightsEnabled: false,
      isLocked: false,
    });
    expect(data.updatedAt).toBe(data.createdAt);
    expect(Date.now() - Date.parse(data.createdAt)).toBeLessThan(60_000);
    const options = expectSuccess(await api.get(`${base}/attributes/${data.id}/options`));
    expect(options.map((o: { value: string; slug: string; attributeId: string }) => [o.value, o.slug, o.attributeId])).toEqual([
      ["Berlin", "berlin", data.id],
      ["Lisbon", "lisbon", data.id],
    ]);
    // It is readable and listed last.
    expect(expectSuccess(await api.get(`${base}/attributes/${data.id}`))).toEqual(data);
    const list = expectSuccess(await api.get(`${base}/attributes`));
    expect(list).toHaveLength(6);
    expect(list.at(-1)).toEqual(data);
  });

  it("creates a multi select attribute, disabled when asked, as the owner", async () => {
    const data = expectSuccess(
      await api.post(`${base}/attributes`, { name: "Langs", slug: "langs", type: "MULTI_SELECT", enabled: false, options: [{ value: "EN", slug: "en" }] }, OWNER_KEY),
      201,
    );
    expect(data).toMatchObject({ type: "MULTI_SELECT", enabled: false });
    expect(expectSuccess(await api.get(`${base}/attributes/${data.id}/options`))).toHaveLength(1);
  });

  it.each(["TEXT", "NUMBER"])("ignores the options given for a %s attribute", async (type) => {
    const data = expectSuccess(
      await api.post(`${base}/attributes`, { name: `A ${type}`, slug: `a-${type.toLowerCase()}`, type, options: [{ value: "One", slug: "one" }] }),
      201,
    );
    expect(data.type).toBe(type);
    expect(expectSuccess(await api.get(`${base}/attributes/${data.id}/options`))).toEqual([]);
    expect((await api.state()).attributeOptions.filter((o) => o.attributeId === data.id)).toEqual([]);
  });

  it("strips properties the contract does not name", async () => {
    const data = expectSuccess(
      await api.post(`${base}/attributes`, { name: "Floor", slug: "floor", type: "TEXT", options: [], teamId: 999, id: "mine", usersCanEditRelation: true }),
      201,
    );
    expect(data.teamId).toBe(facts.org.id);
    expect(data.id).not.toBe("mine");
    expect(data.usersCanEditRelation).toBe(false);
  });

  it("answers 409 CONFLICT for a slug the organization already uses", async () => {
    const res = await api.post(`${base}/attributes`, { name: "Another", slug: "department", type: "TEXT", options: [] });
    expectError(res, 409, "CONFLICT", CONFLICT_MESSAGE, `${base}/attributes`);
    expect((await api.state()).attributes).toHaveLength(state.attributes.length);
  });

  // Cal.com's AttributeOption model has no unique constraint on (attributeId, slug): createMany takes both.
  it("creates two options with the same slug", async () => {
    const res = await api.post(`${base}/attributes`, {
      name: "Dup",
      slug: "dup",
      type: "MULTI_SELECT",
      options: [
        { value: "A", slug: "same" },
        { value: "B", slug: "same" },
      ],
    });
    const created = expectSuccess(res, 201);
    const after = await api.state();
    expect(after.attributeOptions.filter((o) => o.attributeId === created.id).map((o) => [o.value, o.slug])).toEqual([
      ["A", "same"],
      ["B", "same"],
    ]);
  });

  it.each([
    [{ slug: "x", type: "TEXT", options: [] }, /name/],
    [{ name: "X", type: "TEXT", options: [] }, /slug/],
    [{ name: "X", slug: "x", options: [] }, /type/],
    [{ name: "X", slug: "x", type: "TEXT" }, /options/],
    [{ name: "", slug: "x", type: "TEXT", options: [] }, /name/],
    [{ name: "X", slug: "x", type: "COLOR", options: [] }, /type/],
    [{ name: "X", slug: "x", type: "TEXT", options: [], enabled: "yes" }, /enabled/],
    [{ name: "X", slug: "x", type: "SINGLE_SELECT", options: [{ value: "A" }] }, /options\/0\/slug/],
    [{ name: 5, slug: "x", type: "TEXT", options: [] }, /name/],
  ])("answers 400 naming the field for %j", async (body, field) => {
    expectError(await api.post(`${base}/attributes`, body), 400, "BadRequestException", field);
    expect((await api.state()).attributes).toHaveLength(state.attributes.length);
  });

  it("answers 400 for a body that is not valid JSON", async () => {
    const res = await api.request("POST", `${base}/attributes`, { rawBody: '{"name": "X",', headers: { "content-type": "application/json" } });
    expectError(res, 400, "BadRequestException", /JSON/);
  });

  it("answers 400 for a JSON body that is not an object", async () => {
    expectError(await api.post(`${base}/attributes`, [{ name: "X" }]), 400, "BadRequestException", /body/);
  });

  it("answers 400 when there is no body at all", async () => {
    expectError(await api.request("POST", `${base}/attributes`), 400, "BadRequestException", /name/);
  });
});

describe("PATCH /attributes/{attributeId}", () => {
  it("updates the given fields only and keeps the rest", async () => {
    const job = facts.attr("job-title");
    const data = expectSuccess(await api.patch(`${base}/attributes/${job.id}`, { name: "Role", enabled: false }));
    expect(data).toEqual({ ...orgAttributes().find((a) => a.id === job.id), name: "Role", enabled: false, updatedAt: expect.any(String) });
    // Prisma's @updatedAt moves on an update.
    expect(Date.parse(data.updatedAt)).toBeGreaterThan(Date.parse(job.updatedAt));
    expect(expectSuccess(await api.get(`${base}/attributes/${job.id}`))).toEqual(data);
  });

  it("changes the slug, freeing the old one and taking the new one for slug routes", async () => {
    const dept = facts.attr("department");
    expectSuccess(await api.patch(`${base}/attributes/${dept.id}`, { slug: "team-dept" }));
    expectSuccess(await api.get(`${base}/attributes/slugs/team-dept/options/assigned`));
    expect(expectSuccess(await api.get(`${base}/attributes/slugs/department/options/assigned`))).toEqual([]);
    expectSuccess(await api.post(`${base}/attributes`, { name: "Department", slug: "department", type: "TEXT", options: [] }), 201);
  });

  it("accepts an empty body and changes nothing", async () => {
    const job = facts.attr("job-title");
    expect(expectSuccess(await api.patch(`${base}/attributes/${job.id}`, {}))).toEqual(orgAttributes().find((a) => a.id === job.id));
  });

  it("accepts the attribute's own slug", async () => {
    const job = facts.attr("job-title");
    expect(expectSuccess(await api.patch(`${base}/attributes/${job.id}`, { slug: "job-title" })).slug).toBe("job-title");
  });

  it("answers 409 CONFLICT for another attribute's slug", async () => {
    const job = facts.attr("job-title");
    expectError(await api.patch(`${base}/attributes/${job.id}`, { slug: "skills" }), 409, "CONFLICT", CONFLICT_MESSAGE);
    expect(expectSuccess(await api.get(`${base}/attributes/${job.id}`)).slug).toBe("job-title");
  });

  // organization-attributes.repository.ts (updateOrganizationAttribute): Prisma's update of a missing row, which
  // the Prisma exception filter answers 404 NOT_FOUND.
  it("answers 404 NOT_FOUND for an unknown id", async () => {
    expectError(await api.patch(`${base}/attributes/cnope000000000000000000000`, { name: "X" }), 404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
  });

  it.each([
    [{ name: "" }, /name/],
    [{ type: "LIST" }, /type/],
    [{ enabled: 1 }, /enabled/],
    [{ slug: "s".repeat(256) }, /slug/],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const job = facts.attr("job-title");
    expectError(await api.patch(`${base}/attributes/${job.id}`, body), 400, "BadRequestException", field);
  });
});

describe("DELETE /attributes/{attributeId}", () => {
  it("answers the deleted attribute and removes it with its options and their assignments", async () => {
    const skills = facts.attr("skills");
    const optionIds = new Set(facts.optionsOf(skills.id).map((o) => o.id));
    const assignments = state.attributeAssignments.filter((a) => optionIds.has(a.attributeOptionId));
    expect(assignments.length).toBeGreaterThan(0);

    const data = expectSuccess(await api.del(`${base}/attributes/${skills.id}`));
    expect(data).toEqual(orgAttributes().find((a) => a.id === skills.id));

    expect(expectSuccess(await api.get(`${base}/attributes/${skills.id}`))).toBeNull();
    const after = await api.state();
    expect(after.attributes.map((a) => a.id)).not.toContain(skills.id);
    expect(after.attributeOptions.filter((o) => optionIds.has(o.id))).toEqual([]);
    expect(after.attributeAssignments.filter((a) => optionIds.has(a.attributeOptionId))).toEqual([]);
    expect(after.attributeAssignments).toHaveLength(state.attributeAssignments.length - assignments.length);
    // Every removed assignment is in its holder's history as an unassignment.
    const unassigned = after.assignmentHistory.flatMap((h) => h.changes.map((c) => ({ memberId: h.memberId, ...c })));
    expect(unassigned).toHaveLength(assignments.length);
    for (const a of assignments) {
      expect(unassigned).toContainEqual(
        expect.objectContaining({ memberId: a.memberId, type: "UNASSIGNED", current: null, previous: expect.objectContaining({ optionId: a.attributeOptionId, weight: a.weight }) }),
      );
    }
  });

  it("answers 404 for an unknown or already deleted id, and frees the slug", async () => {
    const job = facts.attr("job-title");
    expectSuccess(await api.del(`${base}/attributes/${job.id}`));
    // deleteOrganizationAttribute: Prisma's delete of a missing row, the record-not-found rule.
    expectError(await api.del(`${base}/attributes/${job.id}`), 404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
    expectSuccess(await api.post(`${base}/attributes`, { name: "Job title", slug: "job-title", type: "TEXT", options: [] }), 201);
  });
});
