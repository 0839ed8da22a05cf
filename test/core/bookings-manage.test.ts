import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { Attendee, Booking, State } from "../../src/store/schema.js";
import { admin } from "../kit/helpers.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, startMock, type ApiResponse, type Client } from "../support/harness.js";

/**
 * Listing and managing bookings, from the bookings reference (§3.3 list, §3.6 confirm/decline, §3.7 mark-absent,
 * §3.8 reassign, §3.9 attendees/guests/location, §3.10 links and references). Each test loads the bookings it needs
 * into the seeded directory (PUT /__admin/state) on a clock frozen at NOW, so "upcoming" and "past" are known.
 */

const NOW = "2030-01-07T08:00:00.000Z"; // a Monday
const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const HOUR = 60;
const DAY = 24 * HOUR;
const V = { "cal-api-version": "2024-08-13" };

let mock: MockServer;
let api: Client;
let seeded: State;
let ids: ReturnType<typeof idsOf>;

function idsOf(state: State) {
  const keyed = (key: string) => state.apiKeys.find((k) => k.key === key)!.userId;
  const owner = keyed(OWNER_KEY);
  const adminId = keyed(ADMIN_KEY);
  const member = keyed(MEMBER_KEY);
  const personal = (userId: number, slug: string) => state.eventTypes.find((e) => e.userId === userId && e.slug === slug)!;
  const org = state.organizations[0]!;
  const teams = state.teams.filter((t) => t.parentId === org.id);
  const ownerTeam = teams.find((t) => state.memberships.some((m) => m.teamId === t.id && m.userId === owner && m.role === "OWNER"))!;
  const memberTeam = teams.find((t) => state.memberships.some((m) => m.teamId === t.id && m.userId === member))!;
  const teamType = (teamId: number, kind: string) => state.eventTypes.find((e) => e.teamId === teamId && e.schedulingType === kind)!;
  const inTeam = (teamId: number, userId: number) => state.memberships.some((m) => m.teamId === teamId && m.userId === userId);
  const keyless = (teamId: number, not: number) =>
    state.memberships.find((m) => m.teamId === teamId && m.accepted && ![owner, adminId, member].includes(m.userId) && !inTeam(not, m.userId))!.userId;
  // Members without a key: one of the owner's team only (the third round-robin host), one of the member's team only.
  const third = keyless(ownerTeam.id, memberTeam.id);
  const fourth = keyless(memberTeam.id, ownerTeam.id);
  const user = (id: number) => state.users.find((u) => u.id === id)!;
  return {
    org: org.id,
    owner,
    admin: adminId,
    member,
    third,
    fourth,
    user,
    personal,
    thirty: personal(owner, "thirty-minutes"),
    intro: personal(owner, "intro-call"),
    weekly: personal(owner, "weekly-check-in"),
    adminSixty: personal(adminId, "sixty-minutes"),
    workshop: personal(adminId, "workshop"),
    memberThirty: personal(member, "thirty-minutes"),
    ownerTeam,
    memberTeam,
    salesIntro: teamType(ownerTeam.id, "ROUND_ROBIN"),
    salesSync: teamType(ownerTeam.id, "COLLECTIVE"),
    memberTeamSync: teamType(memberTeam.id, "COLLECTIVE"),
    outsider: state.users.find((u) => !state.memberships.some((m) => m.userId === u.id))!.id,
  };
}

let nextBooking = 0;
let nextAttendee = 0;

interface Spec {
  uid: string;
  userId: number | null;
  eventTypeId: number | null;
  /** Minutes from NOW. */
  start: number;
  minutes?: number;
  status?: Booking["status"];
  attendees?: Array<Partial<Attendee> & { email: string }>;
  extra?: Partial<Booking>;
}

/** A booking row: the first attendee is the booker, whose name and e-mail are the responses'. */
function bk(s: Spec): Booking {
  const attendees = (s.attendees ?? [{ email: `${s.uid.toLowerCase()}@example.org` }]).map((a) => ({
    name: a.name ?? `Booker ${s.uid}`,
    timeZone: "Europe/Paris",
    ...a,
    id: a.id ?? ++nextAttendee,
  }));
  const title = s.eventTypeId == null ? "Call" : `Meeting between Host and ${attendees[0]!.name}`;
  return {
    id: ++nextBooking,
    uid: s.uid,
    userId: s.userId,
    eventTypeId: s.eventTypeId,
    title,
    startTime: at(s.start),
    endTime: at(s.start + (s.minutes ?? 30)),
    status: s.status ?? "ACCEPTED",
    attendees,
    responses: { name: attendees[0]!.name, email: attendees[0]!.email },
    location: "integrations:daily",
    createdAt: at(-30 * DAY + nextBooking * HOUR),
    ...s.extra,
  };
}

/** The seeded state with these bookings only (and the changes `patch` makes). */
async function load(bookings: Booking[], patch?: (s: State) => void): Promise<void> {
  const state = structuredClone(seeded);
  state.bookings = bookings;
  state.selectedSlots = [];
  patch?.(state);
  const res = await admin(mock.url, "PUT", "/state", state);
  expect(res.status, res.text.slice(0, 400)).toBe(200);
}

const get = (path: string, key = OWNER_KEY) => api.request("GET", path, { key, headers: V });
const post = (path: string, body?: unknown, key = OWNER_KEY) => api.request("POST", path, { key, headers: V, ...(body !== undefined && { body }) });
const uids = (res: ApiResponse) => (res.body.data as Array<{ uid: string }>).map((b) => b.uid);
const stored = async (uid: string) => (await api.state()).bookings.find((b) => b.uid === uid)!;

/** A 4xx in Cal.com's envelope with this message (a validation failure's constraint message, or the error's own). */
function refused(res: ApiResponse, status: number, message: string, code?: string): void {
  expect(res.status, JSON.stringify(res.body).slice(0, 600)).toBe(status);
  expect(res.body.status).toBe("error");
  if (code) expect(res.body.error.code).toBe(code);
  if (res.body.error.message === "Bad Request Exception") {
    const constraints = (res.body.error.details.errors as Array<{ constraints?: Record<string, string>; children?: unknown[] }>).flatMap(function all(e): string[] {
      return [...Object.values(e.constraints ?? {}), ...((e.children ?? []) as typeof e[]).flatMap(all)];
    });
    expect(constraints).toContain(message);
  } else expect(res.body.error.message).toBe(message);
}

beforeAll(async () => {
  ({ mock, api } = await startMock({ now: NOW }));
  seeded = await api.state();
  ids = idsOf(seeded);
  nextAttendee = 100_000;
});
afterAll(() => mock.close());

describe("GET /v2/bookings: status groups read against the clock", () => {
  const uidsOf = async (query: string) => uids(await get(`/v2/bookings?${query}`));
  beforeAll(async () => {
    const weekly = ids.weekly.id;
    await load([
      bk({ uid: "pastAccepted", userId: ids.owner, eventTypeId: ids.thirty.id, start: -2 * DAY }),
      bk({ uid: "aheadAccepted", userId: ids.owner, eventTypeId: ids.thirty.id, start: 2 * DAY }),
      bk({ uid: "aheadPending", userId: ids.owner, eventTypeId: ids.intro.id, start: 1 * DAY, status: "PENDING" }),
      bk({ uid: "pastPending", userId: ids.owner, eventTypeId: ids.intro.id, start: -1 * DAY, status: "PENDING" }),
      bk({ uid: "aheadCancelled", userId: ids.owner, eventTypeId: ids.thirty.id, start: 3 * DAY, status: "CANCELLED" }),
      bk({ uid: "pastRejected", userId: ids.owner, eventTypeId: ids.intro.id, start: -3 * DAY, status: "REJECTED" }),
      bk({ uid: "ongoing", userId: ids.owner, eventTypeId: ids.thirty.id, start: -10 }),
      bk({ uid: "endsNow", userId: ids.owner, eventTypeId: ids.thirty.id, start: -30 }),
      bk({ uid: "seriesAccepted", userId: ids.owner, eventTypeId: weekly, start: 7 * DAY, extra: { recurringEventId: "series1" } }),
      bk({ uid: "seriesPending", userId: ids.owner, eventTypeId: weekly, start: 14 * DAY, status: "PENDING", extra: { recurringEventId: "series1" } }),
      bk({ uid: "seriesCancelled", userId: ids.owner, eventTypeId: weekly, start: 21 * DAY, status: "CANCELLED", extra: { recurringEventId: "series1" } }),
      bk({ uid: "seriesPast", userId: ids.owner, eventTypeId: weekly, start: -7 * DAY, extra: { recurringEventId: "series1" } }),
    ]);
  });

  it("upcoming: ends now or later; non-recurring ones in any status but cancelled or rejected (pending too), occurrences only when accepted; by start", async () => {
    expect(await uidsOf("status=upcoming")).toEqual(["endsNow", "ongoing", "aheadPending", "aheadAccepted", "seriesAccepted"]);
  });

  it("recurring: occurrences ending now or later that are not cancelled or rejected", async () => {
    expect(await uidsOf("status=recurring")).toEqual(["seriesAccepted", "seriesPending"]);
  });

  it("past: ended by now (ending exactly now counts as both), pending ones too, not cancelled or rejected; newest first", async () => {
    expect(await uidsOf("status=past")).toEqual(["endsNow", "pastPending", "pastAccepted", "seriesPast"]);
  });

  it("cancelled: cancelled and rejected ones (shown as rejected), whenever they are; newest first", async () => {
    const res = await get("/v2/bookings?status=cancelled");
    expect(uids(res)).toEqual(["seriesCancelled", "aheadCancelled", "pastRejected"]);
    expect(res.body.data.map((b: { status: string }) => b.status)).toEqual(["cancelled", "cancelled", "rejected"]);
  });

  it("unconfirmed: pending ones ending now or later, occurrences included", async () => {
    expect(await uidsOf("status=unconfirmed")).toEqual(["aheadPending", "seriesPending"]);
  });

  it("several statuses are OR-combined and ordered by start ascending; no status lists every status", async () => {
    expect(await uidsOf("status=cancelled,unconfirmed")).toEqual(["pastRejected", "aheadPending", "aheadCancelled", "seriesPending", "seriesCancelled"]);
    expect(await uidsOf("")).toHaveLength(12);
  });

  it("moves bookings from upcoming to past when the clock moves, without a reset", async () => {
    await admin(mock.url, "POST", "/clock/advance", { by: "2d1h" });
    try {
      expect(await uidsOf("status=upcoming")).toEqual(["seriesAccepted"]);
      expect(await uidsOf("status=past")).toContain("aheadAccepted");
      expect(await uidsOf("status=unconfirmed")).toEqual(["seriesPending"]);
    } finally {
      await admin(mock.url, "PUT", "/clock", { now: NOW });
    }
  });
});

describe("GET /v2/bookings: filters, orders and their refusals", () => {
  beforeAll(async () => {
    await load([
      bk({ uid: "a1", userId: ids.owner, eventTypeId: ids.thirty.id, start: 1 * DAY, attendees: [{ email: "ann+tag@example.org", name: "Ann Lee" }], extra: { createdAt: at(-10 * DAY), updatedAt: at(-1 * DAY) } }),
      bk({ uid: "a2", userId: ids.owner, eventTypeId: ids.intro.id, start: 2 * DAY, minutes: 90, attendees: [{ email: "bob@example.org", name: "Bob Ray" }], extra: { createdAt: at(-20 * DAY) } }),
      bk({ uid: "a3", userId: ids.owner, eventTypeId: ids.salesSync.id, start: 3 * DAY, minutes: 10, attendees: [{ email: "cy@example.org", name: "Cy Doe" }], extra: { createdAt: at(-5 * DAY), updatedAt: at(-3 * DAY) } }),
      bk({ uid: "a4", userId: ids.owner, eventTypeId: ids.thirty.id, start: 4 * DAY, attendees: [{ email: "Ann+tag@example.org", name: "ann lee" }], extra: { createdAt: at(-1 * DAY), updatedAt: at(-2 * DAY) } }),
    ]);
  });
  const uidsOf = async (query: string) => uids(await get(`/v2/bookings?${query}`));

  it("attendeeEmail and attendeeName match exactly after trimming; a space reads as the + a client forgot to encode", async () => {
    expect(await uidsOf("attendeeEmail=ann%2Btag@example.org")).toEqual(["a1"]);
    expect(await uidsOf("attendeeEmail=%20ann%20tag@example.org%20")).toEqual(["a1"]);
    expect(await uidsOf("attendeeEmail=Ann%2Btag@example.org")).toEqual(["a4"]);
    expect(await uidsOf("attendeeName=%20Ann%20Lee%20")).toEqual(["a1"]);
    expect(await uidsOf("attendeeName=Nobody")).toEqual([]);
  });

  it("bookingUid, eventTypeIds (eventTypeId when it is absent), teamsIds (teamId when it is absent)", async () => {
    expect(await uidsOf("bookingUid=a3")).toEqual(["a3"]);
    expect(await uidsOf(`eventTypeIds=${ids.thirty.id},${ids.intro.id}`)).toEqual(["a1", "a2", "a4"]);
    expect(await uidsOf(`eventTypeId=${ids.intro.id}`)).toEqual(["a2"]);
    expect(await uidsOf(`eventTypeIds=${ids.thirty.id}&eventTypeId=${ids.intro.id}`)).toEqual(["a1", "a4"]);
    expect(await uidsOf(`teamsIds=${ids.ownerTeam.id}`)).toEqual(["a3"]);
    expect(await uidsOf(`teamId=${ids.ownerTeam.id}`)).toEqual(["a3"]);
    // A team without event types filters nothing, as Cal.com filters by the teams' event types only when there are some.
    expect(await uidsOf(`teamsIds=${ids.org}`)).toEqual(["a1", "a2", "a3", "a4"]);
  });

  it("event types of which none exist: Cal.com's TRPC 400, its fixed text", async () => {
    refused(await get("/v2/bookings?eventTypeIds=999998,999999"), 400, "Bad request: Please check your request data and try again", "TRPCError");
    expect(await uidsOf(`eventTypeIds=999999,${ids.intro.id}`)).toEqual(["a2"]);
  });

  it("afterStart and beforeEnd bound start and end inclusively; created and updated ranges leave out never-updated bookings", async () => {
    expect(await uidsOf(`afterStart=${at(2 * DAY)}`)).toEqual(["a2", "a3", "a4"]);
    expect(await uidsOf(`beforeEnd=${at(2 * DAY + 90)}`)).toEqual(["a1", "a2"]);
    expect(await uidsOf(`afterStart=${at(2 * DAY)}&beforeEnd=${at(3 * DAY + 10)}`)).toEqual(["a2", "a3"]);
    expect(await uidsOf("afterStart=2030-01-10")).toEqual(["a3", "a4"]);
    expect(await uidsOf(`afterCreatedAt=${at(-5 * DAY)}&beforeCreatedAt=${at(-1 * DAY)}`)).toEqual(["a3", "a4"]);
    expect(await uidsOf(`afterUpdatedAt=${at(-3 * DAY)}`)).toEqual(["a1", "a3", "a4"]);
    expect(await uidsOf(`beforeUpdatedAt=${at(-2 * DAY)}`)).toEqual(["a3", "a4"]);
  });

  it("sorts by the first of sortStart, sortEnd, sortCreated, sortUpdatedAt given; never-updated bookings last ascending, first descending", async () => {
    expect(await uidsOf("sortStart=desc")).toEqual(["a4", "a3", "a2", "a1"]);
    expect(await uidsOf("sortEnd=asc&sortStart=desc")).toEqual(["a4", "a3", "a2", "a1"]);
    expect(await uidsOf("sortEnd=desc")).toEqual(["a4", "a3", "a2", "a1"]);
    expect(await uidsOf("sortCreated=asc")).toEqual(["a2", "a1", "a3", "a4"]);
    expect(await uidsOf("sortUpdatedAt=asc")).toEqual(["a3", "a4", "a1", "a2"]);
    expect(await uidsOf("sortUpdatedAt=desc")).toEqual(["a2", "a1", "a4", "a3"]);
    // A sort wins over the one status's own order.
    expect(await uidsOf("status=upcoming&sortCreated=desc")).toEqual(["a4", "a3", "a1", "a2"]);
  });

  it("refuses bad values with the DTO's messages", async () => {
    refused(await get("/v2/bookings?status=upcoming,later"), 400, "Invalid status. Allowed are upcoming, recurring, past, cancelled, unconfirmed");
    refused(await get("/v2/bookings?status="), 400, "Invalid status. Allowed are upcoming, recurring, past, cancelled, unconfirmed");
    refused(await get("/v2/bookings?sortStart=up"), 400, 'SortStart must be either "asc" or "desc".');
    refused(await get("/v2/bookings?sortEnd=up"), 400, 'SortEnd must be either "asc" or "desc".');
    refused(await get("/v2/bookings?sortCreated=up"), 400, 'SortCreated must be either "asc" or "desc".');
    refused(await get("/v2/bookings?sortUpdatedAt=up"), 400, 'SortCreated must be either "asc" or "desc".');
    refused(await get("/v2/bookings?afterStart=yesterday"), 400, "fromDate must be a valid ISO 8601 date.");
    refused(await get("/v2/bookings?afterStart=2030-02-30"), 400, "fromDate must be a valid ISO 8601 date.");
    refused(await get("/v2/bookings?beforeEnd=2030-01-07T25:00:00Z"), 400, "toDate must be a valid ISO 8601 date.");
    refused(await get("/v2/bookings?afterCreatedAt=soon"), 400, "fromDate must be a valid ISO 8601 date.");
    refused(await get("/v2/bookings?beforeUpdatedAt=soon"), 400, "toDate must be a valid ISO 8601 date.");
    refused(await get("/v2/bookings?take=0"), 400, "take must not be less than 1");
    refused(await get("/v2/bookings?take=251"), 400, "take must not be greater than 250");
    refused(await get("/v2/bookings?skip=-1"), 400, "skip must not be less than 0");
    expect((await get("/v2/bookings?eventTypeIds=1,abc")).status).toBe(400);
    // The team list's DTO names its own date fields.
    refused(await get(`/v2/teams/${ids.ownerTeam.id}/bookings?afterStart=soon`), 400, "afterStart must be a valid ISO 8601 date.");
  });

  it("needs a key and cal-api-version", async () => {
    expect((await api.request("GET", "/v2/bookings", { key: null, headers: V })).status).toBe(401);
    expect((await api.request("GET", "/v2/bookings")).status).toBe(400);
  });
});

describe("GET /v2/bookings: pagination", () => {
  beforeAll(async () => {
    await load(Array.from({ length: 12 }, (_, i) => bk({ uid: `p${String(i).padStart(2, "0")}`, userId: ids.owner, eventTypeId: ids.thirty.id, start: (i + 1) * HOUR })));
  });
  const pageOf = async (query: string) => {
    const res = await get(`/v2/bookings?${query}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["data", "pagination", "status"]);
    return res.body as { data: Array<{ uid: string }>; pagination: Record<string, unknown> };
  };

  it("computes Cal.com's pagination object from total, skip and take", async () => {
    const first = await pageOf("take=5");
    expect(first.data.map((b) => b.uid)).toEqual(["p00", "p01", "p02", "p03", "p04"]);
    expect(first.pagination).toEqual({ returnedItems: 5, totalItems: 12, itemsPerPage: 5, remainingItems: 7, currentPage: 1, totalPages: 3, hasNextPage: true, hasPreviousPage: false });
    const last = await pageOf("take=5&skip=10");
    expect(last.data.map((b) => b.uid)).toEqual(["p10", "p11"]);
    expect(last.pagination).toEqual({ returnedItems: 2, totalItems: 12, itemsPerPage: 5, remainingItems: 0, currentPage: 3, totalPages: 3, hasNextPage: false, hasPreviousPage: true });
    // A skip between pages: the page is the one the skip falls in.
    expect((await pageOf("take=5&skip=7")).pagination).toMatchObject({ returnedItems: 5, remainingItems: 0, currentPage: 2, hasNextPage: false });
  });

  it("take 1, the default take of 100, and a skip past the end (clamped to the total first)", async () => {
    expect((await pageOf("take=1")).pagination).toEqual({ returnedItems: 1, totalItems: 12, itemsPerPage: 1, remainingItems: 11, currentPage: 1, totalPages: 12, hasNextPage: true, hasPreviousPage: false });
    expect((await pageOf("")).pagination).toMatchObject({ returnedItems: 12, itemsPerPage: 100, totalPages: 1, currentPage: 1, remainingItems: 0 });
    const beyond = await pageOf("take=5&skip=50");
    expect(beyond.data).toEqual([]);
    expect(beyond.pagination).toEqual({ returnedItems: 0, totalItems: 12, itemsPerPage: 5, remainingItems: 0, currentPage: 3, totalPages: 3, hasNextPage: false, hasPreviousPage: true });
  });

  it("no bookings at all: no pages, page 0, and no previous page whatever the skip", async () => {
    const none = await pageOf("take=5&skip=5&bookingUid=none");
    expect(none.pagination).toEqual({ returnedItems: 0, totalItems: 0, itemsPerPage: 5, remainingItems: 0, currentPage: 0, totalPages: 0, hasNextPage: false, hasPreviousPage: false });
  });
});

describe("who sees which bookings", () => {
  beforeAll(async () => {
    const memberEmail = ids.user(ids.member).email;
    await load(
      [
        bk({ uid: "ownerOwn", userId: ids.owner, eventTypeId: ids.thirty.id, start: 1 * DAY }),
        bk({ uid: "memberOwn", userId: ids.member, eventTypeId: ids.memberThirty.id, start: 2 * DAY }),
        bk({ uid: "memberAttends", userId: ids.admin, eventTypeId: ids.adminSixty.id, start: 3 * DAY, attendees: [{ email: memberEmail, name: "Member" }] }),
        bk({ uid: "teamType", userId: ids.fourth, eventTypeId: ids.memberTeamSync.id, start: 4 * DAY }),
        bk({ uid: "thirdOwn", userId: ids.third, eventTypeId: ids.personal(ids.third, "thirty-minutes").id, start: 5 * DAY }),
        bk({
          uid: "seated",
          userId: ids.admin,
          eventTypeId: ids.workshop.id,
          start: 6 * DAY,
          minutes: 90,
          attendees: [{ id: 900_001, email: "s1@example.org" }, { id: 900_002, email: "s2@example.org" }],
          extra: { seatsReferences: [{ referenceUid: "seatOne", attendeeId: 900_001 }, { referenceUid: "seatTwo", attendeeId: 900_002 }] },
        }),
      ],
      (state) => {
        // The member administers its team (but stays a plain member of the organization).
        state.memberships = state.memberships.map((m) => (m.userId === ids.member && m.teamId === ids.memberTeam.id ? { ...m, role: "ADMIN" } : m));
        state.eventTypes = state.eventTypes.map((e) => (e.id === ids.workshop.id ? { ...e, seatsShowAttendees: false } : e));
      },
    );
  });

  it("a member: what they organize, attend (by e-mail), and, as a team admin, that team's event types' bookings", async () => {
    expect(uids(await get("/v2/bookings", MEMBER_KEY))).toEqual(["memberOwn", "memberAttends", "teamType"]);
  });

  it("an organization admin: also everything its members organize or attend; seated attendees always shown in the list", async () => {
    const res = await get("/v2/bookings", ADMIN_KEY);
    expect(uids(res)).toEqual(["ownerOwn", "memberOwn", "memberAttends", "teamType", "thirdOwn", "seated"]);
    const seated = res.body.data.find((b: { uid: string }) => b.uid === "seated");
    expect(seated.attendees.map((a: { seatUid: string }) => a.seatUid)).toEqual(["seatOne", "seatTwo"]);
  });

  it("an organization's list with userIds: those members' bookings as organizer or attendee; outside the admin's scope 403, none existing 400", async () => {
    const res = await api.request("GET", `/v2/organizations/${ids.org}/bookings?userIds=${ids.member}`, { key: ADMIN_KEY });
    expect(uids(res)).toEqual(["memberOwn", "memberAttends"]);
    refused(await api.request("GET", `/v2/organizations/${ids.org}/bookings?userIds=${ids.member},${ids.outsider}`, { key: ADMIN_KEY }), 403, "You don't have necessary permissions to access this resource", "TRPCError");
    refused(await api.request("GET", `/v2/organizations/${ids.org}/bookings?userIds=999999`, { key: ADMIN_KEY }), 400, "Bad request: Please check your request data and try again", "TRPCError");
    refused(await api.request("GET", `/v2/organizations/${ids.org}/bookings`, { key: MEMBER_KEY }), 403, `RolesGuard - user with id=${ids.member} does not have the minimum required role=ORG_ADMIN within organization with id=${ids.org}.`);
  });

  it("a team's list: the team's ADMIN or OWNER, its event types' bookings only", async () => {
    expect(uids(await api.request("GET", `/v2/teams/${ids.memberTeam.id}/bookings`, { key: MEMBER_KEY }))).toEqual(["teamType"]);
    refused(await api.request("GET", `/v2/teams/${ids.ownerTeam.id}/bookings`, { key: MEMBER_KEY }), 403, `RolesGuard - User is not a member of the team with id=${ids.ownerTeam.id}.`);
  });

  it("an organization team's list (org admins pass as team admins) and an organization user's list as that user sees it", async () => {
    expect(uids(await api.request("GET", `/v2/organizations/${ids.org}/teams/${ids.memberTeam.id}/bookings`, { key: ADMIN_KEY }))).toEqual(["teamType"]);
    expect(uids(await api.request("GET", `/v2/organizations/${ids.org}/users/${ids.member}/bookings`, { key: ADMIN_KEY }))).toEqual(["memberOwn", "memberAttends", "teamType"]);
    refused(await api.request("GET", `/v2/organizations/${ids.org}/users/${ids.member}/bookings`, { key: MEMBER_KEY }), 403, `RolesGuard - user with id=${ids.member} does not have the minimum required role=ORG_ADMIN within organization with id=${ids.org}.`);
    refused(await api.request("GET", `/v2/organizations/${ids.org}/teams/999999/bookings`, { key: ADMIN_KEY }), 404, "IsTeamInOrg - Team (999999) not found.");
  });
});

describe("POST /v2/bookings/{uid}/confirm and /decline", () => {
  beforeAll(async () => {
    const weekly = ids.weekly.id;
    await load([
      bk({ uid: "waiting", userId: ids.owner, eventTypeId: ids.intro.id, start: 1 * DAY, status: "PENDING" }),
      bk({ uid: "waiting2", userId: ids.owner, eventTypeId: ids.intro.id, start: 2 * DAY, status: "PENDING" }),
      bk({ uid: "accepted", userId: ids.owner, eventTypeId: ids.thirty.id, start: 3 * DAY }),
      bk({ uid: "teamWaiting", userId: ids.third, eventTypeId: ids.salesIntro.id, start: 4 * DAY, status: "PENDING" }),
      bk({ uid: "occ1", userId: ids.owner, eventTypeId: weekly, start: 7 * DAY, status: "PENDING", extra: { recurringEventId: "s" } }),
      bk({ uid: "occ2", userId: ids.owner, eventTypeId: weekly, start: 14 * DAY, status: "PENDING", extra: { recurringEventId: "s" } }),
      bk({ uid: "occ3", userId: ids.owner, eventTypeId: weekly, start: 21 * DAY, status: "CANCELLED", extra: { recurringEventId: "s" } }),
      bk({ uid: "rocc1", userId: ids.owner, eventTypeId: weekly, start: 8 * DAY, status: "PENDING", extra: { recurringEventId: "r" } }),
      bk({ uid: "rocc2", userId: ids.owner, eventTypeId: weekly, start: 15 * DAY, status: "PENDING", extra: { recurringEventId: "r" } }),
    ]);
  });

  it("confirm: the organizer accepts a pending booking (200), answered as GET one answers it; a second time is TRPC's 400", async () => {
    const res = await post("/v2/bookings/waiting/confirm");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid: "waiting", status: "accepted" });
    expect((await stored("waiting")).updatedAt).toBe(NOW);
    refused(await post("/v2/bookings/waiting/confirm"), 400, "Bad request: Please check your request data and try again", "TRPCError");
    refused(await post("/v2/bookings/accepted/decline", {}), 400, "Bad request: Please check your request data and try again", "TRPCError");
  });

  it("only the organizer, a host, the team's admins or a system admin: anyone else gets TRPC's 401", async () => {
    refused(await post("/v2/bookings/waiting2/confirm", undefined, MEMBER_KEY), 401, "You are not authorized to access this resource", "TRPCError");
    // The admin is a host of the team's round-robin event type.
    expect((await post("/v2/bookings/teamWaiting/confirm", undefined, ADMIN_KEY)).body.data.status).toBe("accepted");
    refused(await post("/v2/bookings/nope/confirm"), 404, "Booking with uid=nope was not found in the database");
    refused(await post("/v2/bookings/nope/decline", {}), 404, "Booking with uid=nope was not found in the database");
  });

  it("an occurrence takes every pending occurrence of its series with it; the answer is that occurrence alone", async () => {
    const res = await post("/v2/bookings/occ1/confirm");
    expect(res.body.data).toMatchObject({ uid: "occ1", status: "accepted", recurringBookingUid: "s" });
    expect((await stored("occ2")).status).toBe("ACCEPTED");
    expect((await stored("occ3")).status).toBe("CANCELLED");
  });

  it("decline: rejected with its reason kept, listed among cancelled; a series' pending occurrences go together", async () => {
    const res = await post("/v2/bookings/waiting2/decline", { reason: "Fully booked" });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid: "waiting2", status: "rejected" });
    expect((await stored("waiting2")).rejectionReason).toBe("Fully booked");
    expect(uids(await get("/v2/bookings?status=cancelled"))).toContain("waiting2");
    await post("/v2/bookings/rocc2/decline", {});
    expect((await stored("rocc1")).status).toBe("REJECTED");
  });
});

describe("POST /v2/bookings/{uid}/mark-absent", () => {
  beforeAll(async () => {
    const weekly = ids.weekly.id;
    await load([
      bk({ uid: "done", userId: ids.owner, eventTypeId: ids.thirty.id, start: -2 * HOUR, attendees: [{ email: "x@example.org" }, { email: "y@example.org" }] }),
      bk({ uid: "startsNow", userId: ids.owner, eventTypeId: ids.thirty.id, start: 0 }),
      bk({ uid: "later", userId: ids.owner, eventTypeId: ids.thirty.id, start: 1 * DAY + 30 }),
      bk({ uid: "occurrence", userId: ids.owner, eventTypeId: weekly, start: -1 * DAY, extra: { recurringEventId: "m" } }),
      bk({
        uid: "seatedDone",
        userId: ids.admin,
        eventTypeId: ids.workshop.id,
        start: -3 * HOUR,
        minutes: 90,
        attendees: [{ id: 910_001, email: "seat@example.org" }],
        extra: { seatsReferences: [{ referenceUid: "seatDone", attendeeId: 910_001 }] },
      }),
    ]);
  });

  it("before the start by the clock: 400 naming both instants", async () => {
    refused(
      await post("/v2/bookings/later/mark-absent", { host: true }),
      400,
      "Bookings can only be marked as absent after their scheduled start time. Current time in UTC+0: 2030-01-07T08:00:00.000Z, Booking start time in UTC+0: 2030-01-08T08:30:00.000Z",
      "BadRequestException",
    );
    expect((await stored("later")).noShowHost).toBeUndefined();
    expect((await post("/v2/bookings/startsNow/mark-absent", { host: true })).status).toBe(200);
  });

  it("marks attendees by e-mail (unknown e-mails skipped) and the host; host: false changes nothing", async () => {
    const res = await post("/v2/bookings/done/mark-absent", { attendees: [{ email: "y@example.org", absent: true }, { email: "z@example.org", absent: true }] });
    expect(res.status).toBe(200);
    expect(res.body.data.attendees.map((a: { absent: boolean }) => a.absent)).toEqual([false, true]);
    expect(res.body.data.absentHost).toBe(false);
    expect((await post("/v2/bookings/done/mark-absent", { host: true })).body.data.absentHost).toBe(true);
    expect((await post("/v2/bookings/done/mark-absent", { host: false })).body.data.absentHost).toBe(true);
    const back = await post("/v2/bookings/done/mark-absent", { attendees: [{ email: "y@example.org", absent: false }] });
    expect(back.body.data.attendees[1].absent).toBe(false);
  });

  it("attendees only for the organizer, a host or the team's admins; the host mark for any caller; unknown uid 404", async () => {
    refused(await post("/v2/bookings/done/mark-absent", { attendees: [{ email: "x@example.org", absent: true }] }, MEMBER_KEY), 403, "You are not allowed to access this booking");
    expect((await post("/v2/bookings/done/mark-absent", { host: true }, MEMBER_KEY)).status).toBe(200);
    refused(await post("/v2/bookings/nope/mark-absent", { host: true }), 404, "Booking with uid=nope not found.");
  });

  it("answers the recurring shape for an occurrence, and the regular one for a seated booking", async () => {
    expect((await post("/v2/bookings/occurrence/mark-absent", { host: true })).body.data.recurringBookingUid).toBe("m");
    const seated = (await post("/v2/bookings/seatedDone/mark-absent", { attendees: [{ email: "seat@example.org", absent: true }] }, ADMIN_KEY)).body.data;
    expect(seated.bookingFieldsResponses).toBeDefined();
    expect(seated.attendees).toEqual([expect.objectContaining({ email: "seat@example.org", absent: true })]);
    expect(seated.attendees[0].seatUid).toBeUndefined();
  });

  it("refuses an empty attendees list and a bad e-mail", async () => {
    expect((await post("/v2/bookings/done/mark-absent", { attendees: [] })).status).toBe(400);
    expect((await post("/v2/bookings/done/mark-absent", { attendees: [{ email: "nope", absent: true }] })).status).toBe(400);
  });
});

describe("POST /v2/bookings/{uid}/reassign and /reassign/{userId}", () => {
  const TUESDAY_10 = 1 * DAY + 2 * HOUR; // 2030-01-08T10:00Z: working hours in London
  const london = { timeZone: "Europe/London", availability: [{ days: [1, 2, 3, 4, 5], startTime: "09:00", endTime: "17:00" }], overrides: [] };

  /** The owner's team's round-robin event type with three London hosts (owner, admin, a third member). */
  const rr = (hosts: Array<{ userId: number; priority?: number; isFixed?: boolean }>) => (state: State) => {
    state.eventTypes = state.eventTypes.map((e) => (e.id === ids.salesIntro.id ? { ...e, hosts: hosts.map((h) => ({ isFixed: false, priority: 2, weight: 100, ...h })), minimumBookingNotice: 0 } : e));
    state.schedules = state.schedules.map((s) => ([ids.owner, ids.admin, ids.third].includes(s.userId) ? { ...s, ...london } : s));
  };
  const booking = (extra: Partial<Spec> = {}) => bk({ uid: "rr", userId: ids.owner, eventTypeId: ids.salesIntro.id, start: TUESDAY_10, attendees: [{ email: "booker@example.org", name: "Pat Booker" }], ...extra });

  it("gives the booking to a host free for its whole time (a busy one is passed over), with its new title", async () => {
    await load(
      [booking(), bk({ uid: "busy", userId: ids.admin, eventTypeId: ids.adminSixty.id, start: TUESDAY_10 - 30, minutes: 60 })],
      rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third }]),
    );
    const res = await post("/v2/bookings/rr/reassign", undefined, ADMIN_KEY);
    const third = ids.user(ids.third);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ bookingUid: "rr", reassignedTo: { id: third.id, name: third.name, email: third.email, displayEmail: third.email } });
    const after = await stored("rr");
    expect(after.userId).toBe(third.id);
    expect(after.title).toBe(`${ids.salesIntro.title} between ${third.name} and Pat Booker`);
  });

  it("the highest priority first, then the one whose last booking of the event type is the oldest", async () => {
    await load([booking()], rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third, priority: 4 }]));
    expect((await post("/v2/bookings/rr/reassign", undefined, ADMIN_KEY)).body.data.reassignedTo.id).toBe(ids.third);
    await load(
      [
        booking(),
        bk({ uid: "oldAdmin", userId: ids.admin, eventTypeId: ids.salesIntro.id, start: -20 * DAY, extra: { createdAt: at(-40 * DAY) } }),
        bk({ uid: "newThird", userId: ids.third, eventTypeId: ids.salesIntro.id, start: -10 * DAY, extra: { createdAt: at(-12 * DAY) } }),
      ],
      rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third }]),
    );
    expect((await post("/v2/bookings/rr/reassign", undefined, ADMIN_KEY)).body.data.reassignedTo.id).toBe(ids.admin);
  });

  it("no other host free (busy, or outside their working hours by the slots' availability): 400", async () => {
    await load(
      [booking(), bk({ uid: "b1", userId: ids.admin, eventTypeId: null, start: TUESDAY_10 }), bk({ uid: "b2", userId: ids.third, eventTypeId: null, start: TUESDAY_10 })],
      rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third }]),
    );
    refused(await post("/v2/bookings/rr/reassign", undefined, ADMIN_KEY), 400, "Can't reassign the booking because no other host is available at that time.");
    await load([booking({ start: 1 * DAY + 12 * HOUR })], rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third }]));
    refused(await post("/v2/bookings/rr/reassign", undefined, ADMIN_KEY), 400, "Can't reassign the booking because no other host is available at that time.");
    // A personal event type has no other host.
    await load([bk({ uid: "solo", userId: ids.owner, eventTypeId: ids.thirty.id, start: TUESDAY_10 })]);
    refused(await post("/v2/bookings/solo/reassign"), 400, "Can't reassign the booking because no other host is available at that time.");
  });

  it("only the event type's owner, hosts and team or org admins (else 403); unknown booking 404; no event type 400", async () => {
    await load([booking(), bk({ uid: "orphan", userId: ids.owner, eventTypeId: null, start: TUESDAY_10 })], rr([{ userId: ids.owner }, { userId: ids.admin }]));
    refused(await post("/v2/bookings/rr/reassign", undefined, MEMBER_KEY), 403, "You do not have permission to reassign this booking");
    refused(await post(`/v2/bookings/rr/reassign/${ids.admin}`, {}, MEMBER_KEY), 403, "You do not have permission to reassign this booking");
    refused(await post("/v2/bookings/nope/reassign"), 404, "Booking with uid=nope was not found in the database");
    refused(await post("/v2/bookings/orphan/reassign"), 400, "Event type with id=null was not found in the database");
  });

  it("to a chosen round-robin host: the reason kept, the title naming the team; a non-host 400, an unknown user 404, a fixed host 400", async () => {
    await load([booking()], rr([{ userId: ids.owner }, { userId: ids.admin }, { userId: ids.third, isFixed: false }]));
    const res = await post(`/v2/bookings/rr/reassign/${ids.third}`, { reason: "Covering" }, ADMIN_KEY);
    expect(res.status).toBe(200);
    expect(res.body.data.reassignedTo.id).toBe(ids.third);
    const after = await stored("rr");
    expect(after).toMatchObject({ userId: ids.third, reassignReason: "Covering", reassignById: ids.admin, title: `${ids.salesIntro.title} between ${ids.ownerTeam.name} and Pat Booker` });
    refused(
      await post(`/v2/bookings/rr/reassign/${ids.member}`, {}, ADMIN_KEY),
      400,
      `User with id=${ids.member} is not a valid Round Robin host - the user to which you reassign this booking must be one of the booking hosts. Fetch the booking using following endpoint and select id of one of the hosts: https://cal.com/docs/api-reference/v2/bookings/get-a-booking`,
    );
    refused(await post("/v2/bookings/rr/reassign/999999", {}, ADMIN_KEY), 404, "User with id=999999 was not found in the database");
    await load([booking()], rr([{ userId: ids.owner }, { userId: ids.admin, isFixed: true }, { userId: ids.third }]));
    expect((await post(`/v2/bookings/rr/reassign/${ids.admin}`, {}, ADMIN_KEY)).status).toBe(400);
  });
});

describe("attendees, guests and location", () => {
  beforeAll(async () => {
    await load(
      [
        bk({ uid: "mine", userId: ids.owner, eventTypeId: ids.thirty.id, start: 1 * DAY, attendees: [{ id: 920_001, email: "first@example.org", name: "First" }] }),
        bk({ uid: "crowded", userId: ids.owner, eventTypeId: ids.thirty.id, start: 2 * DAY, extra: { responses: { name: "C", email: "c@example.org", guests: Array.from({ length: 28 }, (_, i) => `g${i}@example.org`) } } }),
        bk({ uid: "noGuests", userId: ids.admin, eventTypeId: ids.adminSixty.id, start: 3 * DAY }),
        bk({ uid: "video", userId: ids.owner, eventTypeId: ids.thirty.id, start: 4 * DAY, extra: { metadata: { videoCallUrl: "https://app.cal.com/video/abc", note: "kept" } } }),
      ],
      (state) => {
        state.eventTypes = state.eventTypes.map((e) => (e.id === ids.adminSixty.id ? { ...e, disableGuests: true } : e));
      },
    );
  });

  it("lists and reads attendees with their ids; others (and bookings that do not exist) get the access guard's 403", async () => {
    const list = await get("/v2/bookings/mine/attendees");
    expect(list.body.data).toEqual([{ id: 920_001, name: "First", email: "first@example.org", displayEmail: "first@example.org", timeZone: "Europe/Paris", absent: false }]);
    expect((await get("/v2/bookings/mine/attendees/920001")).body.data.email).toBe("first@example.org");
    refused(await get("/v2/bookings/mine/attendees/5"), 404, "Attendee with id 5 not found in booking mine");
    refused(await get("/v2/bookings/mine/attendees", MEMBER_KEY), 403, `BookingPbacGuard - user with id=${ids.member} does not have access to booking with uid=mine`);
    refused(await get("/v2/bookings/nope/attendees"), 403, `BookingPbacGuard - user with id=${ids.owner} does not have access to booking with uid=nope`);
  });

  it("adds an attendee (201, to the guests too); an e-mail already attending is TRPC's 400; a bad time zone 400", async () => {
    const res = await post("/v2/bookings/mine/attendees", { name: "Ada", email: "ada@example.org", timeZone: "America/New_York", language: "it", phoneNumber: "+14155550100" });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ bookingId: (await stored("mine")).id, name: "Ada", email: "ada@example.org", timeZone: "America/New_York", language: "it", absent: false, phoneNumber: "+14155550100" });
    const after = await stored("mine");
    expect(after.attendees.map((a) => a.email)).toEqual(["first@example.org", "ada@example.org"]);
    expect(after.responses?.guests).toEqual(["ada@example.org"]);
    refused(await post("/v2/bookings/mine/attendees", { name: "Again", email: "ADA@example.org", timeZone: "Europe/London" }), 400, "Bad request: Please check your request data and try again", "TRPCError");
    refused(await post("/v2/bookings/mine/attendees", { name: "Zed", email: "zed@example.org", timeZone: "Mars/Olympus" }), 400, "timeZone must be a valid IANA time-zone");
    expect((await post("/v2/bookings/mine/attendees", { name: "Zed", email: "zed@example.org", timeZone: "Europe/London" }, MEMBER_KEY)).status).toBe(403);
  });

  it("adds guests (200, the booking as GET answers it) in the organizer's zone by default, skipping repeats and attendees", async () => {
    const res = await post("/v2/bookings/mine/guests", { guests: [{ email: "g1@example.org" }, { email: "G1@example.org", name: "Twice" }, { email: "first@example.org" }] });
    expect(res.status).toBe(200);
    expect(res.body.data.guests).toEqual(["ada@example.org", "g1@example.org"]);
    const added = (await stored("mine")).attendees.find((a) => a.email === "g1@example.org")!;
    expect(added).toMatchObject({ name: "", timeZone: ids.user(ids.owner).timeZone ?? "Europe/London" });
    refused(await post("/v2/bookings/mine/guests", { guests: [{ email: "first@example.org" }] }), 400, "Bad request: Please check your request data and try again", "TRPCError");
  });

  it("guests: at most 10 a request and 30 a booking; disabled guests, other callers and unknown bookings refused", async () => {
    refused(await post("/v2/bookings/mine/guests", { guests: Array.from({ length: 11 }, (_, i) => ({ email: `n${i}@example.org` })) }), 400, "Cannot add more than 10 guests at a time");
    expect((await post("/v2/bookings/crowded/guests", { guests: [{ email: "a@example.org" }, { email: "b@example.org" }, { email: "c2@example.org" }] })).status).toBe(400);
    expect((await post("/v2/bookings/crowded/guests", { guests: [{ email: "a@example.org" }, { email: "b@example.org" }] })).status).toBe(200);
    refused(await post("/v2/bookings/noGuests/guests", { guests: [{ email: "a@example.org" }] }, ADMIN_KEY), 400, "Bad request: Please check your request data and try again", "TRPCError");
    refused(await post("/v2/bookings/mine/guests", { guests: [{ email: "m@example.org" }] }, MEMBER_KEY), 403, "You don't have necessary permissions to access this resource", "TRPCError");
    refused(await post("/v2/bookings/nope/guests", { guests: [{ email: "m@example.org" }] }), 404, "Booking with uid nope not found");
  });

  it("location: the value, its responses form and no video call URL; the field its type needs; other callers 403", async () => {
    const patch = (uid: string, body: unknown, key = OWNER_KEY) => api.request("PATCH", `/v2/bookings/${uid}/location`, { key, headers: V, body });
    const res = await patch("video", { location: { type: "link", link: "https://meet.example.org/x" } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ location: "https://meet.example.org/x", metadata: { note: "kept" } });
    expect(res.body.data.bookingFieldsResponses.location).toEqual({ value: "link", optionValue: "" });
    expect((await stored("video")).metadata).toEqual({ note: "kept" });
    const attendee = await patch("video", { location: { type: "attendeeAddress", address: "1 Main St" } });
    expect(attendee.body.data.bookingFieldsResponses.location).toEqual({ value: "attendeeInPerson", optionValue: "1 Main St" });
    refused(await patch("video", { location: { type: "phone" } }), 400, "phone must be a string");
    expect((await patch("video", {})).body.data.location).toBe("1 Main St");
    refused(
      await patch("video", { location: { type: "link", link: "https://x.example.org" } }, MEMBER_KEY),
      403,
      "User is not authorized to update this booking location. User must be the event type owner, host, team admin or owner, or org admin or owner.",
    );
    refused(await patch("nope", {}), 404, "Booking with uid=nope not found");
  });
});

describe("calendar links, references, recordings, transcripts, sessions", () => {
  beforeAll(async () => {
    await load([
      bk({ uid: "plain", userId: ids.owner, eventTypeId: ids.thirty.id, start: 1 * DAY, attendees: [{ email: "kim@example.org", name: "Kim Park" }] }),
      bk({ uid: "occ", userId: ids.owner, eventTypeId: ids.weekly.id, start: 2 * DAY, extra: { recurringEventId: "w", metadata: { videoCallUrl: "https://app.cal.com/video/occ" } } }),
      bk({ uid: "street", userId: ids.owner, eventTypeId: ids.thirty.id, start: 3 * DAY, extra: { location: "1 Market Street" } }),
      bk({ uid: "noType", userId: ids.owner, eventTypeId: null, start: 4 * DAY }),
      bk({ uid: "admins", userId: ids.admin, eventTypeId: ids.adminSixty.id, start: 5 * DAY }),
    ]);
  });

  it("four links as Cal.com builds them: the event name unencoded in Google's and Office's, Outlook's through encodeURI, an ICS data URL", async () => {
    const res = await get("/v2/bookings/plain/calendar-links");
    expect(res.status).toBe(200);
    const links = res.body.data as Array<{ label: string; id: string; link: string }>;
    expect(links.map((l) => [l.label, l.id])).toEqual([["Google Calendar", "googleCalendar"], ["Microsoft Office", "microsoftOffice"], ["Microsoft Outlook", "microsoftOutlook"], ["ICS", "ics"]]);
    const name = `${ids.thirty.title} between ${ids.user(ids.owner).name} and Kim Park`;
    expect(links[0]!.link).toBe(`https://calendar.google.com/calendar/r/eventedit?dates=20300108T080000Z/20300108T083000Z&text=${name}&details=`);
    expect(links[1]!.link).toContain(`&startdt=2030-01-08T08:00:00Z&subject=${name}`);
    expect(links[2]!.link).toContain("path=%252Fcalendar%252Faction%252Fcompose");
    const ics = decodeURIComponent(links[3]!.link.replace("data:text/calendar,", ""));
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).toContain("DTSTART:20300108T080000Z");
    expect(ics).toContain("DURATION:PT30M");
  });

  it("a recurring booking's Google link carries its rule; a video call URL is the location", async () => {
    const links = (await get("/v2/bookings/occ/calendar-links")).body.data as Array<{ link: string }>;
    expect(links[0]!.link).toContain(`&location=${encodeURIComponent("https://app.cal.com/video/occ")}&recur=${encodeURIComponent("RRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=1")}`);
    refused(await get("/v2/bookings/nope/calendar-links"), 404, "Booking with uid nope not found");
    refused(await get("/v2/bookings/noType/calendar-links"), 400, "Booking with uid noType has no event type");
  });

  it("references: [] for the organizer, 400 for anyone else; the organization team route looks the uid up alone", async () => {
    expect((await get("/v2/bookings/plain/references?type=google_calendar")).body.data).toEqual([]);
    refused(await get("/v2/bookings/admins/references"), 400, "Booking with uid admins does not belong to user");
    refused(await get("/v2/bookings/nope/references"), 404, "Booking with uid nope not found");
    expect((await api.request("GET", `/v2/organizations/${ids.org}/teams/${ids.memberTeam.id}/bookings/plain/references`, { key: ADMIN_KEY })).body.data).toEqual([]);
    refused(await api.request("GET", `/v2/organizations/${ids.org}/teams/${ids.memberTeam.id}/bookings/nope/references`, { key: ADMIN_KEY }), 404, "Booking with uid nope not found");
  });

  it("Cal Video reads: [] for a booking with a Cal Video room, 404 without one or for an unknown booking; sessions need access", async () => {
    for (const tail of ["recordings", "transcripts"]) {
      expect((await get(`/v2/bookings/plain/${tail}`)).body.data).toEqual([]);
      expect((await get(`/v2/bookings/occ/${tail}`)).body.data).toEqual([]);
      refused(await get(`/v2/bookings/street/${tail}`), 404, "No Cal Video reference found with booking uid street");
      refused(await get(`/v2/bookings/nope/${tail}`), 404, "Booking with uid=nope was not found in the database");
    }
    expect((await get("/v2/bookings/plain/conferencing-sessions")).body.data).toEqual([]);
    refused(await get("/v2/bookings/street/conferencing-sessions"), 404, "No Cal Video reference found with booking uid street");
    refused(await get("/v2/bookings/plain/conferencing-sessions", MEMBER_KEY), 403, `BookingPbacGuard - user with id=${ids.member} does not have access to booking with uid=plain`);
  });
});
