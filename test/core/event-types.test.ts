import { describe, expect, it } from "vitest";
import type { EventType, State } from "../../src/store/schema.js";
import { ADMIN_KEY, expectError, expectSuccess, freshScenarioEachTest, MEMBER_KEY, OWNER_KEY, type FreshScenario } from "../support/harness.js";

/**
 * Event types as calcom-availability-behavior.md §1, §2.1, §2.3 and §4 describe Cal.com's (2024-06-14 personal
 * routes, team and organization team routes), checked against the default scenario: the admin (user 2) is ADMIN of
 * the organization and of team 3, the owner (user 1) owns the organization and team 2, the member (user 3) is a
 * MEMBER of both; user 28 belongs to no organization.
 */

const V = { "cal-api-version": "2024-06-14" };
let s: FreshScenario;
freshScenarioEachTest((fresh) => (s = fresh));

const call = (method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY, headers: Record<string, string> = V) =>
  s.api.request(method, path, { key, headers, ...(body !== undefined && { body }) });
const create = (body: Record<string, unknown>, key: string | null = ADMIN_KEY) => call("POST", "/v2/event-types", body, key);
const eventTypesOf = (state: State, userId: number) => state.eventTypes.filter((e) => e.userId === userId);
const userId = (key: string) => s.facts.keyOf(key);
const acceptedMembers = (state: State, teamId: number) =>
  state.memberships.filter((m) => m.teamId === teamId && m.accepted).map((m) => m.userId).sort((a, b) => a - b);

/** The seven booking fields Cal.com answers for an event type created without any (§2.1, in its order). */
const DEFAULT_FIELDS = [
  { isDefault: true, type: "name", slug: "name", required: true, disableOnPrefill: false },
  { isDefault: true, type: "email", slug: "email", required: true, disableOnPrefill: false, hidden: false },
  { isDefault: true, type: "radioInput", slug: "location", required: false, hidden: false },
  { isDefault: true, type: "text", slug: "title", required: true, hidden: true, disableOnPrefill: false },
  { isDefault: true, type: "textarea", slug: "notes", required: false, hidden: false, disableOnPrefill: false },
  { isDefault: true, type: "multiemail", slug: "guests", required: false, hidden: false, disableOnPrefill: false },
  { isDefault: true, type: "textarea", slug: "rescheduleReason", required: false, hidden: false, disableOnPrefill: false },
];

describe("POST /v2/event-types", () => {
  it("answers a fresh event type with Cal.com's column defaults: 120 minutes' notice, Cal Video, the seven system booking fields", async () => {
    const data = expectSuccess(await create({ lengthInMinutes: 30, title: "Deep dive", slug: "deep-dive" }), 201);
    expect(data).toMatchObject({
      ownerId: userId(ADMIN_KEY),
      lengthInMinutes: 30,
      title: "Deep dive",
      slug: "deep-dive",
      description: "",
      locations: [{ type: "integration", integration: "cal-video" }],
      recurrence: null,
      disableGuests: false,
      slotInterval: null,
      minimumBookingNotice: 120,
      beforeEventBuffer: 0,
      afterEventBuffer: 0,
      offsetStart: 0,
      price: 0,
      currency: "usd",
      hidden: false,
      scheduleId: null,
      isInstantEvent: false,
      lockTimeZoneToggleOnBookingPage: false,
      forwardParamsSuccessRedirect: true,
      confirmationPolicy: { disabled: true },
      seats: { disabled: true },
      bookerActiveBookingsLimit: { disabled: true },
      metadata: {},
    });
    expect(data.bookingFields).toEqual(DEFAULT_FIELDS);
    expect(data).not.toHaveProperty("lengthInMinutesOptions");
    expect(data).not.toHaveProperty("bookingLimitsCount");
    expect(data.users).toEqual([expect.objectContaining({ id: userId(ADMIN_KEY), username: "admin" })]);
    // The admin is a member of the Acme organization: the booking page is on its subdomain.
    expect(data.bookingUrl).toBe("https://acme.cal.com/admin/deep-dive");
    // And what was answered is what is kept.
    expect(expectSuccess(await call("GET", `/v2/event-types/${data.id}`))).toEqual(data);
  });

  it("maps the API's fields to Cal.com's columns and back: booking window, confirmation policy, options, limits, seats", async () => {
    const data = expectSuccess(
      await create({
        lengthInMinutes: 30,
        lengthInMinutesOptions: [30, 60],
        title: "Office hours",
        slug: "office",
        bookingWindow: { type: "businessDays", value: 10, rolling: true },
        confirmationPolicy: { type: "time", noticeThreshold: { unit: "hours", count: 24 }, blockUnconfirmedBookingsInBooker: true },
        bookingLimitsCount: { day: 2, week: 5 },
        locations: [{ type: "address", address: "1 Market Street", public: true }],
      }),
      201,
    );
    expect(data.lengthInMinutesOptions).toEqual([30, 60]);
    expect(data.bookingWindow).toEqual({ type: "businessDays", value: 10, rolling: true });
    expect(data.confirmationPolicy).toEqual({ type: "time", noticeThreshold: { unit: "hours", count: 24 }, blockUnconfirmedBookingsInBooker: true });
    expect(data.bookingLimitsCount).toEqual({ day: 2, week: 5 });
    expect(data.locations).toEqual([{ type: "address", address: "1 Market Street", public: true }]);
    const row = (await s.api.state()).eventTypes.find((e) => e.id === data.id)!;
    expect(row).toMatchObject({ periodType: "ROLLING_WINDOW", periodDays: 10, periodCountCalendarDays: false, requiresConfirmation: true, bookingLimits: { PER_DAY: 2, PER_WEEK: 5 } });
    const seated = expectSuccess(await create({ lengthInMinutes: 60, title: "Class", slug: "class", seats: { seatsPerTimeSlot: 4, showAttendeeInfo: true, showAvailabilityCount: false } }), 201);
    expect(seated.seats).toEqual({ seatsPerTimeSlot: 4, showAttendeeInfo: true, showAvailabilityCount: false });
    // Seats and a confirmation step cannot go together (Cal.com's cross-field rule).
    expectError(
      await call("PATCH", `/v2/event-types/${seated.id}`, { confirmationPolicy: { type: "always", blockUnconfirmedBookingsInBooker: false } }),
      400,
      "BadRequestException",
      "Seats Validation failed: Seats are enabled but requiresConfirmation is true.",
    );
  });

  it("refuses a slug the caller already has (400), checked on the slugified value; another user may use it", async () => {
    expectSuccess(await create({ lengthInMinutes: 30, title: "Chat", slug: "quick-sync" }), 201);
    expectError(await create({ lengthInMinutes: 30, title: "Chat", slug: "quick-sync" }), 400, "BadRequestException", "User already has an event type with this slug.");
    expectError(await create({ lengthInMinutes: 30, title: "Chat", slug: "  --quick-sync" }), 400, "BadRequestException", "User already has an event type with this slug.");
    expectSuccess(await create({ lengthInMinutes: 30, title: "Chat", slug: "quick-sync" }, MEMBER_KEY), 201);
  });

  it("slugifies the slug as Cal.com's slugifyLenient does: trimmed, leading dashes, dots and underscores dropped, case kept", async () => {
    expect(expectSuccess(await create({ lengthInMinutes: 30, title: "Chat", slug: "  --_Team Chat  " }), 201).slug).toBe("Team Chat");
    expect(expectSuccess(await create({ lengthInMinutes: 30, title: "Chat", slug: "..demo.v2" }), 201).slug).toBe("demo.v2");
  });

  it("keeps Cal.com's cross-field rules: an e-mail field that stays required and visible, one location with seats, an owned schedule", async () => {
    expectError(
      await create({ lengthInMinutes: 30, title: "X", slug: "x", bookingFields: [{ type: "email", label: "Email", placeholder: "", required: false, hidden: true }] }),
      400,
      "BadRequestException",
      "Booking fields validation failed: visible and required email or visible and required attendee phone field is needed.",
    );
    expectError(
      await create({
        lengthInMinutes: 30,
        title: "X",
        slug: "x",
        seats: { seatsPerTimeSlot: 3, showAttendeeInfo: false, showAvailabilityCount: true },
        locations: [{ type: "integration", integration: "cal-video" }, { type: "attendeePhone" }],
      }),
      400,
      "BadRequestException",
      "Seats Validation failed: Seats are enabled but more than one location provided.",
    );
    const ownersSchedule = s.state.schedules.find((sc) => sc.userId === userId(OWNER_KEY))!;
    expectError(
      await create({ lengthInMinutes: 30, title: "X", slug: "x", scheduleId: ownersSchedule.id }),
      404,
      "NotFoundException",
      `User with ID=${userId(ADMIN_KEY)} does not own schedule with ID=${ownersSchedule.id}`,
    );
    expectError(await create({ lengthInMinutes: 30, title: "X", slug: "x", locations: [{ type: "somewhere" }] }), 400, "BadRequestException", /Unsupported location type 'somewhere'/);
    expect(await s.api.state()).toEqual(s.state);
  });

  it("puts the caller's own booking fields between the system ones, and disableGuests hides the guests field", async () => {
    const data = expectSuccess(
      await create({
        lengthInMinutes: 30,
        title: "X",
        slug: "x",
        disableGuests: true,
        bookingFields: [{ type: "select", slug: "topic", label: "Topic", required: true, options: ["Sales", "Support"] }],
      }),
      201,
    );
    expect(data.bookingFields.map((f: { slug: string }) => f.slug)).toEqual(["name", "email", "location", "topic", "title", "notes", "guests", "rescheduleReason"]);
    expect(data.bookingFields[3]).toEqual({ isDefault: false, type: "select", slug: "topic", label: "Topic", required: true, disableOnPrefill: false, options: ["Sales", "Support"], hidden: false });
    expect(data.bookingFields.find((f: { slug: string }) => f.slug === "guests").hidden).toBe(true);
    expect(data.disableGuests).toBe(true);
  });

  it("needs cal-api-version 2024-06-14", async () => {
    const res = await call("POST", "/v2/event-types", { lengthInMinutes: 30, title: "X", slug: "x" }, ADMIN_KEY, {});
    expectError(res, 400, "BadRequestException", /cal-api-version header is required/);
  });
});

describe("GET /v2/event-types and /v2/event-types/{id}", () => {
  it("answers [] to an anonymous caller without a filter, and the caller's own event types (hidden ones too) to an authenticated one", async () => {
    expect(expectSuccess(await call("GET", "/v2/event-types", undefined, null))).toEqual([]);
    const hidden = expectSuccess(await create({ lengthInMinutes: 15, title: "Secret", slug: "secret", hidden: true }), 201);
    const mine = expectSuccess(await call("GET", "/v2/event-types"));
    expect(mine.map((e: { id: number }) => e.id)).toEqual([...eventTypesOf(s.state, userId(ADMIN_KEY)).map((e) => e.id), hidden.id]);
    expect(mine.every((e: { ownerId: number }) => e.ownerId === userId(ADMIN_KEY))).toBe(true);
  });

  it("lists a username's public event types, hidden ones only to that user; orders by id on sortCreatedAt", async () => {
    const hidden = expectSuccess(await create({ lengthInMinutes: 15, title: "Secret", slug: "secret", hidden: true }), 201);
    const publicIds = eventTypesOf(s.state, userId(ADMIN_KEY)).map((e) => e.id);
    const asAnyone = expectSuccess(await call("GET", "/v2/event-types?username=admin", undefined, null));
    expect(asAnyone.map((e: { id: number }) => e.id)).toEqual(publicIds);
    const asOwner = expectSuccess(await call("GET", "/v2/event-types?username=admin&sortCreatedAt=desc"));
    expect(asOwner.map((e: { id: number }) => e.id)).toEqual([hidden.id, ...[...publicIds].reverse()]);
    expect(expectSuccess(await call("GET", "/v2/event-types?username=admin&eventSlug=secret", undefined, MEMBER_KEY))).toEqual([]);
    expect(expectSuccess(await call("GET", "/v2/event-types?username=admin&eventSlug=secret")).map((e: { id: number }) => e.id)).toEqual([hidden.id]);
    expect(expectSuccess(await call("GET", "/v2/event-types?username=nobody-here", undefined, null))).toEqual([]);
    // Within an organization the profile's username is looked up.
    expect(expectSuccess(await call("GET", "/v2/event-types?username=admin&orgSlug=acme", undefined, null))).toHaveLength(publicIds.length);
    expect(expectSuccess(await call("GET", "/v2/event-types?username=admin&orgSlug=elsewhere", undefined, null))).toEqual([]);
  });

  it("leaves booking fields marked hidden out of list items (the title field), not out of GET one", async () => {
    const e = eventTypesOf(s.state, userId(ADMIN_KEY))[0]!;
    const listed = expectSuccess(await call("GET", "/v2/event-types?username=admin", undefined, null)).find((x: { id: number }) => x.id === e.id);
    expect(listed.bookingFields.map((f: { slug: string }) => f.slug)).toEqual(["name", "email", "location", "notes", "guests", "rescheduleReason"]);
    const one = expectSuccess(await call("GET", `/v2/event-types/${e.id}`));
    expect(one.bookingFields).toEqual(DEFAULT_FIELDS);
  });

  it("answers the dynamic group event for usernames", async () => {
    const [dynamic] = expectSuccess(await call("GET", "/v2/event-types?usernames=admin,member", undefined, null));
    expect(dynamic).toMatchObject({ id: 0, ownerId: 0, slug: "dynamic", title: "Group Meeting", lengthInMinutes: 30, lengthInMinutesOptions: [15, 30, 45, 60, 90] });
    expect(dynamic.users.map((u: { username: string }) => u.username)).toEqual(["admin", "member"]);
  });

  it("answers 404, not 403, to a caller who may not read the event type; the owner of the owner's organization may", async () => {
    const e = eventTypesOf(s.state, userId(ADMIN_KEY))[0]!;
    expectError(await call("GET", `/v2/event-types/${e.id}`, undefined, MEMBER_KEY), 404, "NotFoundException", `Event type with id ${e.id} not found`);
    expectError(await call("GET", "/v2/event-types/999999"), 404, "NotFoundException", "Event type with id 999999 not found");
    expect(expectSuccess(await call("GET", `/v2/event-types/${e.id}`, undefined, OWNER_KEY)).id).toBe(e.id);
  });

  it("shows a team event type to one of its hosts, in the team shape", async () => {
    const teamET = s.state.eventTypes.find((e) => e.teamId != null && e.schedulingType === "ROUND_ROBIN" && (e.hosts ?? []).some((h) => h.userId === userId(MEMBER_KEY)))!;
    const data = expectSuccess(await call("GET", `/v2/event-types/${teamET.id}`, undefined, MEMBER_KEY));
    expect(data).toMatchObject({ id: teamET.id, teamId: teamET.teamId, schedulingType: "roundRobin", team: { id: teamET.teamId }, ownerId: null });
    expect(data.hosts.map((h: { userId: number }) => h.userId)).toEqual(teamET.hosts!.map((h) => h.userId));
    expect(data.hosts[0]).toMatchObject({ mandatory: false, priority: "medium" });
  });
});

describe("PATCH and DELETE /v2/event-types/{id}: the owner only", () => {
  it("updates only the fields sent, and merges the metadata", async () => {
    const created = expectSuccess(await create({ lengthInMinutes: 45, lengthInMinutesOptions: [45, 90], title: "Deep dive", slug: "deep-dive" }), 201);
    const updated = expectSuccess(await call("PATCH", `/v2/event-types/${created.id}`, { title: "Deeper dive", bookerLayouts: { defaultLayout: "week", enabledLayouts: ["week", "month"] } }));
    expect(updated).toMatchObject({ title: "Deeper dive", lengthInMinutes: 45, slug: "deep-dive", lengthInMinutesOptions: [45, 90], bookerLayouts: { defaultLayout: "week", enabledLayouts: ["week", "month"] } });
    expect(updated.metadata).toEqual({ multipleDuration: [45, 90] });
  });

  it("answers 404 to anyone but the owner on PATCH, 403 on DELETE, and 404 for an unknown id on DELETE", async () => {
    const owners = eventTypesOf(s.state, userId(OWNER_KEY))[0]!;
    expectError(await call("PATCH", `/v2/event-types/${owners.id}`, { title: "Mine" }), 404, "NotFoundException", `Event type with id ${owners.id} not found`);
    expectError(await call("DELETE", `/v2/event-types/${owners.id}`), 403, "ForbiddenException", `User with ID=${userId(ADMIN_KEY)} does not own event type with ID=${owners.id}`);
    expectError(await call("DELETE", "/v2/event-types/999999"), 404, "NotFoundException", "Event type with ID=999999 does not exist.");
    expect(await s.api.state()).toEqual(s.state);
  });

  it("refuses a slug another event type of the owner has (Cal.com's tRPC handler: its fixed text)", async () => {
    const [first, second] = eventTypesOf(s.state, userId(ADMIN_KEY));
    const res = await call("PATCH", `/v2/event-types/${first!.id}`, { slug: second!.slug });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: "TRPCError", message: "Bad request: Please check your request data and try again" });
  });

  it("deletes with Cal.com's answer; the bookings stay, with no event type", async () => {
    const e = eventTypesOf(s.state, userId(ADMIN_KEY)).find((x) => s.state.bookings.some((b) => b.eventTypeId === x.id))!;
    const bookings = s.state.bookings.filter((b) => b.eventTypeId === e.id).map((b) => b.id);
    expect(expectSuccess(await call("DELETE", `/v2/event-types/${e.id}`))).toEqual({ id: e.id, lengthInMinutes: e.length, slug: e.slug, title: e.title });
    const after = await s.api.state();
    expect(after.eventTypes.some((x) => x.id === e.id)).toBe(false);
    expect(after.bookings.filter((b) => bookings.includes(b.id)).every((b) => b.eventTypeId === null)).toBe(true);
    expect(after.bookings.filter((b) => bookings.includes(b.id))).toHaveLength(bookings.length);
    expectError(await call("GET", `/v2/event-types/${e.id}`), 404, "NotFoundException");
  });
});

describe("team event types: hosts from the directory's memberships", () => {
  const TEAM = 3; // the admin is ADMIN of team 3 (Engineering)

  it("assignAllTeamMembers makes every accepted member a host (fixed on a collective event type)", async () => {
    const res = await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "Standup", slug: "standup", schedulingType: "collective", assignAllTeamMembers: true }, ADMIN_KEY, {});
    const data = expectSuccess(res, 201);
    const members = acceptedMembers(s.state, TEAM);
    expect(data).toMatchObject({ teamId: TEAM, schedulingType: "collective", assignAllTeamMembers: true, ownerId: null, parentEventTypeId: null, team: { id: TEAM }, bookingUrl: "" });
    expect(data.hosts.map((h: { userId: number }) => h.userId)).toEqual(members);
    const stored = (await s.api.state()).eventTypes.find((e) => e.id === data.id)!;
    expect(stored).toMatchObject({ schedulingType: "COLLECTIVE", userId: null });
    expect(stored.hosts!.every((h) => h.isFixed)).toBe(true);
  });

  it("takes round-robin hosts with their mandatory flag and priority", async () => {
    const [a, b] = acceptedMembers(s.state, TEAM).filter((id) => id !== userId(ADMIN_KEY));
    const data = expectSuccess(
      await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "Intro", slug: "intro-2", schedulingType: "roundRobin", hosts: [{ userId: a, mandatory: true, priority: "high" }, { userId: b }] }, ADMIN_KEY, {}),
      201,
    );
    expect(data.hosts).toEqual([
      expect.objectContaining({ userId: a, mandatory: true, priority: "high" }),
      expect.objectContaining({ userId: b, mandatory: false, priority: "medium" }),
    ]);
  });

  it("refuses a host who is not a member of the team (404), and a slug the team already has (400)", async () => {
    const outsider = s.facts.outsiderIds[0]!;
    expectError(
      await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "X", slug: "x", schedulingType: "collective", hosts: [{ userId: outsider }] }, ADMIN_KEY, {}),
      404,
      "NotFoundException",
      `Invalid hosts: ${outsider} are not members of team with id ${TEAM}.`,
    );
    const existing = s.state.eventTypes.find((e) => e.teamId === TEAM)!;
    expectError(
      await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "X", slug: existing.slug, schedulingType: "collective" }, ADMIN_KEY, {}),
      400,
      "BadRequestException",
      "Team event type with this slug already exists",
    );
    expect(await s.api.state()).toEqual(s.state);
  });

  it("needs the team's ADMIN role; the list is public and carries the team, one event type only its id", async () => {
    expectError(await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "X", slug: "x", schedulingType: "collective" }, MEMBER_KEY, {}), 403, "ForbiddenException");
    const list = expectSuccess(await call("GET", `/v2/teams/${TEAM}/event-types`, undefined, null, {}));
    expect(list.map((e: { id: number }) => e.id)).toEqual(s.state.eventTypes.filter((e) => e.teamId === TEAM).map((e) => e.id));
    expect(list[0].team).toEqual(expect.objectContaining({ id: TEAM, name: "Engineering", slug: "engineering", weekStart: "Sunday" }));
    const one = expectSuccess(await call("GET", `/v2/teams/${TEAM}/event-types/${list[0].id}`, undefined, ADMIN_KEY, {}));
    expect(one.team).toEqual({ id: TEAM });
    const bySlug = expectSuccess(await call("GET", `/v2/teams/${TEAM}/event-types?eventSlug=${list[1].slug}&hostsLimit=2`, undefined, null, {}));
    expect(bySlug).toHaveLength(1);
    expect(bySlug[0].hosts).toHaveLength(2);
  });

  it("switching the scheduling type needs hosts (400); new hosts replace the old ones", async () => {
    const e = s.state.eventTypes.find((x) => x.teamId === TEAM && x.schedulingType === "COLLECTIVE")!;
    expectError(await call("PATCH", `/v2/teams/${TEAM}/event-types/${e.id}`, { schedulingType: "roundRobin" }, ADMIN_KEY, {}), 400, "BadRequestException", /Hosts required when switching schedulingType/);
    const host = acceptedMembers(s.state, TEAM)[0]!;
    const data = expectSuccess(await call("PATCH", `/v2/teams/${TEAM}/event-types/${e.id}`, { schedulingType: "roundRobin", hosts: [{ userId: host }] }, ADMIN_KEY, {}));
    expect(data).toMatchObject({ schedulingType: "roundRobin", hosts: [expect.objectContaining({ userId: host, mandatory: false, priority: "medium" })] });
    expectError(await call("PATCH", `/v2/teams/${TEAM}/event-types/999999`, { title: "X" }, ADMIN_KEY, {}), 400, "BadRequestException", "Event type to update not found");
  });

  it("deletes with Cal.com's answer, and 404 for an event type the team does not have", async () => {
    const e = s.state.eventTypes.find((x) => x.teamId === TEAM)!;
    const other = s.state.eventTypes.find((x) => x.teamId != null && x.teamId !== TEAM)!;
    expectError(await call("DELETE", `/v2/teams/${TEAM}/event-types/${other.id}`, undefined, ADMIN_KEY, {}), 404, "NotFoundException", `Event type with ID=${other.id} does not exist.`);
    expect(expectSuccess(await call("DELETE", `/v2/teams/${TEAM}/event-types/${e.id}`, undefined, ADMIN_KEY, {}))).toEqual({ id: e.id, title: e.title });
  });
});

describe("managed event types: a copy for each member", () => {
  const TEAM = 3;

  it("creates the parent and one personal copy per member named, answers them together, and replaces a member's own event type of that slug", async () => {
    const [a, b] = acceptedMembers(s.state, TEAM).filter((id) => id !== userId(ADMIN_KEY));
    const homonym = eventTypesOf(s.state, a!)[0]!;
    const res = await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "Onboarding", slug: homonym.slug, schedulingType: "managed", hosts: [{ userId: a }, { userId: b }] }, ADMIN_KEY, {});
    const [parent, ...copies] = expectSuccess(res, 201);
    expect(parent).toMatchObject({ schedulingType: "managed", teamId: TEAM, metadata: { managedEventConfig: {} } });
    expect(parent.hosts.map((h: { userId: number }) => h.userId)).toEqual([a, b]);
    expect(copies.map((c: { ownerId: number; parentEventTypeId: number; teamId: null }) => [c.ownerId, c.parentEventTypeId, c.teamId])).toEqual([
      [a, parent.id, null],
      [b, parent.id, null],
    ]);
    const state = await s.api.state();
    expect(state.eventTypes.some((e) => e.id === homonym.id)).toBe(false);
    const user = state.users.find((u) => u.id === a)!;
    const listed = expectSuccess(await call("GET", `/v2/event-types?username=${user.username}&eventSlug=${homonym.slug}`, undefined, null));
    expect(listed.map((e: { id: number }) => e.id)).toEqual([copies[0].id]);
  });

  it("keeps the copies in line on update (new title, a member removed) and deletes them with the parent", async () => {
    const [a, b] = acceptedMembers(s.state, TEAM).filter((id) => id !== userId(ADMIN_KEY));
    const [parent] = expectSuccess(
      await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "Onboarding", slug: "onboarding", schedulingType: "managed", hosts: [{ userId: a }, { userId: b }] }, ADMIN_KEY, {}),
      201,
    );
    const [updated, ...copies] = expectSuccess(await call("PATCH", `/v2/teams/${TEAM}/event-types/${parent.id}`, { title: "Welcome", hosts: [{ userId: a }] }, ADMIN_KEY, {}));
    expect(updated.title).toBe("Welcome");
    expect(copies.map((c: { ownerId: number; title: string }) => [c.ownerId, c.title])).toEqual([[a, "Welcome"]]);
    expectSuccess(await call("DELETE", `/v2/teams/${TEAM}/event-types/${parent.id}`, undefined, ADMIN_KEY, {}));
    const state = await s.api.state();
    expect(state.eventTypes.filter((e: EventType) => e.parentId === parent.id)).toEqual([]);
  });
});

describe("what other deletions do to event types (the cascades module)", () => {
  const TEAM = 3;

  it("a member leaving the team stops hosting its event types and loses their managed copy", async () => {
    const member = acceptedMembers(s.state, TEAM).find((id) => id !== userId(ADMIN_KEY) && s.state.eventTypes.some((e) => e.teamId === TEAM && (e.hosts ?? []).some((h) => h.userId === id)))!;
    const [parent] = expectSuccess(
      await call("POST", `/v2/teams/${TEAM}/event-types`, { lengthInMinutes: 30, title: "Onboarding", slug: "onboarding", schedulingType: "managed", hosts: [{ userId: member }] }, ADMIN_KEY, {}),
      201,
    );
    const membership = s.state.memberships.find((m) => m.teamId === TEAM && m.userId === member)!;
    expectSuccess(await call("DELETE", `/v2/teams/${TEAM}/memberships/${membership.id}`, undefined, ADMIN_KEY, {}));
    const state = await s.api.state();
    expect(state.eventTypes.filter((e) => e.teamId === TEAM).some((e) => (e.hosts ?? []).some((h) => h.userId === member))).toBe(false);
    expect(state.eventTypes.some((e) => e.parentId === parent.id)).toBe(false);
  });

  it("deleting a team deletes its event types", async () => {
    const team = s.state.memberships.find((m) => m.userId === userId(OWNER_KEY) && m.role === "OWNER" && s.facts.teams.some((t) => t.id === m.teamId))!.teamId;
    const ids = s.state.eventTypes.filter((e) => e.teamId === team).map((e) => e.id);
    expect(ids.length).toBeGreaterThan(0);
    expectSuccess(await call("DELETE", `/v2/teams/${team}`, undefined, OWNER_KEY, {}));
    expect((await s.api.state()).eventTypes.some((e) => ids.includes(e.id))).toBe(false);
  });
});

describe("organization team event types", () => {
  it("lets the organization's admin create in a team they are not in; a plain member of the team is refused", async () => {
    const team = 4; // the admin has no membership of team 4; the member is a MEMBER of it
    const path = `${s.base}/teams/${team}/event-types`;
    expectSuccess(await call("POST", path, { lengthInMinutes: 30, title: "Help desk", slug: "help-desk", schedulingType: "collective", assignAllTeamMembers: true }, ADMIN_KEY, {}), 201);
    expectError(await call("POST", path, { lengthInMinutes: 30, title: "X", slug: "x", schedulingType: "collective" }, MEMBER_KEY, {}), 403, "ForbiddenException");
    // The team list needs no key; a team outside the organization is IsTeamInOrg's 404.
    expect(expectSuccess(await call("GET", path, undefined, null, {})).some((e: { slug: string }) => e.slug === "help-desk")).toBe(true);
    expectError(await call("GET", `${s.base}/teams/999/event-types`, undefined, null, {}), 404, "NotFoundException", "IsTeamInOrg - Team (999) not found.");
  });

  it("lists the event types of every team of the organization, a page at a time", async () => {
    const all = s.state.eventTypes.filter((e) => e.teamId != null).map((e) => e.id);
    const page = expectSuccess(await call("GET", `${s.base}/teams/event-types?skip=1&take=2`, undefined, ADMIN_KEY, {}));
    expect(page.map((e: { id: number }) => e.id)).toEqual(all.slice(1, 3));
    expect(page[0].team).toEqual({ id: page[0].teamId });
  });
});
