import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, freshScenarioEachTest, type ApiResponse, type FreshScenario } from "../support/harness.js";

/**
 * Schedules as ../shared/reference/calcom-availability-behavior.md describes Cal.com's (§1 versions and guards,
 * §2.2 the schedule, §4 the errors), and the organization and team routes that list them, checked over HTTP on the
 * default scenario: organization 1 with teams 2 (owner key's user 1 is OWNER), 3 (admin key's user 2 is ADMIN,
 * also a MEMBER of 2) and 4 (member key's user 3 is a MEMBER). Every accepted member has a default schedule.
 */

let f: FreshScenario;
freshScenarioEachTest((fresh) => (f = fresh));

const V11 = "2024-06-11";
const V14 = "2024-06-14";

/** A /v2/schedules request with its cal-api-version (2024-06-11 unless given; null: none). */
function call(method: string, path: string, options: { body?: unknown; key?: string | null; version?: string | null } = {}): Promise<ApiResponse> {
  const version = options.version === undefined ? V11 : options.version;
  return f.api.request(method, path, {
    key: options.key === undefined ? MEMBER_KEY : options.key,
    ...(options.body !== undefined && { body: options.body }),
    headers: version === null ? {} : { "cal-api-version": version },
  });
}

async function putState(change: (state: State) => void): Promise<void> {
  const state = structuredClone(f.state);
  change(state);
  const res = await fetch(`${f.mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(state) });
  expect(res.status, await res.clone().text()).toBe(200);
}

const stateNow = () => f.api.state();
const memberId = () => f.facts.memberId;
const schedulesOf = (state: State, userId: number) => state.schedules.filter((s) => s.userId === userId).sort((a, b) => a.id - b.id);
const userOf = (state: State, userId: number) => state.users.find((u) => u.id === userId)!;
const MON_FRI = [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], startTime: "09:00", endTime: "17:00" }];
/** The ValidationError a 400 lists for a property, by its path (`availability/0/startTime`). */
function constraintsAt(res: ApiResponse, path: string): Record<string, string> | undefined {
  let nodes = res.body.error.details.errors as Array<{ property: string; children: unknown[]; constraints?: Record<string, string> }>;
  let found: (typeof nodes)[number] | undefined;
  for (const part of path.split("/")) {
    found = nodes.find((n) => n.property === part);
    if (!found) return undefined;
    nodes = found.children as typeof nodes;
  }
  return found?.constraints;
}

describe("versions (§1): /v2/schedules answers for 2024-06-11 and 2024-06-14 alike", () => {
  it("both versions give the same answers; the organization and team routes need no header", async () => {
    const v11 = expectSuccess(await call("GET", "/v2/schedules", { version: V11 }));
    const v14 = expectSuccess(await call("GET", "/v2/schedules", { version: V14 }));
    expect(v14).toEqual(v11);
    expect(v11.length).toBeGreaterThan(0);
    const created = expectSuccess(await call("POST", "/v2/schedules", { version: V14, body: { name: "Late", timeZone: "Europe/Rome", isDefault: false } }), 201);
    expect(expectSuccess(await call("GET", `/v2/schedules/${created.id}`, { version: V11 }))).toEqual(created);
    expectSuccess(await f.api.get(`${f.base}/schedules`));
  });

  it("without cal-api-version: 400 naming both versions (Cal.com would route to an older controller)", async () => {
    const res = await call("GET", "/v2/schedules/default", { version: null });
    expectError(res, 400, "BadRequestException", /2024-06-11 or 2024-06-14/);
  });

  it("another version: Express's 404 for a route Cal.com does not have in that version", async () => {
    expectError(await call("GET", "/v2/schedules", { version: "2024-08-13" }), 404, "NotFoundException", "Cannot GET /v2/schedules");
    expectError(await call("DELETE", "/v2/schedules/3", { version: "2024-04-15" }), 404, "NotFoundException", "Cannot DELETE /v2/schedules/3");
    const state = await stateNow();
    expect(schedulesOf(state, memberId())).toEqual(schedulesOf(f.state, memberId()));
  });

  it("needs an API key: 401 without one", async () => {
    expectError(await call("GET", "/v2/schedules", { key: null }), 401, "UnauthorizedException");
    expectError(await call("POST", "/v2/schedules", { key: null, body: { name: "x", timeZone: "UTC", isDefault: true } }), 401, "UnauthorizedException");
  });
});

describe("the schedule as answered (§2.2)", () => {
  it("lists the caller's schedules in database order, with exactly Cal.com's fields and names for weekdays", async () => {
    const mine = expectSuccess<any[]>(await call("GET", "/v2/schedules"));
    const stored = schedulesOf(f.state, memberId());
    expect(mine.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    expect(stored.length).toBeGreaterThan(1);
    for (const s of mine) {
      expect(Object.keys(s).sort()).toEqual(["availability", "id", "isDefault", "name", "overrides", "ownerId", "timeZone"]);
      expect(s.ownerId).toBe(memberId());
    }
    const names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    expect(mine[0].availability).toEqual(stored[0]!.availability.map((r) => ({ days: r.days.map((d) => names[d]), startTime: r.startTime, endTime: r.endTime })));
  });

  it("isDefault is computed from the owner's defaultScheduleId: true on that one only", async () => {
    const mine = expectSuccess<any[]>(await call("GET", "/v2/schedules"));
    const defaultId = userOf(f.state, memberId()).defaultScheduleId;
    expect(mine.filter((s) => s.isDefault).map((s) => s.id)).toEqual([defaultId]);
  });

  it("a schedule whose time zone is unset shows Europe/London", async () => {
    const id = schedulesOf(f.state, memberId())[1]!.id;
    await putState((state) => {
      state.schedules.find((s) => s.id === id)!.timeZone = null;
    });
    expect(expectSuccess(await call("GET", `/v2/schedules/${id}`)).timeZone).toBe("Europe/London");
  });

  it("Sunday is day 0 as stored, and overrides come with their date", async () => {
    const created = expectSuccess(
      await call("POST", "/v2/schedules", {
        body: { name: "Weekends", timeZone: "America/New_York", isDefault: false, availability: [{ days: ["Sunday", "Saturday"], startTime: "10:00", endTime: "14:00" }], overrides: [{ date: "2030-01-05", startTime: "00:00", endTime: "00:00" }] },
      }),
      201,
    );
    expect(created.availability).toEqual([{ days: ["Sunday", "Saturday"], startTime: "10:00", endTime: "14:00" }]);
    expect(created.overrides).toEqual([{ date: "2030-01-05", startTime: "00:00", endTime: "00:00" }]);
    const row = (await stateNow()).schedules.find((s) => s.id === created.id)!;
    expect(row.availability[0]!.days).toEqual([0, 6]);
  });
});

describe("creating (§2.2)", () => {
  it("answers 201 with the schedule; omitted availability is Monday-Friday 09:00-17:00 and no overrides", async () => {
    const res = await call("POST", "/v2/schedules", { body: { name: "Second", timeZone: "Europe/Rome", isDefault: false } });
    const created = expectSuccess(res, 201);
    expect(created).toMatchObject({ ownerId: memberId(), name: "Second", timeZone: "Europe/Rome", isDefault: false, availability: MON_FRI, overrides: [] });
    expect(schedulesOf(await stateNow(), memberId()).map((s) => s.id)).toContain(created.id);
  });

  it("availability null is the same working week; an empty list stays empty", async () => {
    const withNull = expectSuccess(await call("POST", "/v2/schedules", { body: { name: "N", timeZone: "UTC", isDefault: false, availability: null, overrides: null } }), 201);
    expect(withNull.availability).toEqual(MON_FRI);
    expect(withNull.overrides).toEqual([]);
    const empty = expectSuccess(await call("POST", "/v2/schedules", { body: { name: "E", timeZone: "UTC", isDefault: false, availability: [] } }), 201);
    expect(empty.availability).toEqual([]);
  });

  it("isDefault true makes it the user's default; the previous default stops being it", async () => {
    const before = userOf(f.state, memberId()).defaultScheduleId!;
    const created = expectSuccess(await call("POST", "/v2/schedules", { body: { name: "New default", timeZone: "Asia/Tokyo", isDefault: true } }), 201);
    expect(created.isDefault).toBe(true);
    expect(userOf(await stateNow(), memberId()).defaultScheduleId).toBe(created.id);
    expect(expectSuccess(await call("GET", "/v2/schedules/default")).id).toBe(created.id);
    expect(expectSuccess(await call("GET", `/v2/schedules/${before}`)).isDefault).toBe(false);
  });

  it("isDefault false leaves the user's default as it was", async () => {
    const before = userOf(f.state, memberId()).defaultScheduleId;
    expectSuccess(await call("POST", "/v2/schedules", { body: { name: "Not default", timeZone: "UTC", isDefault: false } }), 201);
    expect(userOf(await stateNow(), memberId()).defaultScheduleId).toBe(before);
  });

  it("a first schedule is not made the default: GET default still answers data null", async () => {
    const pending = f.facts.pendingUserIds[0]!;
    expect(schedulesOf(f.state, pending)).toEqual([]);
    expect(userOf(f.state, pending).defaultScheduleId ?? null).toBeNull();
    const created = expectSuccess(await f.api.post(`${f.base}/users/${pending}/schedules`, { name: "First", timeZone: "UTC", isDefault: false }), 201);
    expect(created.isDefault).toBe(false);
    expect(userOf(await stateNow(), pending).defaultScheduleId ?? null).toBeNull();
  });

  it("isDefault is required: 400 with class-validator's isBoolean", async () => {
    const res = await call("POST", "/v2/schedules", { body: { name: "No flag", timeZone: "UTC" } });
    expectError(res, 400, "BadRequestException", /body isDefault/);
    expect(constraintsAt(res, "isDefault")).toEqual({ isBoolean: "isDefault must be a boolean value" });
  });

  it("times must be HH:MM, with Cal.com's own messages", async () => {
    for (const [startTime, endTime] of [["9:00", "17:00"], ["09:00", "24:00"], ["09:60", "17:00"], ["0900", "17:00"]]) {
      const res = await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone: "UTC", isDefault: false, availability: [{ days: ["Monday"], startTime, endTime }] } });
      expectError(res, 400, "BadRequestException");
      const which = startTime === "09:00" ? "endTime" : "startTime";
      expect(constraintsAt(res, `availability/0/${which}`)).toEqual({ matches: `${which} must be a valid time format HH:MM` });
    }
    const override = await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone: "UTC", isDefault: false, overrides: [{ date: "2030-01-07", startTime: "10:00", endTime: "1pm" }] } });
    expect(constraintsAt(override, "overrides/0/endTime")).toEqual({ matches: "endTime must be a valid time format HH:MM" });
  });

  it("the time zone must be one the runtime knows (IANA names in any case, UTC, EST); others are 400", async () => {
    for (const timeZone of ["europe/rome", "UTC", "EST", "Etc/GMT+5"]) {
      expect(expectSuccess(await call("POST", "/v2/schedules", { body: { name: timeZone, timeZone, isDefault: false } }), 201).timeZone).toBe(timeZone);
    }
    for (const timeZone of ["Mars/Base", "GMT+2", "+02:00", ""]) {
      const res = await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone, isDefault: false } });
      expectError(res, 400, "BadRequestException", /body timeZone/);
      expect(constraintsAt(res, "timeZone")).toEqual({ isTimeZone: "timeZone must be a valid IANA time-zone" });
    }
  });

  it("days come from Monday…Sunday only", async () => {
    const res = await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone: "UTC", isDefault: false, availability: [{ days: ["Monday", "monday"], startTime: "09:00", endTime: "10:00" }] } });
    expectError(res, 400, "BadRequestException", /body availability\/0\/days/);
    expect(Object.values(constraintsAt(res, "availability/0/days")!)[0]).toBe(
      "each value in days must be one of the following values: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday",
    );
  });

  it("override dates are strict ISO 8601: impossible dates are 400; a date-time names its UTC day", async () => {
    for (const date of ["2030-02-30", "2030-13-01", "07/01/2030", "tomorrow"]) {
      const res = await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone: "UTC", isDefault: false, overrides: [{ date, startTime: "10:00", endTime: "12:00" }] } });
      expectError(res, 400, "BadRequestException", /body overrides\/0\/date/);
      expect(constraintsAt(res, "overrides/0/date")).toEqual({ isIso8601: "date must be a valid ISO 8601 date string" });
    }
    const created = expectSuccess(
      await call("POST", "/v2/schedules", { body: { name: "Late override", timeZone: "UTC", isDefault: false, overrides: [{ date: "2030-01-07T23:30:00-05:00", startTime: "10:00", endTime: "12:00" }, { date: "2028-02-29", startTime: "08:00", endTime: "09:00" }] } }),
      201,
    );
    expect(created.overrides.map((o: { date: string }) => o.date)).toEqual(["2030-01-08", "2028-02-29"]);
  });

  it("a refused create writes nothing", async () => {
    const before = JSON.stringify(await stateNow());
    await call("POST", "/v2/schedules", { body: { name: "Bad", timeZone: "Nowhere/Land", isDefault: true } });
    expect(JSON.stringify(await stateNow())).toBe(before);
  });
});

describe("reading one and the default (§2.2, §4)", () => {
  it("GET one: 404 for a missing schedule, 403 for another user's, with Cal.com's texts", async () => {
    expectError(await call("GET", "/v2/schedules/999999"), 404, "NotFoundException", "Schedule with ID=999999 does not exist.");
    const owners = schedulesOf(f.state, f.facts.keyOf(OWNER_KEY))[0]!.id;
    expectError(await call("GET", `/v2/schedules/${owners}`), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${owners}`);
  });

  it("a non-integer id is ParseIntPipe's 400", async () => {
    expectError(await call("GET", "/v2/schedules/abc"), 400, "BadRequestException", "Validation failed (numeric string is expected)");
  });

  it("GET default answers the schedule defaultScheduleId names, and data null when there is none", async () => {
    const def = expectSuccess(await call("GET", "/v2/schedules/default"));
    expect(def.id).toBe(userOf(f.state, memberId()).defaultScheduleId);
    expect(def.isDefault).toBe(true);
    await putState((state) => {
      userOf(state, memberId()).defaultScheduleId = null;
    });
    const none = await call("GET", "/v2/schedules/default");
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ status: "success", data: null });
    // Each caller their own: the answer is not shared between keys.
    expect(expectSuccess(await call("GET", "/v2/schedules/default", { key: ADMIN_KEY })).ownerId).toBe(f.facts.adminId);
  });
});

describe("updating (§2.2)", () => {
  const patch = (id: number, body: unknown, key?: string) => call("PATCH", `/v2/schedules/${id}`, { body, ...(key && { key }) });

  it("sets name and time zone when sent and keeps the rest", async () => {
    const [def] = schedulesOf(f.state, memberId());
    const updated = expectSuccess(await patch(def!.id, { name: "Renamed", timeZone: "Pacific/Auckland" }));
    expect(updated).toMatchObject({ id: def!.id, name: "Renamed", timeZone: "Pacific/Auckland", isDefault: true });
    expect(updated.availability).toEqual(expectSuccess(await call("GET", `/v2/schedules/${def!.id}`)).availability);
    expect((await stateNow()).schedules.find((s) => s.id === def!.id)!.availability).toEqual(def!.availability);
  });

  it("availability sent replaces every working-hours row and keeps the overrides; overrides sent replace the overrides only", async () => {
    const id = schedulesOf(f.state, memberId())[0]!.id;
    expectSuccess(await patch(id, { overrides: [{ date: "2030-01-14", startTime: "10:00", endTime: "11:00" }, { date: "2030-01-15", startTime: "00:00", endTime: "00:00" }] }));
    const availability = [{ days: ["Tuesday"], startTime: "08:00", endTime: "12:00" }];
    const after = expectSuccess(await patch(id, { availability }));
    expect(after.availability).toEqual(availability);
    expect(after.overrides).toHaveLength(2);
    const overrides = expectSuccess(await patch(id, { overrides: [] }));
    expect(overrides.overrides).toEqual([]);
    expect(overrides.availability).toEqual(availability);
  });

  it("availability null or absent keeps the rows; a null time zone shows Europe/London again", async () => {
    const id = schedulesOf(f.state, memberId())[0]!.id;
    const before = expectSuccess(await call("GET", `/v2/schedules/${id}`));
    const after = expectSuccess(await patch(id, { availability: null, overrides: null, timeZone: null }));
    expect(after).toEqual({ ...before, timeZone: "Europe/London" });
    expect((await stateNow()).schedules.find((s) => s.id === id)!.timeZone).toBeNull();
  });

  it("isDefault true makes it the default; isDefault false is ignored", async () => {
    const [def, other] = schedulesOf(f.state, memberId());
    expect(expectSuccess(await patch(other!.id, { isDefault: true })).isDefault).toBe(true);
    expect(userOf(await stateNow(), memberId()).defaultScheduleId).toBe(other!.id);
    const ignored = expectSuccess(await patch(other!.id, { isDefault: false }));
    expect(ignored.isDefault).toBe(true);
    expect(userOf(await stateNow(), memberId()).defaultScheduleId).toBe(other!.id);
    expect(expectSuccess(await call("GET", `/v2/schedules/${def!.id}`)).isDefault).toBe(false);
  });

  it("404 for a missing schedule, 403 for another user's, nothing written", async () => {
    const before = JSON.stringify(await stateNow());
    expectError(await patch(999999, { name: "X" }), 404, "NotFoundException", "Schedule with ID=999999 does not exist.");
    const admins = schedulesOf(f.state, f.facts.adminId)[0]!.id;
    expectError(await patch(admins, { name: "Mine now" }), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${admins}`);
    expect(JSON.stringify(await stateNow())).toBe(before);
  });
});

describe("deleting (§2.2, §4)", () => {
  it("answers 200 {status: success} without data, and the schedule is gone", async () => {
    const id = schedulesOf(f.state, memberId())[1]!.id;
    const res = await call("DELETE", `/v2/schedules/${id}`, { version: V14 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success" });
    expectError(await call("GET", `/v2/schedules/${id}`), 404, "NotFoundException", `Schedule with ID=${id} does not exist.`);
  });

  it("a missing schedule is 400 (not 404) with the same text; another user's is 403", async () => {
    expectError(await call("DELETE", "/v2/schedules/999999"), 400, "BadRequestException", "Schedule with ID=999999 does not exist.");
    const owners = schedulesOf(f.state, f.facts.keyOf(OWNER_KEY))[0]!.id;
    expectError(await call("DELETE", `/v2/schedules/${owners}`), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${owners}`);
    expect((await stateNow()).schedules.some((s) => s.id === owners)).toBe(true);
  });

  it("deleting the default leaves defaultScheduleId pointing at nothing: GET default answers null, no other schedule becomes default", async () => {
    const [def, other] = schedulesOf(f.state, memberId());
    expectSuccess(await call("GET", "/v2/schedules/default"));
    expect((await call("DELETE", `/v2/schedules/${def!.id}`)).status).toBe(200);
    const state = await stateNow();
    expect(userOf(state, memberId()).defaultScheduleId).toBe(def!.id);
    expect((await call("GET", "/v2/schedules/default")).body).toEqual({ status: "success", data: null });
    expect(expectSuccess(await call("GET", `/v2/schedules/${other!.id}`)).isDefault).toBe(false);
  });

  it("event types that used the schedule fall back to the default (scheduleId null)", async () => {
    const id = schedulesOf(f.state, memberId())[1]!.id;
    const eventType = f.state.eventTypes.find((e) => e.userId === memberId())!;
    await putState((state) => {
      state.eventTypes.find((e) => e.id === eventType.id)!.scheduleId = id;
    });
    expect((await call("DELETE", `/v2/schedules/${id}`)).status).toBe(200);
    expect((await stateNow()).eventTypes.find((e) => e.id === eventType.id)!.scheduleId ?? null).toBeNull();
  });
});

describe("Orgs / Users / Schedules and Orgs / Schedules: ORG_ADMIN, the user in the organization", () => {
  it("the guards: a member is refused by RolesGuard, a user without a profile by IsUserInOrg, a missing organization by IsOrgGuard", async () => {
    const path = `${f.base}/users/${memberId()}/schedules`;
    expectError(await f.api.get(path, MEMBER_KEY), 403, "ForbiddenException", `RolesGuard - user with id=${memberId()} does not have the minimum required role=ORG_ADMIN within organization with id=${f.facts.org.id}.`);
    expectError(await f.api.get(`${f.base}/users/${f.facts.outsiderIds[0]}/schedules`), 403, "ForbiddenException", "Forbidden resource");
    expectError(await f.api.get(`/v2/organizations/999999/users/${memberId()}/schedules`), 403, "ForbiddenException", "Forbidden resource");
    expectError(await f.api.get(path, null), 401, "UnauthorizedException");
    expectError(await f.api.get(`${f.base}/schedules`, MEMBER_KEY), 403, "ForbiddenException", /minimum required role=ORG_ADMIN/);
  });

  it("works on the path's user's schedules, with the same rules as /v2/schedules", async () => {
    const path = `${f.base}/users/${memberId()}/schedules`;
    expect(expectSuccess<any[]>(await f.api.get(path))).toEqual(expectSuccess<any[]>(await call("GET", "/v2/schedules")));
    const created = expectSuccess(await f.api.post(path, { name: "Made by the admin", timeZone: "Europe/Paris", isDefault: true }), 201);
    expect(created).toMatchObject({ ownerId: memberId(), isDefault: true, availability: MON_FRI });
    expect(userOf(await stateNow(), memberId()).defaultScheduleId).toBe(created.id);
    expect(expectSuccess(await f.api.get(`${path}/${created.id}`))).toEqual(created);
    const updated = expectSuccess(await f.api.patch(`${path}/${created.id}`, { availability: [] }));
    expect(updated.availability).toEqual([]);
    const res = await f.api.del(`${path}/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success" });
  });

  it("another user's schedule through the path's user: 403 naming the path's user; missing: 404 to read and update, 400 to delete", async () => {
    const path = `${f.base}/users/${memberId()}/schedules`;
    const admins = schedulesOf(f.state, f.facts.adminId)[0]!.id;
    expectError(await f.api.get(`${path}/${admins}`), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${admins}`);
    expectError(await f.api.patch(`${path}/${admins}`, { name: "X" }), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${admins}`);
    expectError(await f.api.del(`${path}/${admins}`), 403, "ForbiddenException", `User with ID=${memberId()} does not own schedule with ID=${admins}`);
    expectError(await f.api.get(`${path}/999999`), 404, "NotFoundException", "Schedule with ID=999999 does not exist.");
    expectError(await f.api.patch(`${path}/999999`, {}), 404, "NotFoundException", "Schedule with ID=999999 does not exist.");
    expectError(await f.api.del(`${path}/999999`), 400, "BadRequestException", "Schedule with ID=999999 does not exist.");
  });

  it("GET /organizations/{orgId}/schedules: the schedules of the users with a profile there, in database order, take and skip", async () => {
    const profiled = new Set(f.state.profiles.filter((p) => p.organizationId === f.facts.org.id).map((p) => p.userId));
    const expected = f.state.schedules.filter((s) => profiled.has(s.userId)).sort((a, b) => a.id - b.id).map((s) => s.id);
    const all = expectSuccess<any[]>(await f.api.get(`${f.base}/schedules`));
    expect(all.map((s) => s.id)).toEqual(expected);
    const page = expectSuccess<any[]>(await f.api.get(`${f.base}/schedules?take=3&skip=2`));
    expect(page.map((s) => s.id)).toEqual(expected.slice(2, 5));
    expectError(await f.api.get(`${f.base}/schedules?take=251`), 400, "BadRequestException", /query take/);
    // A schedule of a user outside the organization is not listed.
    const outsider = f.facts.outsiderIds[0]!;
    await putState((state) => {
      state.schedules.push({ id: 9000, userId: outsider, name: "Elsewhere", timeZone: "UTC", availability: [], overrides: [] });
    });
    expect(expectSuccess<any[]>(await f.api.get(`${f.base}/schedules`)).map((s) => s.id)).not.toContain(9000);
  });
});

describe("team schedules: Teams / Schedules, Orgs / Teams / Schedules, Orgs / Teams / Users / Schedules", () => {
  /** Team 3: the admin key's user is its ADMIN. */
  const team = 3;
  const membersOf = (state: State, teamId: number) => new Set(state.memberships.filter((m) => m.teamId === teamId).map((m) => m.userId));
  const teamScheduleIds = (state: State, teamId: number) => {
    const members = membersOf(state, teamId);
    return state.schedules.filter((s) => members.has(s.userId)).sort((a, b) => a.id - b.id).map((s) => s.id);
  };

  it("/v2/teams/{teamId}/schedules: the team's members' schedules for its ADMIN or OWNER only (an org admin counts for nothing there)", async () => {
    const all = expectSuccess<any[]>(await f.api.get(`/v2/teams/${team}/schedules`));
    expect(all.map((s) => s.id)).toEqual(teamScheduleIds(f.state, team));
    expect(expectSuccess<any[]>(await f.api.get(`/v2/teams/${team}/schedules?skip=1&take=2`)).map((s) => s.id)).toEqual(teamScheduleIds(f.state, team).slice(1, 3));
    // The admin key's user is an org ADMIN but a MEMBER of team 2.
    expectError(await f.api.get("/v2/teams/2/schedules"), 403, "ForbiddenException", `RolesGuard - user with id=${f.facts.adminId} does not have the minimum required role=TEAM_ADMIN within team with id=2.`);
    expectSuccess(await f.api.get("/v2/teams/2/schedules", OWNER_KEY));
  });

  it("a pending member's schedules are listed too", async () => {
    const pending = f.facts.pendingUserIds[0]!;
    await putState((state) => {
      state.memberships.push({ id: 9000, teamId: team, userId: pending, role: "MEMBER", accepted: false, disableImpersonation: false });
      state.schedules.push({ id: 9000, userId: pending, name: "Pending's", timeZone: "UTC", availability: [], overrides: [] });
    });
    expect(expectSuccess<any[]>(await f.api.get(`/v2/teams/${team}/schedules`)).map((s) => s.id)).toContain(9000);
    expect(expectSuccess<any[]>(await f.api.get(`${f.base}/teams/${team}/schedules`)).map((s) => s.id)).toContain(9000);
  });

  it("the organization's team route: the same list; an org admin counts as team admin; a team of another organization is 404", async () => {
    expect(expectSuccess<any[]>(await f.api.get(`${f.base}/teams/2/schedules`)).map((s) => s.id)).toEqual(teamScheduleIds(f.state, 2));
    expectError(await f.api.get(`${f.base}/teams/4/schedules`, MEMBER_KEY), 403, "ForbiddenException", /minimum required role=TEAM_ADMIN/);
    const standalone = expectSuccess(await f.api.post("/v2/teams", { name: "Elsewhere" }), 201);
    expectError(await f.api.get(`${f.base}/teams/${standalone.id}/schedules`), 404, "NotFoundException", `IsTeamInOrg - Team (${standalone.id}) not found.`);
  });

  it("eventTypeId: the schedules a team event type's hosts are available by (its own schedule, else the host's, else the default), each once", async () => {
    const eventType = f.state.eventTypes.find((e) => e.teamId === team && (e.hosts ?? []).length >= 2)!;
    const [first, second] = eventType.hosts!;
    const defaults = eventType.hosts!.map((h) => userOf(f.state, h.userId).defaultScheduleId!).sort((a, b) => a - b);
    const list = async () => expectSuccess<any[]>(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=${eventType.id}`)).map((s) => s.id);
    expect(await list()).toEqual([...new Set(defaults)]);
    // The first host's own schedule for this event type replaces their default.
    const hostSchedule = schedulesOf(f.state, first!.userId).find((s) => s.id !== userOf(f.state, first!.userId).defaultScheduleId);
    const own = hostSchedule?.id ?? 9001;
    await putState((state) => {
      if (!hostSchedule) state.schedules.push({ id: own, userId: first!.userId, name: "For this one", timeZone: "UTC", availability: [], overrides: [] });
      state.eventTypes.find((e) => e.id === eventType.id)!.hosts!.find((h) => h.userId === first!.userId)!.scheduleId = own;
    });
    const withHost = await list();
    expect(withHost).toContain(own);
    expect(withHost).not.toContain(userOf(f.state, first!.userId).defaultScheduleId);
    expect(withHost).toContain(userOf(f.state, second!.userId).defaultScheduleId);
    // The event type's own schedule wins over every host's, the first host's own one too.
    const secondsDefault = userOf(f.state, second!.userId).defaultScheduleId!;
    await putState((state) => {
      if (!hostSchedule) state.schedules.push({ id: own, userId: first!.userId, name: "For this one", timeZone: "UTC", availability: [], overrides: [] });
      const e = state.eventTypes.find((x) => x.id === eventType.id)!;
      e.scheduleId = secondsDefault;
      e.hosts!.find((h) => h.userId === first!.userId)!.scheduleId = own;
    });
    expect(await list()).toEqual([secondsDefault]);
    expect(expectSuccess<any[]>(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=${eventType.id}&skip=1`))).toEqual([]);
  });

  it("eventTypeId of no event type of this team is 404; eventTypeId=0 filters nothing (Cal.com tests it for truth)", async () => {
    const other = f.state.eventTypes.find((e) => e.teamId !== null && e.teamId !== team)!;
    expectError(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=${other.id}`), 404, "NotFoundException", `Event type with id ${other.id} not found`);
    expectError(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=999999`), 404, "NotFoundException", "Event type with id 999999 not found");
    expectError(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=abc`), 400, "BadRequestException", /query eventTypeId/);
    expect(expectSuccess<any[]>(await f.api.get(`${f.base}/teams/${team}/schedules?eventTypeId=0`)).map((s) => s.id)).toEqual(teamScheduleIds(f.state, team));
  });

  it("a team member's schedules: the user must have a profile in the organization and a membership of the team", async () => {
    const member = f.state.memberships.find((m) => m.teamId === team && m.userId !== f.facts.adminId)!.userId;
    const path = `${f.base}/teams/${team}/users/${member}/schedules`;
    expect(expectSuccess<any[]>(await f.api.get(path)).map((s) => s.id)).toEqual(schedulesOf(f.state, member).map((s) => s.id));
    const notInTeam = f.state.profiles.find((p) => p.organizationId === f.facts.org.id && !membersOf(f.state, team).has(p.userId))!.userId;
    expectError(await f.api.get(`${f.base}/teams/${team}/users/${notInTeam}/schedules`), 403, "ForbiddenException", "Forbidden resource");
    expectError(await f.api.get(`${f.base}/teams/${team}/users/${f.facts.outsiderIds[0]}/schedules`), 403, "ForbiddenException", "Forbidden resource");
    expectError(await f.api.get(path, MEMBER_KEY), 403, "ForbiddenException", /RolesGuard/);
  });

  it("a team member's schedules with eventTypeId: the one schedule that event type uses for them", async () => {
    const eventType = f.state.eventTypes.find((e) => e.teamId === team && (e.hosts ?? []).length > 0)!;
    const host = eventType.hosts![0]!.userId;
    const path = `${f.base}/teams/${team}/users/${host}/schedules`;
    const ids = async (eventTypeId: number) => expectSuccess<any[]>(await f.api.get(`${path}?eventTypeId=${eventTypeId}`)).map((s) => s.id);
    expect(await ids(eventType.id)).toEqual([userOf(f.state, host).defaultScheduleId]);
    // A personal event type of the user: its schedule, else the default.
    const personal = f.state.eventTypes.find((e) => e.userId === host)!;
    expect(await ids(personal.id)).toEqual([userOf(f.state, host).defaultScheduleId]);
    await putState((state) => {
      state.schedules.push({ id: 9002, userId: host, name: "For the personal one", timeZone: "UTC", availability: [], overrides: [] });
      state.eventTypes.find((e) => e.id === personal.id)!.scheduleId = 9002;
    });
    expect(await ids(personal.id)).toEqual([9002]);
    // No default: an empty list.
    await putState((state) => {
      userOf(state, host).defaultScheduleId = null;
    });
    expect(await ids(eventType.id)).toEqual([]);
  });

  it("with eventTypeId: 404 for an unknown event type or one the user neither owns nor hosts; 403 when it uses someone else's schedule", async () => {
    const eventType = f.state.eventTypes.find((e) => e.teamId === team && (e.hosts ?? []).length > 0)!;
    const host = eventType.hosts![0]!.userId;
    const path = `${f.base}/teams/${team}/users/${host}/schedules`;
    expectError(await f.api.get(`${path}?eventTypeId=999999`), 404, "NotFoundException", "Event type with id 999999 not found");
    const notHosted = f.state.eventTypes.find((e) => e.teamId !== null && !(e.hosts ?? []).some((h) => h.userId === host))!;
    expectError(await f.api.get(`${path}?eventTypeId=${notHosted.id}`), 404, "NotFoundException", `User ${host} is not associated with event type ${notHosted.id}`);
    const someoneElses = f.state.schedules.find((s) => s.userId !== host)!.id;
    await putState((state) => {
      state.eventTypes.find((e) => e.id === eventType.id)!.scheduleId = someoneElses;
    });
    expectError(await f.api.get(`${path}?eventTypeId=${eventType.id}`), 403, "ForbiddenException", `User ${host} does not have access to schedule ${someoneElses}`);
  });
});
