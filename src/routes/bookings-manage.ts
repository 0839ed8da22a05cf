import { validationFailure } from "../errors.js";
import { isValidTimeZone } from "../scheduling/index.js";
import type { Booking, User } from "../store/schema.js";
import type { Store } from "../store/store.js";
import { isEventTypeAdminOrOwner } from "../store/queries/booking-access.js";
import { markAbsent, reassignAutomatically, reassignToUser, respondToBooking } from "../store/queries/booking-actions.js";
import {
  addAttendee,
  addGuests,
  attendeeWithId,
  bookingAttendee,
  guardedBooking,
  LOCATION_FIELD,
  updateLocation,
  type LocationInput,
} from "../store/queries/booking-attendees.js";
import { bookingReferences, calendarLinks, calVideoArtifacts, conferencingSessions, orgBookingReferences } from "../store/queries/booking-links.js";
import { assertRealDates, listBookings, type BookingListQuery, type ListOptions, type Viewer } from "../store/queries/booking-list.js";
import { toBookingOutput } from "../store/queries/booking-output.js";
import type { Clock } from "../store/clock.js";
import { reply } from "./types.js";
import type { Handlers } from "./types.js";

type ManageOps =
  | "BookingsController_2024_08_13_getBookings"
  | "TeamsBookingsController_getAllTeamBookings"
  | "OrganizationsBookingsController_getAllOrgTeamBookings"
  | "OrganizationsTeamsBookingsController_getAllOrgTeamBookings"
  | "OrganizationsUsersBookingsController_getOrganizationUserBookings"
  | "OrganizationsTeamsBookingsController_getBookingReferences"
  | "BookingsController_2024_08_13_confirmBooking"
  | "BookingsController_2024_08_13_declineBooking"
  | "BookingsController_2024_08_13_markNoShow"
  | "BookingsController_2024_08_13_reassignBooking"
  | "BookingsController_2024_08_13_reassignBookingToUser"
  | "BookingsController_2024_08_13_getCalendarLinks"
  | "BookingsController_2024_08_13_getBookingReferences"
  | "BookingsController_2024_08_13_getBookingRecordings"
  | "BookingsController_2024_08_13_getBookingTranscripts"
  | "BookingsController_2024_08_13_getVideoSessions"
  | "BookingLocationController_2024_08_13_updateBookingLocation"
  | "BookingAttendeesController_2024_08_13_getBookingAttendees"
  | "BookingAttendeesController_2024_08_13_addAttendee"
  | "BookingAttendeesController_2024_08_13_getBookingAttendee"
  | "BookingGuestsController_2024_08_13_addGuests";

/** The messages of the date filters, by the DTO the operation reads its query with. */
const DATE_MESSAGES: Partial<Record<keyof BookingListQuery, string>> = {
  afterStart: "fromDate must be a valid ISO 8601 date.",
  beforeEnd: "toDate must be a valid ISO 8601 date.",
  afterCreatedAt: "fromDate must be a valid ISO 8601 date.",
  beforeCreatedAt: "toDate must be a valid ISO 8601 date.",
  afterUpdatedAt: "fromDate must be a valid ISO 8601 date.",
  beforeUpdatedAt: "toDate must be a valid ISO 8601 date.",
};
const TEAM_DATE_MESSAGES = { afterStart: "afterStart must be a valid ISO 8601 date.", beforeEnd: "beforeEnd must be a valid ISO 8601 date." };

/** A page of bookings with Cal.com's pagination object beside `data`; the list always shows seated attendees. */
function page(store: Store, clock: Clock, viewer: Viewer, query: BookingListQuery, messages = DATE_MESSAGES, options: ListOptions = {}) {
  assertRealDates(query, messages);
  const { bookings, pagination } = listBookings(store, viewer, query, clock.now(), options);
  return reply(bookings.map((b) => toBookingOutput(store, b, { showAttendees: true }) as never), { extra: { pagination } });
}

/** A booking as GET /v2/bookings/{uid} answers it to this caller (seated attendees for the event type's admins). */
function asGetBooking(store: Store, user: User, b: Booking) {
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  return toBookingOutput(store, b, { showAttendees: !!et && isEventTypeAdminOrOwner(store, user, et) }) as never;
}

/** class-validator's IsTimeZone on a body field, which the contract can only type as a string. */
function assertTimeZones(body: unknown, zones: Array<[field: string, value: string | undefined]>): void {
  for (const [field, value] of zones) {
    if (value === undefined || isValidTimeZone(value)) continue;
    const property = field.split("/").at(-1)!;
    throw validationFailure(
      [{ location: "body", field, message: "is not an IANA time zone", value, constraint: { name: "isTimeZone", message: `${property} must be a valid IANA time-zone` } }],
      { body },
    );
  }
}

/** The field the location's class requires, refused as class-validator refuses a missing string. */
function assertLocationField(body: unknown, location: LocationInput): void {
  const field = LOCATION_FIELD[location.type];
  if (location[field] !== undefined) return;
  throw validationFailure(
    [
      { location: "body", field: `location/${field}`, message: "is required", constraint: { name: "isString", message: `${field} must be a string` } },
      { location: "body", field: `location/${field}`, message: "is required", constraint: { name: "isNotEmpty", message: `${field} should not be empty` } },
    ],
    { body },
  );
}

const ok = <T>(data: T) => reply(data, { status: 200 });

export const bookingManageHandlers: Pick<Handlers, ManageOps> = {
  BookingsController_2024_08_13_getBookings: ({ db, clock, actor, query }) => page(db.store, clock, actor.user, query),
  // A team's list: Cal.com passes the path's team as the teamId filter (its DTO has no teamsIds).
  TeamsBookingsController_getAllTeamBookings: ({ db, clock, actor, path, query }) =>
    page(db.store, clock, actor.user, { ...query, teamId: path.teamId }, { ...DATE_MESSAGES, ...TEAM_DATE_MESSAGES }),
  OrganizationsBookingsController_getAllOrgTeamBookings: ({ db, clock, actor, query }) => {
    const { userIds, ...rest } = query;
    return page(db.store, clock, actor.user, rest, DATE_MESSAGES, { ...(userIds && { userIds }) });
  },
  OrganizationsTeamsBookingsController_getAllOrgTeamBookings: ({ db, clock, actor, path, query }) =>
    page(db.store, clock, actor.user, { ...query, teamId: path.teamId }),
  // IsUserInOrg has checked the user: the list is theirs, as they would see it.
  OrganizationsUsersBookingsController_getOrganizationUserBookings: ({ db, clock, path, query }) =>
    page(db.store, clock, db.store.get("users", path.userId)!, query),
  OrganizationsTeamsBookingsController_getBookingReferences: ({ db, path }) => orgBookingReferences(db.store, path.bookingUid),

  BookingsController_2024_08_13_confirmBooking: async ({ db, clock, actor, path }) =>
    ok(asGetBooking(db.store, actor.user, await respondToBooking(db, actor.user, path.bookingUid, true, undefined, clock.iso()))),
  BookingsController_2024_08_13_declineBooking: async ({ db, clock, actor, path, body }) =>
    ok(asGetBooking(db.store, actor.user, await respondToBooking(db, actor.user, path.bookingUid, false, body.reason, clock.iso()))),
  BookingsController_2024_08_13_markNoShow: async ({ db, clock, actor, path, body }) => {
    const b = await markAbsent(db, actor.user, path.bookingUid, body, clock.now());
    return ok(toBookingOutput(db.store, b, { asRegular: true }) as never);
  },
  BookingsController_2024_08_13_reassignBooking: async ({ db, clock, actor, path }) =>
    ok(await reassignAutomatically(db, actor.user, path.bookingUid, clock.now())),
  BookingsController_2024_08_13_reassignBookingToUser: async ({ db, clock, actor, path, body }) =>
    ok(await reassignToUser(db, actor.user, path.bookingUid, path.userId, body.reason, clock.now())),

  BookingsController_2024_08_13_getCalendarLinks: ({ db, path }) => calendarLinks(db.store, path.bookingUid),
  BookingsController_2024_08_13_getBookingReferences: ({ db, actor, path }) => bookingReferences(db.store, actor.user, path.bookingUid),
  BookingsController_2024_08_13_getBookingRecordings: ({ db, path }) => calVideoArtifacts(db.store, path.bookingUid),
  BookingsController_2024_08_13_getBookingTranscripts: ({ db, path }) => calVideoArtifacts(db.store, path.bookingUid),
  BookingsController_2024_08_13_getVideoSessions: ({ db, actor, path }) => conferencingSessions(db.store, actor.user, path.bookingUid),

  BookingLocationController_2024_08_13_updateBookingLocation: async ({ db, clock, actor, path, body }) => {
    const location = body.location as LocationInput | undefined;
    if (location) assertLocationField(body, location);
    return asGetBooking(db.store, actor.user, await updateLocation(db, actor.user, path.bookingUid, location, clock.iso()));
  },
  BookingAttendeesController_2024_08_13_getBookingAttendees: ({ db, actor, path }) =>
    guardedBooking(db.store, actor.user, path.bookingUid).attendees.map(attendeeWithId) as never,
  BookingAttendeesController_2024_08_13_getBookingAttendee: ({ db, actor, path }) =>
    attendeeWithId(bookingAttendee(db.store, actor.user, path.bookingUid, path.attendeeId)) as never,
  BookingAttendeesController_2024_08_13_addAttendee: async ({ db, clock, actor, path, body }) => {
    assertTimeZones(body, [["timeZone", body.timeZone]]);
    const b = db.store.bookingByUid.get(path.bookingUid);
    const attendee = await addAttendee(db, actor.user, path.bookingUid, body, clock.iso());
    return { ...attendeeWithId(attendee), bookingId: b!.id } as never;
  },
  BookingGuestsController_2024_08_13_addGuests: async ({ db, clock, actor, path, body }) => {
    assertTimeZones(body, body.guests.map((g, i) => [`guests/${i}/timeZone`, g.timeZone] as [string, string | undefined]));
    return ok(asGetBooking(db.store, actor.user, await addGuests(db, actor.user, path.bookingUid, body.guests, clock.iso())));
  },
};
