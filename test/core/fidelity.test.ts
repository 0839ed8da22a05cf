/**
 * Issue 10, point by point: each test follows one behaviour read in Cal.com's API v2 source, named in its comment
 * (paths under apps/api/v2/src/ of calcom/cal.com unless said otherwise).
 */
import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
let origin: string;
freshScenarioEachTest((fresh) => {
  ({ api, state, facts, base } = fresh);
  origin = fresh.mock.url;
});

describe("item 2: error details and class-validator's ValidationError shape", () => {
  // filters/http-exception.filter.ts (HttpExceptionFilter.catch): `details: exception.getResponse()`.
  it("an HTTP exception carries NestJS's exception response as details", async () => {
    const dept = facts.attr("department");
    const missing = await api.post(`${base}/attributes/options/${facts.outsiderIds[0]}`, { attributeId: dept.id, attributeOptionId: facts.optionsOf(dept.id)[0]!.id });
    expectError(missing, 404, "NotFoundException", "User is not a member of the organization");
    expect(missing.body.error.details).toEqual({ message: "User is not a member of the organization", error: "Not Found", statusCode: 404 });
    const forbidden = await api.post(`${base}/attributes`, { name: "X", slug: "x", type: "TEXT", options: [] }, MEMBER_KEY);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.details).toEqual({ message: forbidden.body.error.message, error: "Forbidden", statusCode: 403 });
  });

  // filters/prisma-exception.filter.ts (PrismaExceptionFilter.catch): no details for the database-mapped codes.
  it("a database-mapped error (CONFLICT) has no details", async () => {
    const res = await api.post(`${base}/attributes`, { name: "Again", slug: "skills", type: "TEXT", options: [] });
    expectError(res, 409, "CONFLICT", "Invalid Input: Trying to create a record that already exists.");
    expect(res.body.error).not.toHaveProperty("details");
  });

  // app.ts (bootstrap: ValidationPipe with whitelist, transform, validationError {target, value}, and an
  // exceptionFactory throwing `new BadRequestException({errors})`), create-organization-attribute.input.ts.
  it("a failed body validation is 'Bad Request Exception' with class-validator's errors, nested for list items", async () => {
    const res = await api.post(`${base}/attributes`, { name: 7, slug: "s", type: "COLOR", options: [{ value: "v" }], extra: 1 });
    expectError(res, 400, "BadRequestException", "Bad Request Exception");
    const target = { name: 7, slug: "s", type: "COLOR", options: [{ value: "v" }] };
    expect(res.body.error.details.errors).toEqual(
      expect.arrayContaining([
        { target, value: 7, property: "name", children: [], constraints: { isString: "name must be a string" } },
        {
          target,
          value: "COLOR",
          property: "type",
          children: [],
          constraints: { isEnum: expect.stringMatching(/^type must be one of the following values: TEXT, NUMBER, SINGLE_SELECT, MULTI_SELECT/) },
        },
        {
          target,
          value: [{ value: "v" }],
          property: "options",
          children: [
            {
              target: [{ value: "v" }],
              value: { value: "v" },
              property: "0",
              children: [{ target: { value: "v" }, property: "slug", children: [], constraints: { isString: "slug must be a string", isNotEmpty: "slug should not be empty" } }],
            },
          ],
        },
      ]),
    );
    expect(res.body.error.details.errors).toHaveLength(3);
    // The mock's readable summary travels in a header, not in Cal.com's body.
    expect(res.headers.get("x-calcom-mock-diagnostics")).toBe("body name: must be string; body type: must be one of \"TEXT\", \"NUMBER\", \"SINGLE_SELECT\", \"MULTI_SELECT\", \"USER_RELATIONSHIP\"; body options/0/slug: is required");
  });

  it("a query failure names the constraint with class-validator's default message", async () => {
    const res = await api.get(`${base}/attributes?take=300`);
    expectError(res, 400, "BadRequestException", "Bad Request Exception");
    expect(res.body.error.details).toEqual({
      errors: [{ target: { take: 300, skip: 0 }, value: 300, property: "take", children: [], constraints: { max: "take must not be greater than 250" } }],
    });
    expect(res.headers.get("x-calcom-mock-diagnostics")).toBe("query take: must be <= 250");
  });

  // NestJS's ParseIntPipe on `userId` (organizations-attributes-options.controller.ts).
  it("a path integer that is not one fails as ParseIntPipe does", async () => {
    const res = await api.get(`${base}/attributes/options/abc`);
    expectError(res, 400, "BadRequestException", "Validation failed (numeric string is expected)");
    expect(res.body.error.details).toEqual({ message: "Validation failed (numeric string is expected)", error: "Bad Request", statusCode: 400 });
    expect(res.headers.get("x-calcom-mock-diagnostics")).toBe("path userId: must be integer");
  });
});

describe("item 11: integer query values through parseInt", () => {
  // get-assigned-attribute-options.input.ts: skip and take `@Transform(({value}) => value && parseInt(value))`.
  it("reads take=2abc as 2 and take=1.5 as 1 on the assigned options", async () => {
    const all = expectSuccess(await api.get(`${base}/attributes/slugs/skills/options/assigned`));
    expect(expectSuccess(await api.get(`${base}/attributes/slugs/skills/options/assigned?take=2abc`))).toEqual(all.slice(0, 2));
    expect(expectSuccess(await api.get(`${base}/attributes/slugs/skills/options/assigned?take=1.5&skip=1`))).toEqual(all.slice(1, 2));
    expectError(await api.get(`${base}/attributes/slugs/skills/options/assigned?take=abc`), 400, "BadRequestException", /take/);
  });

  it("refuses teamIds given twice", async () => {
    const [a, b] = facts.teams;
    expectError(await api.get(`${base}/attributes/slugs/skills/options/assigned?teamIds=${a!.id}&teamIds=${b!.id}`), 400, "BadRequestException", /teamIds/);
  });
});

describe("item 12: the role guard ignores accepted", () => {
  // modules/auth/guards/roles/roles.guard.ts (RolesGuard.canActivate) reads the membership's role only.
  it("a pending member's key passes with its role; assigning still needs the target's accepted membership", async () => {
    const pendingUser = facts.pendingUserIds[0]!;
    const pending = state.memberships.find((m) => m.userId === pendingUser && m.teamId === facts.org.id)!;
    const key = "cal_test_fidelity_pending_key";
    const next = { ...state, apiKeys: [...state.apiKeys, { id: "key_pending", key, userId: pendingUser, note: "pending" }] };
    expect((await api.request("PUT", "/__admin/state", { key: null, body: next })).status).toBe(200);
    expect(pending.accepted).toBe(false);
    expect(expectSuccess(await api.get(`${base}/attributes`, key)).length).toBe(state.attributes.filter((a) => a.teamId === facts.org.id).length);
    // A MEMBER invitation: reads pass, writes need ORG_ADMIN.
    expectError(await api.post(`${base}/attributes`, { name: "X", slug: "x", type: "TEXT", options: [] }, key), 403, "ForbiddenException", /minimum required role=ORG_ADMIN/);
    // organization-attributes-option.service.ts (assignOrganizationAttributeOptionToUser): `!membership.accepted` → 404.
    const dept = facts.attr("department");
    const option = facts.optionsOf(dept.id)[0]!;
    expectError(await api.post(`${base}/attributes/options/${pendingUser}`, { attributeId: dept.id, attributeOptionId: option.id }), 404, "NotFoundException", "User is not a member of the organization");
  });
});

describe("item 13: guards run before path validation", () => {
  // organizations-attributes-options.controller.ts: @UseGuards on the controller run before the ParseIntPipe of @Param.
  it("a member posting to /attributes/options/abc gets 403, an admin 400", async () => {
    expectError(await api.post(`${base}/attributes/options/abc`, { attributeId: "x" }, MEMBER_KEY), 403, "ForbiddenException", /ORG_ADMIN/);
    expectError(await api.post(`${base}/attributes/options/abc`, { attributeId: "x" }), 400, "BadRequestException", "Validation failed (numeric string is expected)");
  });
});

describe("item 22: query strings in qs's extended syntax", () => {
  // Express 4's default "query parser" (qs, extended), which Cal.com's NestJS app runs on.
  it("nests brackets and reads x[]= as a list", async () => {
    const res = await api.get(`${base}/attributes/slugs/skills/options/assigned?teamIds[]=${facts.teams[0]!.id}`);
    expectError(res, 400, "BadRequestException", /teamIds/);
    expect(res.body.error.details.errors[0].value).toEqual([String(facts.teams[0]!.id)]);
    // Unknown nested parameters are parsed and ignored.
    expect(expectSuccess(await api.get(`${base}/attributes?calendarsToLoad[0][credentialId]=1&take=1`))).toHaveLength(1);
    const journal = (await (await fetch(`${origin}/__admin/requests`)).json()) as {
      data: Array<{ query: unknown }>;
    };
    expect(journal.data.at(-1)!.query).toEqual({ calendarsToLoad: [{ credentialId: "1" }], take: "1" });
  });
});


describe("item 1: GET of an unknown attribute", () => {
  // index/organization-attributes.repository.ts (getOrganizationAttribute): findUnique finds nothing → data null.
  it("answers 200 with null data, for an unknown id and for another organization's", async () => {
    const res = await api.get(`${base}/attributes/00000000-0000-4000-8000-000000000000`, MEMBER_KEY);
    expect(res.body).toEqual({ status: "success", data: null });
  });
});

describe("item 3: unassign needs only ORG_MEMBER", () => {
  // options/organizations-attributes-options.controller.ts: @Roles("ORG_MEMBER") on unassignOrganizationAttributeOptionFromUser.
  it("lets a member unassign another user's option", async () => {
    const held = state.attributeAssignments.find((a) => a.memberId !== facts.orgMembership(facts.memberId)!.id)!;
    const userId = state.memberships.find((m) => m.id === held.memberId)!.userId;
    expect(expectSuccess(await api.del(`${base}/attributes/options/${userId}/${held.attributeOptionId}`, MEMBER_KEY))).toMatchObject({ id: held.id });
  });
});

describe("item 5: PATCH and DELETE of an unknown attribute", () => {
  // index/organization-attributes.repository.ts (updateOrganizationAttribute, deleteOrganizationAttribute): Prisma's
  // P2025, which filters/prisma-exception.filter.ts answers 404 NOT_FOUND.
  it("answers 404 NOT_FOUND, without details", async () => {
    for (const res of [await api.patch(`${base}/attributes/nope`, { name: "X" }), await api.del(`${base}/attributes/nope`)]) {
      expectError(res, 404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
    }
  });
});

describe("item 6: assigned options of an unknown attribute", () => {
  // options/organization-attribute-options.repository.ts (getOrganizationAttributeAssignedOptions): no options found.
  it("answers 200 [] by id and by slug", async () => {
    expect(expectSuccess(await api.get(`${base}/attributes/nope/options/assigned`))).toEqual([]);
    expect(expectSuccess(await api.get(`${base}/attributes/slugs/nope/options/assigned`))).toEqual([]);
  });
});

describe("item 7: assignedOptionIds with and without teamIds", () => {
  const holdersOf = (optionId: string) =>
    state.attributeAssignments.filter((a) => a.attributeOptionId === optionId).map((a) => state.memberships.find((m) => m.id === a.memberId)!.userId);

  // options/organization-attribute-options.repository.ts (getOrganizationAttributeAssignedOptions): teamIds only
  // selects which given options count (a holder in the teams); every holder of those options then matches.
  it("with teamIds, counts all holders of a qualifying option, not only those in the teams", async () => {
    const dept = facts.attr("department");
    const skills = facts.attr("skills");
    // A department option with holders both inside and outside a team, and a skill held only outside that team.
    for (const team of facts.teams) {
      const inTeam = new Set(state.memberships.filter((m) => m.teamId === team.id).map((m) => m.userId));
      for (const option of facts.optionsOf(dept.id)) {
        const holders = holdersOf(option.id);
        const outside = holders.filter((u) => !inTeam.has(u));
        if (!holders.some((u) => inTeam.has(u)) || outside.length === 0) continue;
        const skill = facts.optionsOf(skills.id).find((o) => {
          const h = holdersOf(o.id);
          return h.some((u) => inTeam.has(u)) && h.some((u) => outside.includes(u)) && !h.some((u) => holders.includes(u) && inTeam.has(u));
        });
        if (!skill) continue;
        const data = expectSuccess(await api.get(`${base}/attributes/${skills.id}/options/assigned?teamIds=${team.id}&assignedOptionIds=${option.id}`));
        // Kept because one of its holders holds the department option, though that holder is outside the team.
        expect(data.map((o: { id: string }) => o.id)).toContain(skill.id);
        return;
      }
    }
    throw new Error("the default scenario has no case for this test");
  });

  it("with teamIds and no qualifying option, answers Cal.com's 404", async () => {
    const dept = facts.attr("department");
    const option = facts.optionsOf(dept.id).find((o) => holdersOf(o.id).length > 0)!;
    // A team of another organization id counts nobody: no given option has a holder there.
    const res = await api.get(`${base}/attributes/slugs/skills/options/assigned?teamIds=999999&assignedOptionIds=${option.id}`);
    expectError(res, 404, "NotFoundException", /^Options provided in assignedOptionIds are not assigned to anyone/);
  });

  it("without teamIds, reproduces the vacuous match: unknown ids answer 200 [] once the organization has an unheld option", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expectError(await api.get(`${base}/attributes/slugs/skills/options/assigned?assignedOptionIds=${unknown}`), 404, "NotFoundException", /not assigned to anyone/);
    expectSuccess(await api.post(`${base}/attributes/${facts.attr("skills").id}/options`, { value: "Cobol", slug: "cobol" }), 201);
    expect(expectSuccess(await api.get(`${base}/attributes/slugs/skills/options/assigned?assignedOptionIds=${unknown}`))).toEqual([]);
    // With teamIds the unheld option does not qualify: the 404 again.
    expectError(await api.get(`${base}/attributes/slugs/skills/options/assigned?assignedOptionIds=${unknown}&teamIds=${facts.teams[0]!.id}`), 404, "NotFoundException");
  });
});

describe("item 8: Cal.com's slugify for options made from a value", () => {
  // packages/lib/slugify.ts (slugify), used by assignOrganizationAttributeOptionToUser for a value's option.
  it.each([
    ["2.5", "2.5"],
    ["Node.js Dev", "node.js-dev"],
    ["Ça va", "ca-va"],
    ["日本 語", "日本-語"],
    ["a..b.", "a.b"],
    ["C++", "c"],
  ])("%s → %s", async (value, slug) => {
    const job = facts.attr("job-title");
    const data = expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: job.id, value }), 201);
    const options = expectSuccess(await api.get(`${base}/attributes/${job.id}/options`));
    expect(options.find((o: { id: string }) => o.id === data.attributeOptionId)).toMatchObject({ value, slug });
  });
});

describe("item 14: DELETE of an option under an unknown attribute", () => {
  // options/organization-attribute-options.repository.ts (deleteOrganizationAttributeOption) → "Attribute option not found".
  it("answers 404 'Attribute option not found'", async () => {
    const option = facts.optionsOf(facts.attr("skills").id)[0]!;
    expectError(await api.del(`${base}/attributes/nope/options/${option.id}`), 404, "NotFoundException", "Attribute option not found");
  });
});

describe("item 19: text Cal.com's database cannot store", () => {
  // Cal.com passes such text to PostgreSQL, which refuses it (a 500 from filters/prisma-exception.filter.ts's
  // fallback); the mock answers 400 and changes nothing.
  it.each([
    ["a NUL", "a\u0000b"],
    ["a lone high surrogate", "a\ud800"],
    ["a lone low surrogate", "\udc00z"],
  ])("refuses %s in any string field with 400", async (_what, text) => {
    const dept = facts.attr("department");
    const option = facts.optionsOf(dept.id)[0]!;
    const writes = [
      await api.patch(`${base}/attributes/${dept.id}/options/${option.id}`, { slug: text }),
      await api.post(`${base}/attributes`, { name: text, slug: "ok", type: "TEXT", options: [] }),
      await api.post(`${base}/attributes`, { name: "Ok", slug: "ok", type: "SINGLE_SELECT", options: [{ value: "v", slug: text }] }),
      await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: facts.attr("job-title").id, value: text }),
    ];
    for (const res of writes) {
      expectError(res, 400, "BadRequestException", /NUL character or a lone UTF-16 surrogate/);
      expect(JSON.stringify(res.body.error.details.errors)).toContain("isStorableText");
    }
    expect(await api.state()).toEqual(state);
  });
});

describe("item 20: option slugs are not unique; a value always makes a new option", () => {
  // Cal.com's AttributeOption model has no unique (attributeId, slug); assignOrganizationAttributeOptionToUser
  // creates an option per value given.
  it("three assignments of one value make three options with the same slug", async () => {
    const job = facts.attr("job-title");
    const users = facts.memberUserIds.slice(2, 5);
    const ids = [];
    for (const u of users) ids.push(expectSuccess(await api.post(`${base}/attributes/options/${u}`, { attributeId: job.id, value: "Pilot" }), 201).attributeOptionId);
    expect(new Set(ids).size).toBe(3);
    const options = expectSuccess(await api.get(`${base}/attributes/${job.id}/options`)).filter((o: { value: string }) => o.value === "Pilot");
    expect(options.map((o: { slug: string }) => o.slug)).toEqual(["pilot", "pilot", "pilot"]);
    expectSuccess(await api.post(`${base}/attributes/${job.id}/options`, { value: "Pilot (manual)", slug: "pilot" }), 201);
  });
});

describe("item 21: a user's options have no membership check", () => {
  // options/organization-attribute-options.repository.ts (getOrganizationAttributeOptionsForUser).
  it("answers 200 [] for a pending invitee and for a user outside the organization", async () => {
    for (const userId of [facts.pendingUserIds[0]!, facts.outsiderIds[0]!]) {
      expect(expectSuccess(await api.get(`${base}/attributes/options/${userId}`, MEMBER_KEY))).toEqual([]);
    }
  });
});

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("item 4: the stored columns Cal.com sends", () => {
  // packages/prisma/schema.prisma (Attribute, AttributeOption, AttributeToUser), returned raw by the repositories
  // under options/ and index/; the assigned listing is shaped by assigned-options.output.ts (AssignedOptionOutput).
  it("attributes, options and assignments carry them; the assigned-options listing does not", async () => {
    const attribute = expectSuccess(await api.post(`${base}/attributes`, { name: "Office", slug: "office", type: "SINGLE_SELECT", options: [{ value: "Berlin", slug: "berlin" }] }), 201);
    expect(attribute).toMatchObject({ isWeightsEnabled: false, isLocked: false, createdAt: expect.any(String), updatedAt: attribute.createdAt });
    const [option] = expectSuccess(await api.get(`${base}/attributes/${attribute.id}/options`));
    expect(option).toMatchObject({ isGroup: false, contains: [] });
    const assignment = expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: attribute.id, attributeOptionId: option.id }), 201);
    expect(assignment).toEqual({
      id: expect.stringMatching(UUID_V4),
      memberId: facts.orgMembership(facts.memberId)!.id,
      attributeOptionId: option.id,
      weight: null,
      createdAt: expect.any(String),
      createdById: facts.adminId,
      createdByDSyncId: null,
      updatedAt: assignment.createdAt,
      updatedById: null,
      updatedByDSyncId: null,
    });
    expect(expectSuccess(await api.get(`${base}/attributes/options/${facts.memberId}`)).at(-1)).toEqual(option);
    const [listed] = expectSuccess(await api.get(`${base}/attributes/slugs/office/options/assigned`));
    expect(Object.keys(listed).sort()).toEqual(["assignedUserIds", "attributeId", "id", "slug", "value"]);
    // Kept in the store: the state holds the same rows, and the unassign answers the removed one.
    const stored = await api.state();
    expect(stored.attributeAssignments.find((a) => a.id === assignment.id)).toEqual(assignment);
    expect(expectSuccess(await api.del(`${base}/attributes/options/${facts.memberId}/${option.id}`))).toEqual(assignment);
  });

  it("seeded rows carry them too, set from the seed", () => {
    const weighted = facts.attr("skills");
    expect(weighted).toMatchObject({ isWeightsEnabled: true, isLocked: false });
    for (const a of state.attributes) expect(Date.parse(a.updatedAt)).toBeGreaterThanOrEqual(Date.parse(a.createdAt));
    for (const o of state.attributeOptions) expect(o).toMatchObject({ isGroup: false, contains: [] });
    for (const a of state.attributeAssignments) expect(a).toMatchObject({ createdAt: expect.any(String), createdById: null, createdByDSyncId: null, updatedById: null, updatedByDSyncId: null });
  });
});

describe("item 10: UUID ids, deterministic from the seed", () => {
  // packages/prisma/schema.prisma: `id String @id @default(uuid())` on Attribute, AttributeOption, AttributeToUser.
  it("seeds UUIDs (v4 form) and makes UUIDs at run time", async () => {
    for (const row of [...state.attributes, ...state.attributeOptions, ...state.attributeAssignments]) expect(row.id).toMatch(UUID_V4);
    const created = expectSuccess(await api.post(`${base}/attributes/${facts.attr("skills").id}/options`, { value: "Zig", slug: "zig" }), 201);
    expect(created.id).toMatch(UUID_V4);
    // The same seed gives the same ids (a reset re-seeds).
    await api.reset({ seed: 42 });
    expect((await api.state()).attributes.map((a) => a.id)).toEqual(state.attributes.map((a) => a.id));
  });
});

describe("item 9: GET /attributes without take", () => {
  // packages/platform/types/api.ts (SkipTakePagination): `take: number = DEFAULT_TAKE` (250) with class-transformer
  // keeping the initializer when the parameter is absent, passed on to findMany in
  // index/organization-attributes.repository.ts (getOrganizationAttributes). The issue asked for "every
  // attribute"; Cal.com's source, read again, defaults to 250, and the mock follows the source.
  it("answers the first 250 attributes, as Cal.com's default take does", async () => {
    const now = "2025-03-01T00:00:00.000Z";
    const extra = Array.from({ length: 260 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      teamId: facts.org.id,
      type: "TEXT" as const,
      name: `Extra ${i}`,
      slug: `extra-${i}`,
      enabled: true,
      usersCanEditRelation: false,
      createdAt: now,
      updatedAt: now,
      isWeightsEnabled: false,
      isLocked: false,
    }));
    expect((await api.request("PUT", "/__admin/state", { key: null, body: { ...state, attributes: [...state.attributes, ...extra] } })).status).toBe(200);
    const all = expectSuccess(await api.get(`${base}/attributes`));
    expect(all).toHaveLength(250);
    expect(expectSuccess(await api.get(`${base}/attributes?skip=250`)).length).toBe(state.attributes.filter((a) => a.teamId === facts.org.id).length + 260 - 250);
  });
});

describe("item 15: the 100 kB body limit on /v2", () => {
  // body-parser's default JSON limit, which Cal.com's NestJS app keeps (main.ts creates the app without a limit).
  it("answers 413 above 100 kB, and the control API still takes a whole state", async () => {
    const dept = facts.attr("department");
    const fits = await api.post(`${base}/attributes/${dept.id}/options`, { value: "v".repeat(100 * 1024 - 100), slug: "fits" });
    expect(fits.status).not.toBe(413);
    const tooLarge = await api.post(`${base}/attributes/${dept.id}/options`, { value: "v".repeat(100 * 1024), slug: "big" });
    expectError(tooLarge, 413, "PayloadTooLargeException");
    const doc = await api.state();
    const padded = { ...doc, users: doc.users.map((u) => ({ ...u, name: u.name + " ".repeat(10_000) })) };
    expect(JSON.stringify(padded).length).toBeGreaterThan(200 * 1024);
    expect((await api.request("PUT", "/__admin/state", { key: null, body: padded })).status).toBe(200);
  });
});

describe("item 16: X-Request-Id, helmet's headers, weak ETags and 304", () => {
  // app.ts (bootstrap: app.use(helmet())), filters/http-exception.filter.ts (X-Request-Id), and Express's
  // res.send (weak ETag, 304 when If-None-Match matches).
  it("sets a request id and helmet's defaults on every answer, success or error", async () => {
    for (const res of [await api.get(`${base}/attributes`), await api.get(`${base}/attributes`, null), await api.get("/v2/nowhere")]) {
      expect(res.headers.get("x-request-id")).toMatch(UUID_V4);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("x-xss-protection")).toBe("0");
      expect(res.headers.get("etag")).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    }
    const [a, b] = [await api.get(`${base}/attributes`), await api.get(`${base}/attributes`)];
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("answers a GET whose If-None-Match matches with 304, from the cache and after a write", async () => {
    const url = `${origin}${base}/attributes`;
    // fetch adds `Cache-Control: no-cache` to a conditional request unless told otherwise, and a no-cache request
    // always gets the body (the `fresh` package Express uses).
    const headers = { authorization: "Bearer cal_test_mock_member_key", "cache-control": "max-age=0" };
    const first = await fetch(url, { headers });
    const etag = first.headers.get("etag")!;
    // Express's tag: the byte length in hex and the base64 SHA-1 of the body.
    const body = await first.text();
    const { createHash } = await import("node:crypto");
    expect(etag).toBe(`W/"${Buffer.byteLength(body).toString(16)}-${createHash("sha1").update(body).digest("base64").slice(0, 27)}"`);
    for (const match of [etag, etag.slice(2), `"nope", ${etag}`, "*"]) {
      const again = await fetch(url, { headers: { ...headers, "if-none-match": match } });
      expect(again.status, match).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(etag);
    }
    expect((await fetch(url, { headers: { ...headers, "if-none-match": '"other"' } })).status).toBe(200);
    expect((await fetch(url, { headers: { ...headers, "if-none-match": etag, "cache-control": "no-cache" } })).status).toBe(200);
    await api.patch(`${base}/attributes/${facts.attr("skills").id}`, { name: "Core skills" });
    const changed = await fetch(url, { headers: { ...headers, "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });
});

describe("item 17: routing as Express's defaults", () => {
  // Express's router: case-insensitive paths; its final handler's "Cannot GET <originalUrl>".
  it("matches paths whatever their case, and names the original URL with its query when nothing matches", async () => {
    const skills = facts.attr("skills");
    expect(expectSuccess(await api.get(`/V2/Organizations/${facts.org.id}/ATTRIBUTES/${skills.id}/Options`))).toHaveLength(facts.optionsOf(skills.id).length);
    const res = await api.get(`${base}/nothing-here?take=1&x=y`);
    expectError(res, 404, "NotFoundException", `Cannot GET ${base}/nothing-here?take=1&x=y`);
  });
});
