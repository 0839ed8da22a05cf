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

