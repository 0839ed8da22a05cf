import type { Booking, State } from "../../../src/store/schema.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY } from "../../support/harness.js";
import type { AreaRequestsOf, OperationRequest } from "./types.js";

const VERSION = { "cal-api-version": "2024-08-13" };
const UNKNOWN_UID = "unknownBookingUid000000000";

/**
 * Seeded bookings each request needs, found by what they are (the mock's clock is real time in these suites, so
 * "past" and "ahead" are read against it): the owner's past and pending ones, a round-robin one ahead, one without
 * Cal Video.
 */
export function manageFacts(state: State) {
  const now = Date.now();
  const keyed = (key: string) => state.apiKeys.find((k) => k.key === key)!.userId;
  const owner = keyed(OWNER_KEY);
  const admin = keyed(ADMIN_KEY);
  const member = keyed(MEMBER_KEY);
  const eventType = (b: Booking) => state.eventTypes.find((e) => e.id === b.eventTypeId);
  const own = (userId: number) => state.bookings.filter((b) => b.userId === userId);
  const find = (what: string, rows: Booking[], test: (b: Booking) => boolean) => {
    const found = rows.find(test);
    if (!found) throw new Error(`the default scenario has no ${what}: teach test/core/requests/bookings-manage.ts`);
    return found;
  };
  const pending = find("pending booking of the owner ahead", own(owner), (b) => b.status === "PENDING" && Date.parse(b.startTime) > now);
  const ownerPast = find("past accepted booking of the owner", own(owner), (b) => b.status === "ACCEPTED" && Date.parse(b.endTime) < now && !b.recurringEventId);
  const ownerAhead = find("accepted booking of the owner ahead", own(owner), (b) => b.status === "ACCEPTED" && Date.parse(b.startTime) > now && !b.recurringEventId);
  const adminBooking = find("accepted Cal Video booking of the admin", own(admin), (b) => b.status === "ACCEPTED" && b.location === "integrations:daily");
  const seated = find("seated booking", state.bookings, (b) => !!eventType(b)?.seatsPerTimeSlot);
  const roundRobin = find("round-robin booking ahead with hosts besides its organizer", state.bookings, (b) => {
    const et = eventType(b);
    return et?.schedulingType === "ROUND_ROBIN" && b.status === "ACCEPTED" && Date.parse(b.startTime) > now && (et.hosts?.length ?? 0) > 3;
  });
  const roundRobinHosts = eventType(roundRobin)!.hosts!.map((h) => h.userId).filter((id) => id !== roundRobin.userId);
  const outsider = state.users.find((u) => !state.memberships.some((m) => m.userId === u.id))!.id;
  const adminTeam = state.memberships.find((m) => m.userId === admin && m.role === "ADMIN" && state.teams.some((t) => t.id === m.teamId))!.teamId;
  return { owner, admin, member, pending, ownerPast, ownerAhead, adminBooking, seated, roundRobin, roundRobinHosts, outsider, adminTeam };
}

/** The bookings management operations' requests (see ./types.ts). */
export const bookingsManageRequests: AreaRequestsOf = (state, facts) => {
  const f = manageFacts(state);
  const org = `/v2/organizations/${facts.org.id}`;
  const b = (uid: string, tail = "") => `/v2/bookings/${uid}${tail}`;
  const v = (r: OperationRequest): OperationRequest => ({ ...r, headers: VERSION });
  const attendee = f.ownerPast.attendees[0]!;
  const success: Record<string, OperationRequest> = {
    BookingsController_2024_08_13_getBookings: v({ method: "GET", path: "/v2/bookings?status=upcoming,past&take=5&sortStart=desc" }),
    TeamsBookingsController_getAllTeamBookings: { method: "GET", path: `/v2/teams/${f.adminTeam}/bookings?take=3` },
    OrganizationsBookingsController_getAllOrgTeamBookings: { method: "GET", path: `${org}/bookings?userIds=${f.member}&status=cancelled` },
    OrganizationsTeamsBookingsController_getAllOrgTeamBookings: { method: "GET", path: `${org}/teams/${facts.teams[0]!.id}/bookings?skip=1&take=2` },
    OrganizationsUsersBookingsController_getOrganizationUserBookings: { method: "GET", path: `${org}/users/${f.member}/bookings?status=past` },
    OrganizationsTeamsBookingsController_getBookingReferences: { method: "GET", path: `${org}/teams/${facts.teams[0]!.id}/bookings/${f.roundRobin.uid}/references` },
    BookingsController_2024_08_13_confirmBooking: v({ method: "POST", path: b(f.pending.uid, "/confirm"), key: OWNER_KEY, status: 200 }),
    BookingsController_2024_08_13_declineBooking: v({ method: "POST", path: b(f.pending.uid, "/decline"), key: OWNER_KEY, body: { reason: "Fully booked" }, status: 200 }),
    BookingsController_2024_08_13_markNoShow: v({
      method: "POST",
      path: b(f.ownerPast.uid, "/mark-absent"),
      key: OWNER_KEY,
      body: { host: true, attendees: [{ email: attendee.email, absent: true }] },
      status: 200,
    }),
    BookingsController_2024_08_13_reassignBooking: v({ method: "POST", path: b(f.roundRobin.uid, "/reassign"), status: 200 }),
    BookingsController_2024_08_13_reassignBookingToUser: v({
      method: "POST",
      path: b(f.roundRobin.uid, `/reassign/${f.roundRobinHosts[0]}`),
      body: { reason: "Covering" },
      status: 200,
    }),
    BookingsController_2024_08_13_getCalendarLinks: v({ method: "GET", path: b(f.ownerPast.uid, "/calendar-links") }),
    BookingsController_2024_08_13_getBookingReferences: v({ method: "GET", path: b(f.adminBooking.uid, "/references?type=daily_video") }),
    BookingsController_2024_08_13_getBookingRecordings: v({ method: "GET", path: b(f.adminBooking.uid, "/recordings") }),
    BookingsController_2024_08_13_getBookingTranscripts: v({ method: "GET", path: b(f.adminBooking.uid, "/transcripts") }),
    BookingsController_2024_08_13_getVideoSessions: v({ method: "GET", path: b(f.adminBooking.uid, "/conferencing-sessions") }),
    BookingLocationController_2024_08_13_updateBookingLocation: v({
      method: "PATCH",
      path: b(f.adminBooking.uid, "/location"),
      body: { location: { type: "address", address: "2 Harbour Road" } },
    }),
    BookingAttendeesController_2024_08_13_getBookingAttendees: v({ method: "GET", path: b(f.ownerPast.uid, "/attendees"), key: OWNER_KEY }),
    BookingAttendeesController_2024_08_13_addAttendee: v({
      method: "POST",
      path: b(f.ownerAhead.uid, "/attendees"),
      key: OWNER_KEY,
      body: { name: "Ada Lovelace", email: "ada@example.org", timeZone: "Europe/London", language: "en" },
    }),
    BookingAttendeesController_2024_08_13_getBookingAttendee: v({ method: "GET", path: b(f.ownerPast.uid, `/attendees/${attendee.id}`), key: OWNER_KEY }),
    BookingGuestsController_2024_08_13_addGuests: v({
      method: "POST",
      path: b(f.ownerAhead.uid, "/guests"),
      key: OWNER_KEY,
      body: { guests: [{ email: "grace@example.org", name: "Grace" }] },
      status: 200,
    }),
  };
  const errors: Record<string, OperationRequest & { status: number }> = {
    BookingsController_2024_08_13_getBookings: { ...v({ method: "GET", path: "/v2/bookings?status=soon" }), status: 400 },
    TeamsBookingsController_getAllTeamBookings: { method: "GET", path: `/v2/teams/${f.adminTeam}/bookings`, key: MEMBER_KEY, status: 403 },
    OrganizationsBookingsController_getAllOrgTeamBookings: { method: "GET", path: `${org}/bookings?userIds=${f.outsider}`, status: 403 },
    OrganizationsTeamsBookingsController_getAllOrgTeamBookings: { method: "GET", path: `${org}/teams/999999/bookings`, status: 404 },
    OrganizationsUsersBookingsController_getOrganizationUserBookings: { method: "GET", path: `${org}/users/${f.outsider}/bookings`, status: 403 },
    OrganizationsTeamsBookingsController_getBookingReferences: { method: "GET", path: `${org}/teams/${facts.teams[0]!.id}/bookings/${UNKNOWN_UID}/references`, status: 404 },
    BookingsController_2024_08_13_confirmBooking: { ...v({ method: "POST", path: b(UNKNOWN_UID, "/confirm") }), status: 404 },
    BookingsController_2024_08_13_declineBooking: { ...v({ method: "POST", path: b(f.ownerPast.uid, "/decline"), key: OWNER_KEY, body: {} }), status: 400 },
    BookingsController_2024_08_13_markNoShow: { ...v({ method: "POST", path: b(f.ownerAhead.uid, "/mark-absent"), key: OWNER_KEY, body: { host: true } }), status: 400 },
    BookingsController_2024_08_13_reassignBooking: { ...v({ method: "POST", path: b(f.roundRobin.uid, "/reassign"), key: MEMBER_KEY }), status: 403 },
    BookingsController_2024_08_13_reassignBookingToUser: { ...v({ method: "POST", path: b(f.roundRobin.uid, `/reassign/${f.outsider}`), body: {} }), status: 400 },
    BookingsController_2024_08_13_getCalendarLinks: { ...v({ method: "GET", path: b(UNKNOWN_UID, "/calendar-links") }), status: 404 },
    BookingsController_2024_08_13_getBookingReferences: { ...v({ method: "GET", path: b(f.ownerPast.uid, "/references") }), status: 400 },
    BookingsController_2024_08_13_getBookingRecordings: { ...v({ method: "GET", path: b(f.seated.uid, "/recordings") }), status: 404 },
    BookingsController_2024_08_13_getBookingTranscripts: { ...v({ method: "GET", path: b(UNKNOWN_UID, "/transcripts") }), status: 404 },
    BookingsController_2024_08_13_getVideoSessions: { ...v({ method: "GET", path: b(f.ownerPast.uid, "/conferencing-sessions"), key: MEMBER_KEY }), status: 403 },
    BookingLocationController_2024_08_13_updateBookingLocation: {
      ...v({ method: "PATCH", path: b(f.adminBooking.uid, "/location"), key: MEMBER_KEY, body: { location: { type: "link", link: "https://meet.example.org/x" } } }),
      status: 403,
    },
    BookingAttendeesController_2024_08_13_getBookingAttendees: { ...v({ method: "GET", path: b(f.ownerPast.uid, "/attendees"), key: MEMBER_KEY }), status: 403 },
    BookingAttendeesController_2024_08_13_addAttendee: {
      ...v({ method: "POST", path: b(f.ownerPast.uid, "/attendees"), key: OWNER_KEY, body: { name: "Again", email: attendee.email, timeZone: "Europe/London" } }),
      status: 400,
    },
    BookingAttendeesController_2024_08_13_getBookingAttendee: { ...v({ method: "GET", path: b(f.ownerPast.uid, "/attendees/999999"), key: OWNER_KEY }), status: 404 },
    BookingGuestsController_2024_08_13_addGuests: { ...v({ method: "POST", path: b(UNKNOWN_UID, "/guests"), body: { guests: [{ email: "x@example.org" }] } }), status: 404 },
  };
  return { success, errors };
};
