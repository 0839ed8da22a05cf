import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
freshScenarioEachTest((fresh) => ({ api, state, facts, base } = fresh));

const CONFLICT_MESSAGE = "Invalid Input: Trying to create a record that already exists.";
const NOT_MEMBER = "User is not a member of the organization";
const NOT_HELD = "Attribute does not belong to this user";

const option = (slug: string, optionSlug: string) => facts.optionsOf(facts.attr(slug).id).find((o) => o.slug === optionSlug)!;
/** The options a user holds, from the state, in assignment order. */
const heldOptions = (s: State, userId: number) => {
  const membership = s.memberships.find((m) => m.teamId === facts.org.id && m.userId === userId)!;
  return s.attributeAssignments
    .filter((a) => a.memberId === membership.id)
    .map((a) => s.attributeOptions.find((o) => o.id === a.attributeOptionId)!)
    .map(({ id, attributeId, value, slug, isGroup, contains }) => ({ id, attributeId, value, slug, isGroup, contains }));
};
/** A user's assignment of an option, from the state. */
const assignmentOf = (s: State, userId: number, optionId: string) =>
  s.attributeAssignments.find((a) => a.attributeOptionId === optionId && a.memberId === facts.orgMembership(userId)!.id);
/** An accepted member and an option of `attr` they do not hold. */
function unheld(attrSlug: string): { userId: number; optionId: string } {
  for (const userId of facts.memberUserIds) {
    const o = facts.optionsOf(facts.attr(attrSlug).id).find((x) => !assignmentOf(state, userId, x.id));
    if (o) return { userId, optionId: o.id };
  }
  throw new Error("no unheld option");
}
/** A user's existing assignment of an option of `attrSlug`. */
function held(attrSlug: string, weighted = false) {
  const ids = new Set(facts.optionsOf(facts.attr(attrSlug).id).map((o) => o.id));
  const a = state.attributeAssignments.find((x) => ids.has(x.attributeOptionId) && (!weighted || (x.weight !== null && x.weight > 0)))!;
  const userId = state.memberships.find((m) => m.id === a.memberId)!.userId;
  return { assignment: a, userId };
}

describe("GET /attributes/options/{userId}", () => {
  it("lists the options a user holds across attributes, to a member", async () => {
    for (const userId of facts.memberUserIds.slice(0, 6)) {
      const data = expectSuccess(await api.get(`${base}/attributes/options/${userId}`, MEMBER_KEY));
      expect(data).toEqual(heldOptions(state, userId));
    }
    const someone = facts.memberUserIds.find((u) => heldOptions(state, u).length >= 3)!;
    const attributes = new Set(heldOptions(state, someone).map((o) => o.attributeId));
    expect(attributes.size).toBeGreaterThan(1);
  });

  it("answers an empty list for a member who holds nothing", async () => {
    const userId = facts.memberId;
    for (const o of heldOptions(state, userId)) expectSuccess(await api.del(`${base}/attributes/options/${userId}/${o.id}`));
    expect(expectSuccess(await api.get(`${base}/attributes/options/${userId}`))).toEqual([]);
  });

  // organization-attribute-options.repository.ts (getOrganizationAttributeOptionsForUser): no membership check,
  // only the options the user's membership of this organization holds.
  it("answers 200 with nothing for a pending member, an outsider and an unknown user", async () => {
    for (const userId of [facts.pendingUserIds[0]!, facts.outsiderIds[0]!, 999999]) {
      expect(expectSuccess(await api.get(`${base}/attributes/options/${userId}`))).toEqual([]);
    }
  });

  it.each(["abc", "1.5", "0", "-2"])("answers 400 naming userId for %s", async (userId) => {
    expectError(await api.get(`${base}/attributes/options/${userId}`), 400, "BadRequestException", /userId/);
  });
});

describe("POST /attributes/options/{userId} (assign)", () => {
  it("assigns an option of a select attribute and answers 201 with the assignment", async () => {
    const { userId, optionId } = unheld("skills");
    const skills = facts.attr("skills");
    const data = expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: skills.id, attributeOptionId: optionId }), 201);
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      memberId: facts.orgMembership(userId)!.id,
      attributeOptionId: optionId,
      weight: null,
      createdAt: expect.any(String),
      createdById: facts.adminId,
      createdByDSyncId: null,
      updatedAt: expect.any(String),
      updatedById: null,
      updatedByDSyncId: null,
    });
    const after = await api.state();
    expect(after.attributeAssignments).toContainEqual(data);
    expect(expectSuccess(await api.get(`${base}/attributes/options/${userId}`)).map((o: { id: string }) => o.id)).toContain(optionId);
  });

  it("stores the weight given, 0 included, as the owner", async () => {
    const skills = facts.attr("skills");
    const first = unheld("skills");
    const withWeight = expectSuccess(
      await api.post(`${base}/attributes/options/${first.userId}`, { attributeId: skills.id, attributeOptionId: first.optionId, weight: 0 }, OWNER_KEY),
      201,
    );
    expect(withWeight.weight).toBe(0);
    state = await api.state();
    const second = unheld("skills");
    expect(expectSuccess(await api.post(`${base}/attributes/options/${second.userId}`, { attributeId: skills.id, attributeOptionId: second.optionId, weight: 37.5 }), 201).weight).toBe(37.5);
  });

  it("adds a second option of a single select attribute without replacing the first", async () => {
    const dept = facts.attr("department");
    const { userId, optionId } = unheld("department");
    const before = heldOptions(state, userId).filter((o) => o.attributeId === dept.id);
    expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: dept.id, attributeOptionId: optionId }), 201);
    const after = expectSuccess(await api.get(`${base}/attributes/options/${userId}`)).filter((o: { attributeId: string }) => o.attributeId === dept.id);
    expect(after).toHaveLength(before.length + 1);
  });

  it("answers 409 CONFLICT when the user already holds the option", async () => {
    const { assignment, userId } = held("skills");
    const res = await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: assignment.attributeOptionId });
    expectError(res, 409, "CONFLICT", CONFLICT_MESSAGE);
    expect((await api.state()).attributeAssignments).toEqual(state.attributeAssignments);
  });

  it.each(["department", "skills", "legacy-region"])("answers 400 for a value on the select attribute %s", async (slug) => {
    const res = await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: facts.attr(slug).id, value: "Anything" });
    expectError(res, 400, "BadRequestException", "Attribute type does not support value");
  });

  // organization-attribute-options.repository.ts (assignOrganizationAttributeOptionToUser): a `value` always
  // creates a new option, slug slugify(value), even when the attribute has that value already.
  it("creates an option from a TEXT value, slugified, and a new one for the next user", async () => {
    const job = facts.attr("job-title");
    const [u1, u2] = facts.memberUserIds.slice(3, 5);
    const first = expectSuccess(await api.post(`${base}/attributes/options/${u1}`, { attributeId: job.id, value: "Staff Engineer II" }), 201);
    const options = expectSuccess(await api.get(`${base}/attributes/${job.id}/options`));
    expect(options).toHaveLength(facts.optionsOf(job.id).length + 1);
    expect(options.at(-1)).toEqual({ id: first.attributeOptionId, attributeId: job.id, value: "Staff Engineer II", slug: "staff-engineer-ii", isGroup: false, contains: [] });
    const second = expectSuccess(await api.post(`${base}/attributes/options/${u2}`, { attributeId: job.id, value: "Staff Engineer II" }), 201);
    expect(second.attributeOptionId).not.toBe(first.attributeOptionId);
    expect(second.memberId).toBe(facts.orgMembership(u2!)!.id);
    const after = expectSuccess(await api.get(`${base}/attributes/${job.id}/options`));
    expect(after).toHaveLength(facts.optionsOf(job.id).length + 2);
    expect(after.at(-1)).toEqual({ id: second.attributeOptionId, attributeId: job.id, value: "Staff Engineer II", slug: "staff-engineer-ii", isGroup: false, contains: [] });
    const assigned = expectSuccess(await api.get(`${base}/attributes/slugs/job-title/options/assigned`));
    expect(assigned.find((o: { id: string }) => o.id === first.attributeOptionId).assignedUserIds).toEqual([u1]);
    expect(assigned.find((o: { id: string }) => o.id === second.attributeOptionId).assignedUserIds).toEqual([u2]);
  });

  it("makes a new option even for a seeded TEXT value, with the same slug", async () => {
    const job = facts.attr("job-title");
    const existing = facts.optionsOf(job.id).find((o) => o.slug === "team-lead")!;
    const userId = facts.memberUserIds.find((u) => !assignmentOf(state, u, existing.id))!;
    const data = expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: job.id, value: "Team Lead" }), 201);
    expect(data.attributeOptionId).not.toBe(existing.id);
    const after = await api.state();
    expect(after.attributeOptions).toHaveLength(state.attributeOptions.length + 1);
    expect(after.attributeOptions.find((o) => o.id === data.attributeOptionId)).toMatchObject({ value: "Team Lead", slug: "team-lead" });
  });

  // packages/lib/slugify.ts: "C++" and "C" are both `c`; "2.5" keeps its dot.
  it("gives two values that slugify alike the same slug, each its own option", async () => {
    const job = facts.attr("job-title");
    const [u1, u2, u3] = facts.memberUserIds.slice(5, 8);
    const cpp = expectSuccess(await api.post(`${base}/attributes/options/${u1}`, { attributeId: job.id, value: "C++" }), 201);
    const c = expectSuccess(await api.post(`${base}/attributes/options/${u2}`, { attributeId: job.id, value: "C" }), 201);
    expect(c.attributeOptionId).not.toBe(cpp.attributeOptionId);
    const options = (await api.state()).attributeOptions;
    const cppOption = options.find((o) => o.id === cpp.attributeOptionId)!;
    const cOption = options.find((o) => o.id === c.attributeOptionId)!;
    expect([cppOption.value, cOption.value]).toEqual(["C++", "C"]);
    expect(cppOption.slug).toBe("c");
    expect(cOption.slug).toBe("c");
    // The same value again is another option.
    expect(expectSuccess(await api.post(`${base}/attributes/options/${u3}`, { attributeId: job.id, value: "C" }), 201).attributeOptionId).not.toBe(c.attributeOptionId);
    expect(expectSuccess(await api.get(`${base}/attributes/options/${u2}`)).find((o: { id: string }) => o.id === c.attributeOptionId).value).toBe("C");

    const years = facts.attr("years-of-experience");
    const neg = expectSuccess(await api.post(`${base}/attributes/options/${u1}`, { attributeId: years.id, value: "-2.5" }), 201);
    const pos = expectSuccess(await api.post(`${base}/attributes/options/${u2}`, { attributeId: years.id, value: "2.5" }), 201);
    expect(pos.attributeOptionId).not.toBe(neg.attributeOptionId);
    expect((await api.state()).attributeOptions.find((o) => o.id === pos.attributeOptionId)).toMatchObject({ value: "2.5", slug: "2.5" });
  });

  it("gives a user the same TEXT value twice as two options", async () => {
    const job = facts.attr("job-title");
    const a = expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: job.id, value: "Sherpa" }), 201);
    const b = expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: job.id, value: "Sherpa" }), 201);
    expect(b.attributeOptionId).not.toBe(a.attributeOptionId);
    // Assigning an option the user holds is still the unique-constraint conflict.
    expectError(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: job.id, attributeOptionId: a.attributeOptionId }), 409, "CONFLICT", CONFLICT_MESSAGE);
  });

  it("takes any text as a NUMBER attribute's value, as Cal.com stores it", async () => {
    const years = facts.attr("years-of-experience");
    const ok = expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: years.id, value: "42" }), 201);
    expect((await api.state()).attributeOptions.find((o) => o.id === ok.attributeOptionId)).toMatchObject({ attributeId: years.id, value: "42", slug: "42" });
    for (const [value, slug] of [["many", "many"], ["12abc", "12abc"], ["0x1f", "0x1f"], ["1,5", "1-5"], ["!!!", ""]] as const) {
      const data = expectSuccess(await api.post(`${base}/attributes/options/${facts.adminId}`, { attributeId: years.id, value }), 201);
      expect((await api.state()).attributeOptions.find((o) => o.id === data.attributeOptionId)).toMatchObject({ value, slug });
    }
  });

  it.each(["-2.5", "0.75", "1e3", "+7"])("takes the decimal number %s for a NUMBER attribute", async (value) => {
    const years = facts.attr("years-of-experience");
    const data = expectSuccess(await api.post(`${base}/attributes/options/${facts.adminId}`, { attributeId: years.id, value }), 201);
    expect((await api.state()).attributeOptions.find((o) => o.id === data.attributeOptionId)?.value).toBe(value);
  });

  it("answers 400 when neither value nor attributeOptionId is given", async () => {
    expectError(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: facts.attr("job-title").id }), 400, "BadRequestException", /value|attributeOptionId/);
    expectError(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: facts.attr("skills").id, weight: 3 }), 400, "BadRequestException", /value|attributeOptionId/);
  });

  // organization-attribute-options.repository.ts (assignOrganizationAttributeOptionToUser) creates the row from
  // attributeOptionId alone: an option of another attribute of the organization is assigned, under its own attribute.
  it("assigns an option of another attribute of the organization, as Cal.com does, under the option's attribute", async () => {
    const sales = option("department", "sales");
    const userId = facts.memberUserIds.find((id) => !assignmentOf(state, id, sales.id))!;
    const data = expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: sales.id }), 201);
    expect(data.attributeOptionId).toBe(sales.id);
    const held = expectSuccess(await api.get(`${base}/attributes/options/${userId}`));
    expect(held).toContainEqual(expect.objectContaining({ id: sales.id, attributeId: facts.attr("department").id }));
    const history = expectSuccess(await api.get(`${base}/attributes/assignments/${userId}/history`));
    expect(history.auditLogs[0].changes[0]).toMatchObject({ type: "ASSIGNED", attribute: { id: facts.attr("department").id }, current: { optionId: sales.id } });
  });

  it("answers 400 BAD_REQUEST for an option that does not exist", async () => {
    const res = await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: facts.attr("skills").id, attributeOptionId: "cnothere0000000000000000000" });
    expectError(res, 400, "BAD_REQUEST", "Invalid input: The referenced data does not exist.");
  });

  it("answers 404 for an unknown attribute", async () => {
    const res = await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: "cnothere0000000000000000000", attributeOptionId: option("skills", "go").id });
    expectError(res, 404, "NotFoundException", "Attribute not found");
  });

  it("answers 404 for a pending member, an outsider and an unknown user", async () => {
    for (const userId of [facts.pendingUserIds[0]!, facts.outsiderIds[0]!, 424242]) {
      const res = await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: option("skills", "go").id });
      expectError(res, 404, "NotFoundException", NOT_MEMBER);
    }
    expect((await api.state()).attributeAssignments).toEqual(state.attributeAssignments);
  });

  it.each([
    [{}, /attributeId/],
    [{ attributeId: "" }, /attributeId/],
    [{ attributeId: "x", attributeOptionId: "y", weight: -1 }, /weight/],
    [{ attributeId: "x", attributeOptionId: "y", weight: "5" }, /weight/],
    [{ attributeId: "x", value: "" }, /value/],
    [{ attributeId: 12 }, /attributeId/],
  ])("answers 400 naming the field for %j", async (body, field) => {
    expectError(await api.post(`${base}/attributes/options/${facts.memberId}`, body), 400, "BadRequestException", field);
  });

  it("refuses a member with the RolesGuard message", async () => {
    const { userId, optionId } = unheld("skills");
    const res = await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: optionId }, MEMBER_KEY);
    expectError(res, 403, "ForbiddenException", /^RolesGuard - user with id=\d+ does not have the minimum required role=ORG_ADMIN/);
  });
});

describe("DELETE /attributes/options/{userId}/{attributeOptionId} (unassign)", () => {
  it("removes the assignment and answers it", async () => {
    const { assignment, userId } = held("skills", true);
    const data = expectSuccess(await api.del(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`));
    expect(data).toMatchObject({ id: assignment.id, memberId: assignment.memberId, attributeOptionId: assignment.attributeOptionId });
    expect(Object.keys(data).sort()).toEqual(expect.arrayContaining(["attributeOptionId", "id", "memberId"]));
    const mine = expectSuccess(await api.get(`${base}/attributes/options/${userId}`));
    expect(mine.map((o: { id: string }) => o.id)).not.toContain(assignment.attributeOptionId);
    expect(mine).toHaveLength(heldOptions(state, userId).length - 1);
    expect((await api.state()).attributeAssignments.find((a) => a.id === assignment.id)).toBeUndefined();
    // The option itself stays.
    expect((await api.state()).attributeOptions.map((o) => o.id)).toContain(assignment.attributeOptionId);
  });

  it("answers 404 for an option the user does not hold, or no longer holds", async () => {
    const { userId, optionId } = unheld("skills");
    expectError(await api.del(`${base}/attributes/options/${userId}/${optionId}`), 404, "NotFoundException", NOT_HELD);
    expectError(await api.del(`${base}/attributes/options/${userId}/cnothere0000000000000000000`), 404, "NotFoundException", NOT_HELD);
    const { assignment, userId: holder } = held("department");
    expectSuccess(await api.del(`${base}/attributes/options/${holder}/${assignment.attributeOptionId}`));
    expectError(await api.del(`${base}/attributes/options/${holder}/${assignment.attributeOptionId}`), 404, "NotFoundException", NOT_HELD);
  });

  it("answers 404 for a user who is not an accepted member", async () => {
    for (const userId of [facts.pendingUserIds[0]!, facts.outsiderIds[0]!]) {
      expectError(await api.del(`${base}/attributes/options/${userId}/${option("skills", "go").id}`), 404, "NotFoundException", NOT_MEMBER);
    }
  });

  // organizations-attributes-options.controller.ts: @Roles("ORG_MEMBER") on unassign.
  it("lets a member unassign, their own option or another user's", async () => {
    const mine = heldOptions(state, facts.memberId)[0]!;
    expectSuccess(await api.del(`${base}/attributes/options/${facts.memberId}/${mine.id}`, MEMBER_KEY));
    const other = state.attributeAssignments.find((a) => a.memberId !== facts.orgMembership(facts.memberId)!.id)!;
    const otherUser = state.memberships.find((m) => m.id === other.memberId)!.userId;
    expectSuccess(await api.del(`${base}/attributes/options/${otherUser}/${other.attributeOptionId}`, MEMBER_KEY));
    expect((await api.state()).attributeAssignments).toHaveLength(state.attributeAssignments.length - 2);
  });
});

describe("PATCH /attributes/options/{userId}/{attributeOptionId} (weight)", () => {
  it("updates the weight and answers the assignment", async () => {
    const { assignment, userId } = held("skills", true);
    const data = expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`, { weight: assignment.weight! + 11 }));
    expect(data).toEqual({ ...assignment, weight: assignment.weight! + 11, updatedAt: expect.any(String), updatedById: facts.adminId });
    expect(Date.parse(data.updatedAt)).toBeGreaterThan(Date.parse(assignment.createdAt));
    expect(assignmentOf(await api.state(), userId, assignment.attributeOptionId)!.weight).toBe(assignment.weight! + 11);
  });

  it("accepts a weight of 0 and a fractional weight", async () => {
    const { assignment, userId } = held("skills", true);
    const path = `${base}/attributes/options/${userId}/${assignment.attributeOptionId}`;
    expect(expectSuccess(await api.patch(path, { weight: 0 })).weight).toBe(0);
    expect(expectSuccess(await api.patch(path, { weight: 2.25 })).weight).toBe(2.25);
  });

  it("gives a weight to an assignment that had none", async () => {
    const { assignment, userId } = held("department");
    expect(assignment.weight).toBeNull();
    expect(expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`, { weight: 5 })).weight).toBe(5);
  });

  it("changes nothing for an empty body", async () => {
    const { assignment, userId } = held("skills", true);
    const data = expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`, {}));
    expect(data).toEqual(assignment);
    expect((await api.state()).attributeAssignments).toEqual(state.attributeAssignments);
  });

  it.each([[{ weight: -1 }], [{ weight: -0.5 }], [{ weight: "3" }], [{ weight: null }]])("answers 400 naming weight for %j", async (body) => {
    const { assignment, userId } = held("skills", true);
    expectError(await api.patch(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`, body), 400, "BadRequestException", /weight/);
    expect((await api.state()).attributeAssignments).toEqual(state.attributeAssignments);
  });

  it("answers 404 for an option the user does not hold, and for a non-member", async () => {
    const { userId, optionId } = unheld("skills");
    expectError(await api.patch(`${base}/attributes/options/${userId}/${optionId}`, { weight: 1 }), 404, "NotFoundException", NOT_HELD);
    expectError(await api.patch(`${base}/attributes/options/${facts.outsiderIds[0]}/${optionId}`, { weight: 1 }), 404, "NotFoundException", NOT_MEMBER);
  });

  it("refuses a member", async () => {
    const { assignment, userId } = held("skills", true);
    expectError(await api.patch(`${base}/attributes/options/${userId}/${assignment.attributeOptionId}`, { weight: 1 }, MEMBER_KEY), 403, "ForbiddenException", /RolesGuard/);
  });
});
