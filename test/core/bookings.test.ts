import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { computeSlots } from "../../src/scheduling/index.js";
import { slotsInputFor } from "../../src/store/queries/availability.js";
import type { EventType, State } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import type { MockServer } from "../../src/server.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, startMock, type Client } from "../support/harness.js";

/**
 * Bookings as Cal.com's 2024-08-13 API makes, shows, cancels and reschedules them (calcom-bookings-behavior.md §1-5),
 * on the default scenario with the clock at Monday 2030-01-07 08:00 UTC and the seeded bookings removed, so the
 * hosts' days are their working hours only: the owner (user 1), admin (2) and member (3) work Monday to Friday
 * 09:00-17:00 London (UTC in January); the admin is off on 14 January.
 */
const NOW = "2030-01-07T08:00:00Z";
const V = { "cal-api-version": "2024-08-13" };
const DAY = 86_400_000;
const TAKEN = "User either already has booking at this time or is not available";
const TEAM_TAKEN = "One of the hosts either already has booking at this time or is not available";
const OUT_OF_BOUNDS =
  'The event type can\'t be booked at the "start" time provided. This could be because it\'s too soon (violating the minimum booking notice) or too far in the future (outside the event\'s scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots.';

let mock: MockServer;
let api: Client;
/** Event types of the default scenario, by what they are. */
let ids: { thirty: number; sixty: number; intro: number; weekly: number; workshop: number; officeHours: number; salesSync: number; salesIntro: number; adminThirty: number };

beforeAll(async () => {
  ({ mock, api } = await startMock({ now: NOW }));
});
afterAll(() => mock.close());

async function load(change: (s: State) => void): Promise<void> {
  const s = mock.state();
  change(s);
  const res = await fetch(`${mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(s) });
  expect(res.status, await res.text()).toBe(200);
}

const eventType = (id: number) => mock.state().eventTypes.find((e) => e.id === id)!;
const setEventType = (id: number, fields: Partial<EventType>) => load((s) => Object.assign(s.eventTypes.find((e) => e.id === id)!, fields));

beforeEach(async () => {
  await mock.reset();
  const s = mock.state();
  const of = (userId: number | null, slug: string) => s.eventTypes.find((e) => e.slug === slug && (userId === null || e.userId === userId))!.id;
  ids = {
    thirty: of(1, "thirty-minutes"),
    sixty: of(1, "sixty-minutes"),
    intro: of(1, "intro-call"),
    weekly: of(1, "weekly-check-in"),
    workshop: of(2, "workshop"),
    officeHours: of(3, "office-hours"),
    adminThirty: of(2, "thirty-minutes"),
    salesSync: of(null, "sales-sync"),
    salesIntro: of(null, "sales-intro"),
  };
  await load((st) => {
    st.bookings = [];
  });
});

const ada = { name: "Ada Lovelace", email: "ada@example.com", timeZone: "Europe/London" };
const book = (body: Record<string, unknown>, key: string | null = null) => api.request("POST", "/v2/bookings", { key, headers: V, body });
const get = (uid: string, key: string | null = null) => api.request("GET", `/v2/bookings/${uid}`, { key, headers: V });
const cancel = (uid: string, body: Record<string, unknown> = {}, key: string | null = null) => api.request("POST", `/v2/bookings/${uid}/cancel`, { key, headers: V, body });
const reschedule = (uid: string, body: Record<string, unknown>, key: string | null = null) => api.request("POST", `/v2/bookings/${uid}/reschedule`, { key, headers: V, body });

/** The slot starts of an event type on a UTC day, as the slot engine computes GET /v2/slots's. */
function slotStarts(etId: number, day: string): string[] {
  const store = new Store(mock.state());
  const start = Date.parse(`${day}T00:00:00Z`);
  return computeSlots(slotsInputFor(store, store.get("eventTypes", etId)!, { start, end: start + DAY - 1, now: Date.parse(NOW) })).map((s) => new Date(s.start).toISOString());
}

describe("create (POST /v2/bookings)", () => {
  it("books a free slot: 201, accepted, Cal.com's default title, end = start + the event type's length, stored", async () => {
    const data = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada, guests: ["guest@example.org"], metadata: { ref: "A-1" } }), 201);
    expect(data).toMatchObject({
      title: "30 min meeting between Nikita Crist and Ada Lovelace",
      status: "accepted",
      start: "2030-01-08T10:00:00.000Z",
      end: "2030-01-08T10:30:00.000Z",
      duration: 30,
      eventTypeId: ids.thirty,
      eventType: { id: ids.thirty, slug: "thirty-minutes" },
      hosts: [{ id: 1, username: "owner", email: "owner@acme.example", displayEmail: "owner@acme.example" }],
      attendees: [
        { name: "Ada Lovelace", email: "ada@example.com", displayEmail: "ada@example.com", timeZone: "Europe/London", language: "en", absent: false },
        { email: "guest@example.org", name: "" },
      ],
      guests: ["guest@example.org"],
      bookingFieldsResponses: { name: "Ada Lovelace", email: "ada@example.com", displayEmail: "ada@example.com", guests: ["guest@example.org"], displayGuests: ["guest@example.org"] },
      metadata: { ref: "A-1" },
      cancellationReason: "",
      cancelledByEmail: "",
      absentHost: false,
      createdAt: "2030-01-07T08:00:00.000Z",
    });
    // Cal Video: the call's URL is the location (Cal.com keeps it in metadata and leaves it out of the answer's).
    expect(data.location).toMatch(/^https:\/\/app\.cal\.com\/video\//);
    expect(data.meetingUrl).toBe(data.location);
    expect(data.uid).toMatch(/^[1-9a-km-zA-HJ-NP-Z]{22}$/);
    expect(expectSuccess(await get(data.uid))).toEqual(data);
    expect(mock.state().bookings.map((b) => b.uid)).toEqual([data.uid]);
  });

  it("takes the slot from GET /v2/slots (as the engine computes it); a cancel frees it; a reschedule moves it", async () => {
    expect(slotStarts(ids.thirty, "2030-01-08")).toContain("2030-01-08T10:00:00.000Z");
    const booked = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    // The booking blocks its host for every event type: the 60-minute one loses 09:30 and 10:00 as well.
    expect(slotStarts(ids.thirty, "2030-01-08")).not.toContain("2030-01-08T10:00:00.000Z");
    expect(slotStarts(ids.sixty, "2030-01-08")).not.toContain("2030-01-08T09:30:00.000Z");
    const moved = expectSuccess(await reschedule(booked.uid, { start: "2030-01-08T14:00:00Z" }), 201);
    expect(slotStarts(ids.thirty, "2030-01-08")).toContain("2030-01-08T10:00:00.000Z");
    expect(slotStarts(ids.thirty, "2030-01-08")).not.toContain("2030-01-08T14:00:00.000Z");
    expectSuccess(await cancel(moved.uid, { cancellationReason: "Not needed" }));
    expect(slotStarts(ids.thirty, "2030-01-08")).toContain("2030-01-08T14:00:00.000Z");
    // The freed slot can be booked again.
    expectSuccess(await book({ start: "2030-01-08T14:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
  });

  it("refuses a taken, overlapping or unavailable time with Cal.com's 400; a touching one is free", async () => {
    expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expectError(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", TAKEN);
    expectError(await book({ start: "2030-01-08T10:15:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", TAKEN);
    // Another event type of the same host: busy too.
    expectError(await book({ start: "2030-01-08T09:30:00Z", eventTypeId: ids.sixty, attendee: ada }), 400, "BadRequestException", TAKEN);
    expectSuccess(await book({ start: "2030-01-08T10:30:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    // Outside working hours, and on Saturday.
    expectError(await book({ start: "2030-01-08T17:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", TAKEN);
    expectError(await book({ start: "2030-01-12T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", TAKEN);
    // The admin's day off (a date override).
    expectError(await book({ start: "2030-01-14T10:00:00Z", eventTypeId: ids.adminThirty, attendee: ada }), 400, "BadRequestException", TAKEN);
    expect(mock.state().bookings).toHaveLength(2);
  });

  it("refuses a start in the past, inside the minimum notice or beyond the booking window", async () => {
    expectError(await book({ start: "2030-01-04T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", "Attempting to book a meeting in the past.");
    // 120 minutes' notice from 08:00: 09:30 is too soon, 10:00 is not.
    expectError(await book({ start: "2030-01-07T09:30:00Z", eventTypeId: ids.thirty, attendee: ada }), 400, "BadRequestException", OUT_OF_BOUNDS);
    expectSuccess(await book({ start: "2030-01-07T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    // Office hours: 14 business days ahead at most, 240 minutes' notice.
    expectError(await book({ start: "2030-02-05T10:00:00Z", eventTypeId: ids.officeHours, attendee: ada }), 400, "BadRequestException", OUT_OF_BOUNDS);
    expectSuccess(await book({ start: "2030-01-22T10:00:00Z", eventTypeId: ids.officeHours, attendee: ada }), 201);
    expectError(await book({ start: "2030-01-07T11:00:00Z", eventTypeId: ids.officeHours, attendee: ada }), 400, "BadRequestException", OUT_OF_BOUNDS);
  });

  it("refuses unknown properties, at the top and nested, with Cal.com's pipe message (trailing space included)", async () => {
    const base = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada };
    expectError(await book({ ...base, foo: 1 }), 400, "BadRequestException", "foo property is wrong,property foo should not exist ");
    expectError(await book({ ...base, attendee: { ...ada, age: 3 } }), 400, "BadRequestException", "attendee property is wrong, age property is wrong,property age should not exist ");
    expectError(await book({ ...base, attendee: { ...ada, email: "not-an-email" } }), 400, "BadRequestException", "attendee property is wrong, email property is wrong,Invalid email format ");
    expectError(await book({ ...base, attendee: { ...ada, timeZone: "Mars/Base" } }), 400, "BadRequestException", "attendee property is wrong, timeZone property is wrong,timeZone must be a valid IANA time-zone ");
    expectError(await book({ ...base, attendee: { name: "No Contact", timeZone: "Europe/London" } }), 400, "BadRequestException", /At least one contact method \(email or phone number\) must be provided/);
    expectError(await book({ ...base, start: "next tuesday" }), 400, "BadRequestException", "start property is wrong,start must be a valid ISO 8601 date string ");
    expectError(await book({ ...base, attendee: { email: "a@b.example", timeZone: "Europe/London" } }), 400, "BadRequestException", /^attendee property is wrong, name property is wrong,name must be a string $/);
    expectError(
      await book({ start: base.start, attendee: ada }),
      400,
      "BadRequestException",
      "eventTypeId or eventTypeSlug + username property is wrong,Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug must be provided ",
    );
    // The recurring class has recurrenceCount; the regular one does not, nor does any have `end`.
    expectError(await book({ ...base, end: "2030-01-08T11:00:00Z" }), 400, "BadRequestException", "end property is wrong,property end should not exist ");
    expect(mock.state().bookings).toHaveLength(0);
  });

  it("finds the event type by id, by slug and username, by slug and team slug (organization too), or answers Cal.com's 404s", async () => {
    let hour = 9;
    const by = (ref: Record<string, unknown>) => book({ start: `2030-01-09T${++hour}:00:00Z`, attendee: ada, ...ref });
    expect(expectSuccess(await by({ eventTypeSlug: "thirty-minutes", username: "owner" }), 201).eventTypeId).toBe(ids.thirty);
    expect(expectSuccess(await by({ eventTypeSlug: "sixty-minutes", username: "member", organizationSlug: "acme" }), 201).hosts[0].id).toBe(3);
    expect(expectSuccess(await by({ eventTypeSlug: "sales-sync", teamSlug: "sales", organizationSlug: "acme" }), 201).eventTypeId).toBe(ids.salesSync);
    expectError(await by({ eventTypeId: 999999 }), 404, "NotFoundException", "Event type with id 999999 not found.");
    expectError(await by({ eventTypeSlug: "thirty-minutes", username: "nobody" }), 404, "NotFoundException", "User with username nobody not found");
    expectError(await by({ eventTypeSlug: "nope", username: "owner" }), 404, "NotFoundException", "Event type with slug nope belonging to user owner not found.");
    expectError(await by({ eventTypeSlug: "nope", username: "owner", organizationSlug: "acme" }), 404, "NotFoundException", "Event type with slug nope belonging to user owner within organization acme not found.");
    expectError(await by({ eventTypeSlug: "sales-sync", teamSlug: "nope" }), 404, "NotFoundException", "Team with slug nope not found");
    expectError(await by({ eventTypeSlug: "nope", teamSlug: "sales" }), 404, "NotFoundException", "Event type with slug nope belonging to team sales not found.");
  });

  it("takes lengthInMinutes only where the event type offers several lengths", async () => {
    const base = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada };
    expectError(
      await book({ ...base, lengthInMinutes: 60 }),
      400,
      "BadRequestException",
      "Can't specify 'lengthInMinutes' because event type does not have multiple possible lengths. Please, remove the 'lengthInMinutes' field from the request.",
    );
    await setEventType(ids.thirty, { metadata: { multipleDuration: [30, 60, 90] } });
    expectError(
      await book({ ...base, lengthInMinutes: 45 }),
      400,
      "BadRequestException",
      "Provided 'lengthInMinutes' is not one of the possible lengths for the event type. The possible lengths are: 30, 60, 90",
    );
    const long = expectSuccess(await book({ ...base, lengthInMinutes: 90 }), 201);
    expect(long).toMatchObject({ duration: 90, end: "2030-01-08T11:30:00.000Z" });
    // A reschedule takes the event type's own length again.
    expect(expectSuccess(await reschedule(long.uid, { start: "2030-01-09T10:00:00Z" }), 201)).toMatchObject({ duration: 30, end: "2030-01-09T10:30:00.000Z" });
  });

  it("asks for the event type's required booking fields, of their type and options", async () => {
    await setEventType(ids.thirty, {
      bookingFields: [
        { type: "text", slug: "company", label: "Company", required: true },
        { type: "select", slug: "size", label: "Size", required: false, options: ["small", "large"] },
      ],
    });
    const base = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada };
    expectError(
      await book(base),
      400,
      "BadRequestException",
      `Missing required booking field response: company - it is required by the event type booking fields, but missing in the bookingFieldsResponses. You can fetch the event type with ID ${ids.thirty} to see the required fields.`,
    );
    expectError(
      await book({ ...base, bookingFieldsResponses: { company: 7 } }),
      400,
      "BadRequestException",
      "Invalid type for booking field 'company'. Expected type string (compatible with field type 'text'), but received number.",
    );
    expectError(await book({ ...base, bookingFieldsResponses: { company: "Acme", size: "huge" } }), 400, "BadRequestException", "Invalid option 'huge' for booking field 'size'. Allowed options are: small, large.");
    const data = expectSuccess(await book({ ...base, bookingFieldsResponses: { company: "Acme", size: "large" } }), 201);
    expect(data.bookingFieldsResponses).toMatchObject({ company: "Acme", size: "large" });
    await setEventType(ids.sixty, { bookingFields: [{ type: "phone", slug: "attendeePhoneNumber", required: true, isDefault: true }] });
    expectError(
      await book({ ...base, eventTypeId: ids.sixty, start: "2030-01-09T10:00:00Z" }),
      400,
      "BadRequestException",
      'Missing attendee phone number - it is required by the event type. Pass it as "attendee.phoneNumber" string in the request.',
    );
    expectSuccess(await book({ eventTypeId: ids.sixty, start: "2030-01-09T10:00:00Z", attendee: { ...ada, phoneNumber: "+442071838750" } }), 201);
  });

  it("takes a location the event type has, and refuses one it has not", async () => {
    const base = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada };
    expectError(
      await book({ ...base, location: { type: "attendeeAddress", address: "1 Main St" } }),
      400,
      "BadRequestException",
      `Booking location with type attendeeAddress not valid for event type with id=${ids.thirty}. The event type has following location types: integration, and only these types are allowed for booking location.`,
    );
    expectError(
      await book({ ...base, location: { type: "integration", integration: "zoom" } }),
      400,
      "BadRequestException",
      `Booking location with integration zoom not valid for event type with id=${ids.thirty}. The event type has following integrations: cal-video, and only these integrations are allowed for booking location.`,
    );
    const video = expectSuccess(await book({ ...base, location: { type: "integration", integration: "cal-video" } }), 201);
    expect(video.bookingFieldsResponses.location).toEqual({ value: "integrations:daily", optionValue: "" });
    // A plain string (deprecated) is taken as it is.
    const link = expectSuccess(await book({ ...base, start: "2030-01-08T11:00:00Z", location: "https://meet.example/abc" }), 201);
    expect(link).toMatchObject({ location: "https://meet.example/abc", bookingFieldsResponses: { location: { value: "link", optionValue: "https://meet.example/abc" } } });
    // The workshop's address.
    const seat = expectSuccess(await book({ start: "2030-01-08T13:00:00Z", eventTypeId: ids.workshop, attendee: ada }), 201);
    expect(seat.location).toBe("1 Market Street, Room 4");
  });

  it("bookingRequiresAuthentication: 401 without a key, 403 for a stranger, 201 for the owner; a bad key is 401 anyway", async () => {
    await setEventType(ids.thirty, { bookingRequiresAuthentication: true });
    const body = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada };
    expectError(
      await book(body),
      401,
      "UnauthorizedException",
      "checkBookingRequiresAuthentication - request must be authenticated by passing credentials belonging to event type owner, host or team or org admin or owner.",
    );
    expectError(
      await book(body, MEMBER_KEY),
      403,
      "ForbiddenException",
      "checkBookingRequiresAuthentication - user is not authorized to access this event type. User has to be either event type owner, host, team admin or owner or org admin or owner.",
    );
    // The organization's admin may, as Cal.com's org admins may.
    expectSuccess(await book(body, ADMIN_KEY), 201);
    expectSuccess(await book({ ...body, start: "2030-01-08T11:00:00Z" }, OWNER_KEY), 201);
    expect((await book({ ...body, start: "2030-01-08T12:00:00Z" }, "cal_not_a_key")).status).toBe(401);
  });

  it("is pending when the event type requires confirmation (within its 24-hour threshold), accepted beyond it", async () => {
    const soon = expectSuccess(await book({ start: "2030-01-07T14:00:00Z", eventTypeId: ids.intro, attendee: ada }), 201);
    expect(soon.status).toBe("pending");
    const later = expectSuccess(await book({ start: "2030-01-10T14:00:00Z", eventTypeId: ids.intro, attendee: ada }), 201);
    expect(later.status).toBe("accepted");
  });

  it("a pending booking blocks its slot with requiresConfirmationWillBlockSlot, and does not without it", async () => {
    const body = { start: "2030-01-07T14:00:00Z", eventTypeId: ids.intro, attendee: ada };
    expectSuccess(await book(body), 201);
    expectError(await book({ ...body, attendee: { ...ada, email: "bob@example.com" } }), 400, "BadRequestException", TAKEN);
    expectError(await book({ ...body, eventTypeId: ids.thirty }), 400, "BadRequestException", TAKEN);
    expect(slotStarts(ids.thirty, "2030-01-07")).not.toContain("2030-01-07T14:00:00.000Z");

    await load((s) => {
      s.bookings = [];
      Object.assign(s.eventTypes.find((e) => e.id === ids.intro)!, { requiresConfirmationWillBlockSlot: false });
    });
    expect(expectSuccess(await book(body), 201).status).toBe("pending");
    expect(slotStarts(ids.thirty, "2030-01-07")).toContain("2030-01-07T14:00:00.000Z");
    expect(expectSuccess(await book({ ...body, attendee: { ...ada, email: "bob@example.com" } }), 201).status).toBe("pending");
    expect(expectSuccess(await book({ ...body, eventTypeId: ids.thirty }), 201).status).toBe("accepted");
  });

  it("the booker's active bookings limit, with the offer to reschedule", async () => {
    await setEventType(ids.thirty, { extra: { bookerActiveBookingsLimit: { maximumActiveBookings: 1, offerReschedule: true } } });
    const first = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expectError(
      await book({ start: "2030-01-09T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }),
      400,
      "BadRequestException",
      `Attendee with this email can't book because the maximum number of active bookings has been reached. You can reschedule your existing booking (${first.uid}) to a new timeslot instead.`,
    );
    expectSuccess(await book({ start: "2030-01-09T10:00:00Z", eventTypeId: ids.thirty, attendee: { ...ada, email: "bob@example.com" } }), 201);
  });
});

describe("recurring bookings", () => {
  it("creates the series (weekly, the event type's count) as an array by start, one recurringBookingUid; GET by it answers the series", async () => {
    const series = expectSuccess<any[]>(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.weekly, attendee: ada }), 201);
    expect(series.map((b) => b.start)).toEqual(["2030-01-08T10:00:00.000Z", "2030-01-15T10:00:00.000Z", "2030-01-22T10:00:00.000Z", "2030-01-29T10:00:00.000Z"]);
    const seriesUid = series[0].recurringBookingUid;
    expect(new Set(series.map((b) => b.recurringBookingUid))).toEqual(new Set([seriesUid]));
    expect(new Set(series.map((b) => b.uid)).size).toBe(4);
    for (const b of series) expect(b).not.toHaveProperty("rescheduledToUid");
    expect(expectSuccess(await get(seriesUid))).toEqual(series);
    // One occurrence by its own uid is one booking.
    expect(expectSuccess(await get(series[1].uid))).toEqual(series[1]);
  });

  it("rescheduling an occurrence keeps it in the series: the series then holds the cancelled one and its replacement", async () => {
    const series = expectSuccess<any[]>(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.weekly, attendee: ada, recurrenceCount: 3 }), 201);
    const moved = expectSuccess(await reschedule(series[1].uid, { start: "2030-01-16T10:00:00Z" }), 201);
    expect(moved).toMatchObject({ recurringBookingUid: series[0].recurringBookingUid, rescheduledFromUid: series[1].uid, start: "2030-01-16T10:00:00.000Z" });
    const after = expectSuccess<any[]>(await get(series[0].recurringBookingUid));
    expect(after.map((b) => [b.start, b.status])).toEqual([
      ["2030-01-08T10:00:00.000Z", "accepted"],
      ["2030-01-15T10:00:00.000Z", "cancelled"],
      ["2030-01-16T10:00:00.000Z", "accepted"],
      ["2030-01-22T10:00:00.000Z", "accepted"],
    ]);
  });

  it("recurrenceCount books fewer occurrences, never more than the event type's count", async () => {
    const two = expectSuccess<any[]>(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.weekly, attendee: ada, recurrenceCount: 2 }), 201);
    expect(two).toHaveLength(2);
    expectError(
      await book({ start: "2030-01-09T10:00:00Z", eventTypeId: ids.weekly, attendee: ada, recurrenceCount: 5 }),
      400,
      "BadRequestException",
      "Provided recurrence count is higher than the event type's recurring event count.",
    );
  });

  it("cancels a series by its uid, or an occurrence and the later ones; refuses the mixes Cal.com refuses", async () => {
    const series = expectSuccess<any[]>(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.weekly, attendee: ada }), 201);
    const seriesUid = series[0].recurringBookingUid;
    expectError(
      await cancel(seriesUid, { cancelSubsequentBookings: true }),
      400,
      "BadRequestException",
      "Cannot cancel subsequent bookings for recurring event - you have to provide uid of one of the individual bookings of a recurring booking.",
    );
    const after = expectSuccess<any[]>(await cancel(series[2].uid, { cancelSubsequentBookings: true, cancellationReason: "Moving on" }));
    expect(after.map((b) => b.status)).toEqual(["accepted", "accepted", "cancelled", "cancelled"]);
    expect(after[2].cancellationReason).toBe("Moving on");
    const all = expectSuccess<any[]>(await cancel(seriesUid, { cancellationReason: "All done" }));
    expect(all.map((b) => b.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    // The series' first occurrence is cancelled now, so cancelling the series again is refused.
    expectError(
      await cancel(seriesUid),
      400,
      "BadRequestException",
      `Can't cancel booking with uid=${seriesUid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`,
    );
    const single = expectSuccess(await book({ start: "2030-01-08T12:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expectError(await cancel(single.uid, { cancelSubsequentBookings: true }), 400, "BadRequestException", `Booking with bookingUid=${single.uid} is not part of a recurring booking.`);
    // Cal.com refuses it only once it has cancelled the booking.
    expect(expectSuccess(await get(single.uid)).status).toBe("cancelled");
  });
});

describe("seated bookings", () => {
  const workshop = (attendee: Record<string, unknown>, start = "2030-01-08T13:00:00Z") => book({ start, eventTypeId: ids.workshop, attendee });
  const person = (n: number) => ({ name: `Person ${n}`, email: `p${n}@example.com`, timeZone: "Europe/Berlin" });

  it("gives each booker a seat on the booking at that start, with seatUid; the sixth of five seats is a 409", async () => {
    const first = expectSuccess(await workshop(person(1)), 201);
    expect(first.seatUid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.attendees).toEqual([
      expect.objectContaining({ name: "Person 1", email: "p1@example.com", seatUid: first.seatUid, bookingFieldsResponses: { name: "Person 1" } }),
    ]);
    expect(first).not.toHaveProperty("bookingFieldsResponses");
    for (let n = 2; n <= 5; n++) {
      const seat = expectSuccess(await workshop(person(n)), 201);
      expect(seat.uid).toBe(first.uid);
      expect(seat.attendees).toHaveLength(n);
    }
    expectError(await workshop(person(6)), 409, "ConflictException", "No more seats left at this seated booking.");
    expect(mock.state().bookings).toHaveLength(1);
    // Full, the slot is gone from GET /v2/slots.
    expect(slotStarts(ids.workshop, "2030-01-08")).not.toContain("2030-01-08T13:00:00.000Z");
  });

  it("shows the attendees only to those who may see them when the event type hides them; by seat, one's own", async () => {
    await setEventType(ids.workshop, { seatsShowAttendees: false });
    const first = expectSuccess(await workshop(person(1)), 201);
    const second = expectSuccess(await workshop(person(2)), 201);
    expect(second.attendees).toEqual([]);
    expect(expectSuccess(await get(first.uid)).attendees).toEqual([]);
    expect(expectSuccess(await get(first.uid, ADMIN_KEY)).attendees).toHaveLength(2);
    const bySeat = expectSuccess(await api.request("GET", `/v2/bookings/by-seat/${second.seatUid}`, { key: null, headers: V }));
    expect(bySeat.attendees.map((a: { email: string }) => a.email)).toEqual(["p2@example.com"]);
    expectError(
      await api.request("GET", "/v2/bookings/by-seat/no-such-seat", { key: null, headers: V }),
      404,
      "NotFoundException",
      "Booking with seatUid=no-such-seat was not found in the database",
    );
  });

  it("cancels one seat and keeps the booking for the others; the last seat cancels it; seat checks", async () => {
    const first = expectSuccess(await workshop(person(1)), 201);
    const second = expectSuccess(await workshop(person(2)), 201);
    expectError(await cancel(first.uid, { seatUid: "no-such-seat" }), 400, "BadRequestException", "Invalid seatUid: this seat does not exist or has already been cancelled.");
    const other = expectSuccess(await workshop(person(3), "2030-01-09T13:00:00Z"), 201);
    expectError(await cancel(first.uid, { seatUid: other.seatUid }), 400, "BadRequestException", "Invalid seatUid: this seat does not belong to this booking.");
    // The whole seated booking: only its host (or an admin).
    expectError(await cancel(first.uid, { cancellationReason: "x" }), 401, "UnauthorizedException", "User not a host of this event");
    const left = expectSuccess(await cancel(first.uid, { seatUid: first.seatUid }));
    expect(left.status).toBe("accepted");
    expect(left.attendees.map((a: { email: string }) => a.email)).toEqual(["p2@example.com"]);
    const gone = expectSuccess(await cancel(first.uid, { seatUid: second.seatUid }));
    expect(gone.status).toBe("cancelled");
  });

  it("reschedules one seat to the booking at the new start", async () => {
    const a = expectSuccess(await workshop(person(1)), 201);
    expectSuccess(await workshop(person(2)), 201);
    const there = expectSuccess(await workshop(person(3), "2030-01-09T13:00:00Z"), 201);
    expectError(await reschedule(a.uid, { start: "2030-01-09T13:00:00Z" }), 400, "BadRequestException", /^Booking with uid=.* is a seated booking which means you have to provide seatUid/);
    const moved = expectSuccess(await reschedule(a.uid, { start: "2030-01-09T13:00:00Z", seatUid: a.seatUid }), 201);
    expect(moved.uid).toBe(there.uid);
    expect(moved.attendees.map((x: { email: string }) => x.email).sort()).toEqual(["p1@example.com", "p3@example.com"]);
    const stayed = expectSuccess(await get(a.uid));
    expect(stayed).toMatchObject({ status: "accepted" });
    expect(stayed.attendees.map((x: { email: string }) => x.email)).toEqual(["p2@example.com"]);
  });
});

describe("team event types", () => {
  it("round robin books one free host, by priority then least recently booked; the next booker at that time gets another; none free is the team 400", async () => {
    await setEventType(ids.salesIntro, { hosts: [{ userId: 7, isFixed: false, priority: 2, weight: 100 }, { userId: 1, isFixed: false, priority: 2, weight: 100 }] });
    const body = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.salesIntro, attendee: ada };
    // Neither was ever booked: the lower id first.
    const first = expectSuccess(await book(body), 201);
    expect(first.hosts[0].id).toBe(1);
    expect(first.title).toBe("Sales intro between Nikita Crist and Ada Lovelace");
    const second = expectSuccess(await book({ ...body, attendee: { ...ada, email: "bob@example.com" } }), 201);
    expect(second.hosts[0].id).toBe(7);
    expectError(await book({ ...body, attendee: { ...ada, email: "cy@example.com" } }), 400, "BadRequestException", TEAM_TAKEN);
    // At another time both are free: user 1 was booked longest ago... both at the same instant, so the lower id.
    const third = expectSuccess(await book({ ...body, start: "2030-01-09T10:00:00Z" }), 201);
    expect(third.hosts[0].id).toBe(1);
    // A higher priority wins whatever the history.
    await setEventType(ids.salesIntro, { hosts: [{ userId: 7, isFixed: false, priority: 4, weight: 100 }, { userId: 1, isFixed: false, priority: 2, weight: 100 }] });
    expect(expectSuccess(await book({ ...body, start: "2030-01-10T10:00:00Z" }), 201).hosts[0].id).toBe(7);
  });

  it("collective needs every host free: the organizer hosts, the others attend; one host busy is the team 400", async () => {
    const body = { start: "2030-01-08T10:00:00Z", eventTypeId: ids.salesSync, attendee: ada };
    const data = expectSuccess(await book(body), 201);
    expect(data.hosts[0].id).toBe(1);
    expect(data.attendees.map((a: { email: string }) => a.email)).toEqual(["ada@example.com", "admin@acme.example", "lola-hilll@acme.example"]);
    // The admin takes a personal booking at 11:00: the team cannot meet then.
    expectSuccess(await book({ start: "2030-01-08T11:00:00Z", eventTypeId: ids.adminThirty, attendee: ada }), 201);
    expectError(await book({ ...body, start: "2030-01-08T11:00:00Z" }), 400, "BadRequestException", TEAM_TAKEN);
    // Attending the collective booking makes the admin busy for her own event types too.
    expectError(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.adminThirty, attendee: ada }), 400, "BadRequestException", TAKEN);
  });

  it("a team event type without hosts is a 422", async () => {
    await setEventType(ids.salesIntro, { hosts: [] });
    expectError(
      await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.salesIntro, attendee: ada }),
      422,
      "UnprocessableEntityException",
      `Can't book this team event type because it has no hosts. Please, add at least 1 host to event type with id=${ids.salesIntro} belonging to team with id=2 and try again.`,
    );
  });
});

describe("get, cancel and reschedule", () => {
  it("GET of an unknown uid is Cal.com's 404", async () => {
    expectError(await get("doesNotExist123"), 404, "NotFoundException", "Booking with uid=doesNotExist123 was not found in the database");
  });

  it("cancel: 200 with the cancelled booking, who cancelled, why; twice is a 400; unknown is a 404; the host must give a reason", async () => {
    const a = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expectError(await cancel(a.uid, {}, OWNER_KEY), 400, "BadRequestException", "Cancellation reason is required when you are the host");
    const res = await cancel(a.uid, { cancellationReason: "Double-booked" }, MEMBER_KEY);
    expect(res.status).toBe(200);
    expect(expectSuccess(res)).toMatchObject({ uid: a.uid, status: "cancelled", cancellationReason: "Double-booked", cancelledByEmail: "member@acme.example" });
    expectError(
      await cancel(a.uid),
      400,
      "BadRequestException",
      `Can't cancel booking with uid=${a.uid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`,
    );
    expectError(await cancel("doesNotExist123"), 404, "NotFoundException", "Booking with uid=doesNotExist123 not found");
    expectError(await cancel(a.uid, { cancellationReason: "x", extra: true }), 400, "BadRequestException", "extra property is wrong,property extra should not exist ");
    const anonymous = expectSuccess(await book({ start: "2030-01-08T11:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expect(expectSuccess(await cancel(anonymous.uid))).toMatchObject({ status: "cancelled", cancellationReason: "", cancelledByEmail: "" });
  });

  it("reschedule: a new booking pointing back, the old one cancelled pointing forward; the two refusals; unknown uid", async () => {
    const old = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada, guests: ["guest@example.org"] }), 201);
    const res = await reschedule(old.uid, { start: "2030-01-09T15:00:00Z", reschedulingReason: "Clash", rescheduledBy: "ada@example.com" });
    const fresh = expectSuccess(res, 201);
    expect(fresh).toMatchObject({
      status: "accepted",
      start: "2030-01-09T15:00:00.000Z",
      end: "2030-01-09T15:30:00.000Z",
      rescheduledFromUid: old.uid,
      reschedulingReason: "Clash",
      rescheduledByEmail: "ada@example.com",
      guests: ["guest@example.org"],
      attendees: [expect.objectContaining({ email: "ada@example.com" }), expect.objectContaining({ email: "guest@example.org" })],
    });
    expect(fresh.uid).not.toBe(old.uid);
    expect(fresh.id).toBeGreaterThan(old.id);
    expect(expectSuccess(await get(old.uid))).toMatchObject({ status: "cancelled", rescheduledToUid: fresh.uid, rescheduledByEmail: "ada@example.com" });
    expectError(
      await reschedule(old.uid, { start: "2030-01-10T15:00:00Z" }),
      400,
      "BadRequestException",
      `Can't reschedule booking with uid=${old.uid} because it has been cancelled and rescheduled already to booking with uid=${fresh.uid}. You probably want to reschedule ${fresh.uid} instead by passing it within the request URL.`,
    );
    expectSuccess(await cancel(fresh.uid, { cancellationReason: "Off" }));
    expectError(
      await reschedule(fresh.uid, { start: "2030-01-10T15:00:00Z" }),
      400,
      "BadRequestException",
      `Can't reschedule booking with uid=${fresh.uid} because it has been cancelled. Please provide uid of a booking that is not cancelled.`,
    );
    expectError(await reschedule("doesNotExist123", { start: "2030-01-10T15:00:00Z" }), 404, "NotFoundException", "Booking with uid=doesNotExist123 was not found in the database");
    expectError(await reschedule(fresh.uid, { start: "2030-01-10T15:00:00Z", lengthInMinutes: 60 }), 400, "BadRequestException", "lengthInMinutes property is wrong,property lengthInMinutes should not exist ");
  });

  it("reschedules onto its own time or an overlapping one (the old booking does not block), but not onto another booking", async () => {
    const a = expectSuccess(await book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    expectSuccess(await book({ start: "2030-01-08T11:00:00Z", eventTypeId: ids.thirty, attendee: ada }), 201);
    const b = expectSuccess(await reschedule(a.uid, { start: "2030-01-08T10:15:00Z" }), 201);
    expectError(await reschedule(b.uid, { start: "2030-01-08T11:00:00Z" }), 400, "BadRequestException", TAKEN);
  });

  it("a rescheduled booking that needs confirmation waits again, unless its organizer reschedules it", async () => {
    const a = expectSuccess(await book({ start: "2030-01-10T14:00:00Z", eventTypeId: ids.intro, attendee: ada }), 201);
    expect(a.status).toBe("accepted");
    expect(expectSuccess(await reschedule(a.uid, { start: "2030-01-07T15:00:00Z" }), 201).status).toBe("pending");
    const b = expectSuccess(await book({ start: "2030-01-10T15:00:00Z", eventTypeId: ids.intro, attendee: ada }), 201);
    expect(expectSuccess(await reschedule(b.uid, { start: "2030-01-07T16:00:00Z" }, OWNER_KEY), 201).status).toBe("accepted");
  });
});

describe("one slot, many bookers", () => {
  it("50 clients booking the same slot at once: exactly one 201, 49 refusals with Cal.com's text, one booking stored", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => book({ start: "2030-01-08T10:00:00Z", eventTypeId: ids.thirty, attendee: { ...ada, email: `racer${i}@example.com` } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(49);
    for (const r of refused) expectError(r, 400, "BadRequestException", TAKEN);
    expect(mock.state().bookings).toHaveLength(1);
  });

  it("50 clients taking seats of a five-seat booking at once: five seats, 45 refusals with 409", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => book({ start: "2030-01-08T13:00:00Z", eventTypeId: ids.workshop, attendee: { ...ada, email: `seat${i}@example.com` } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    for (const r of answers.filter((a) => a.status !== 201)) expectError(r, 409, "ConflictException", "No more seats left at this seated booking.");
    const stored = mock.state().bookings;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.seatsReferences).toHaveLength(5);
  });
});
