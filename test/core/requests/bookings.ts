import { computeSlots } from "../../../src/scheduling/index.js";
import { slotsInputFor } from "../../../src/store/queries/availability.js";
import type { Booking, EventType, State } from "../../../src/store/schema.js";
import { Store } from "../../../src/store/store.js";
import type { AreaRequestsOf, ErrorRequest, OperationRequest } from "./types.js";

const VERSION = { "cal-api-version": "2024-08-13" };
const DAY = 86_400_000;

/**
 * The first start GET /v2/slots offers for the event type between two and ten days ahead of the real clock (the
 * suites that use these requests run on it), computed by the slot engine on the state itself; `rescheduling`: a
 * booking that does not count as busy.
 */
export function freeStart(state: State, et: EventType, rescheduling?: string): string {
  const store = new Store(state);
  const now = Date.now();
  const slots = computeSlots(slotsInputFor(store, et, { start: now + 2 * DAY, end: now + 10 * DAY, now, bookingUidToReschedule: rescheduling }));
  if (slots.length === 0) throw new Error(`no free slot for event type ${et.id}: teach test/core/requests/bookings.ts`);
  return new Date(slots[0]!.start).toISOString();
}

/** Seeded bookings the requests work on, chosen from the state by what they are. */
export function bookingFacts(state: State) {
  const now = Date.now();
  const eventType = (id: number | null) => state.eventTypes.find((e) => e.id === id);
  const plain = (b: Booking) => {
    const et = eventType(b.eventTypeId);
    return !!et && !et.seatsPerTimeSlot && !et.recurringEvent && et.teamId == null;
  };
  const upcoming = state.bookings.find((b) => b.status === "ACCEPTED" && Date.parse(b.startTime) > now + DAY && plain(b))!;
  const cancelled = state.bookings.find((b) => b.status === "CANCELLED" && !b.rescheduled && plain(b))!;
  const seated = state.bookings.find((b) => (b.seatsReferences?.length ?? 0) > 0)!;
  const adminId = state.apiKeys.find((k) => k.key === "cal_test_mock_admin_key")!.userId;
  const thirty = state.eventTypes.find((e) => e.userId === adminId && e.slug === "thirty-minutes")!;
  return { upcoming, cancelled, seated, thirty, upcomingEventType: eventType(upcoming.eventTypeId)! };
}

/** The bookings operations' requests (see ./types.ts): public, so they go without credentials. */
export const bookingsRequests: AreaRequestsOf = (state) => {
  const f = bookingFacts(state);
  const attendee = { name: "Ada Lovelace", email: "ada@example.com", timeZone: "Europe/London" };
  const success: Record<string, OperationRequest> = {
    BookingsController_2024_08_13_createBooking: {
      method: "POST",
      path: "/v2/bookings",
      key: null,
      headers: VERSION,
      body: { start: freeStart(state, f.thirty), eventTypeId: f.thirty.id, attendee },
    },
    BookingsController_2024_08_13_getBooking: { method: "GET", path: `/v2/bookings/${f.upcoming.uid}`, key: null, headers: VERSION },
    BookingsController_2024_08_13_getBookingBySeatUid: {
      method: "GET",
      path: `/v2/bookings/by-seat/${f.seated.seatsReferences![0]!.referenceUid}`,
      key: null,
      headers: VERSION,
    },
    BookingsController_2024_08_13_cancelBooking: {
      method: "POST",
      path: `/v2/bookings/${f.upcoming.uid}/cancel`,
      key: null,
      headers: VERSION,
      body: { cancellationReason: "Something came up" },
      status: 200,
    },
    BookingsController_2024_08_13_rescheduleBooking: {
      method: "POST",
      path: `/v2/bookings/${f.upcoming.uid}/reschedule`,
      key: null,
      headers: VERSION,
      body: { start: freeStart(state, f.upcomingEventType, f.upcoming.uid), reschedulingReason: "A clash" },
    },
  };
  const errors: Record<string, ErrorRequest> = {
    BookingsController_2024_08_13_createBooking: {
      method: "POST",
      path: "/v2/bookings",
      key: null,
      headers: VERSION,
      body: { start: "2030-01-08T10:00:00Z", eventTypeId: 999_999, attendee },
      status: 404,
    },
    BookingsController_2024_08_13_getBooking: { method: "GET", path: "/v2/bookings/notAUidOfAnyBooking", key: null, headers: VERSION, status: 404 },
    BookingsController_2024_08_13_getBookingBySeatUid: { method: "GET", path: "/v2/bookings/by-seat/not-a-seat", key: null, headers: VERSION, status: 404 },
    BookingsController_2024_08_13_cancelBooking: { method: "POST", path: `/v2/bookings/${f.cancelled.uid}/cancel`, key: null, headers: VERSION, body: {}, status: 400 },
    BookingsController_2024_08_13_rescheduleBooking: {
      method: "POST",
      path: `/v2/bookings/${f.cancelled.uid}/reschedule`,
      key: null,
      headers: VERSION,
      body: { start: freeStart(state, f.upcomingEventType) },
      status: 400,
    },
  };
  return { success, errors };
};
