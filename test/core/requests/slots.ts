import type { AreaRequestsOf } from "./types.js";

const headers = { "cal-api-version": "2024-09-04" };
const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The slots operations' requests (see ./types.ts), around the seeded reservation: its event type, its uid, and
 * dates laid from its slot, so they hold whatever day the scenario was seeded on.
 */
export const slotsRequests: AreaRequestsOf = (state) => {
  const reservation = state.selectedSlots![0]!;
  const held = Date.parse(reservation.slotUtcStartDate);
  const owner = state.eventTypes.find((e) => e.id === reservation.eventTypeId)!.userId;
  const thirty = state.eventTypes.find((e) => e.userId === owner && e.length === 30 && !e.requiresConfirmation && !e.recurringEvent)!;
  const unknownEventType = Math.max(...state.eventTypes.map((e) => e.id)) + 1000;
  // 03:00 UTC, outside every seeded working day of the owner (Europe/London): no booking there to refuse it.
  const night = (days: number) => `${isoDate(held + days * DAY)}T03:00:00Z`;
  const uid = reservation.uid;
  return {
    success: {
      SlotsController_2024_09_04_getAvailableSlots: {
        method: "GET",
        path: `/v2/slots?eventTypeId=${thirty.id}&start=${isoDate(held - 2 * DAY)}&end=${isoDate(held + 5 * DAY)}&timeZone=Europe/London&format=range`,
        headers,
      },
      SlotsController_2024_09_04_reserveSlot: { method: "POST", path: "/v2/slots/reservations", body: { eventTypeId: thirty.id, slotStart: night(1) }, key: null, headers },
      SlotsController_2024_09_04_getReservedSlot: { method: "GET", path: `/v2/slots/reservations/${uid}`, key: null, headers },
      SlotsController_2024_09_04_updateReservedSlot: {
        method: "PATCH",
        path: `/v2/slots/reservations/${uid}`,
        body: { eventTypeId: reservation.eventTypeId, slotStart: night(2) },
        key: null,
        headers,
      },
      SlotsController_2024_09_04_deleteReservedSlot: { method: "DELETE", path: `/v2/slots/reservations/${uid}`, key: null, headers },
    },
    errors: {
      SlotsController_2024_09_04_getAvailableSlots: {
        method: "GET",
        path: `/v2/slots?eventTypeId=${thirty.id}&start=${isoDate(held)}&end=${isoDate(held)}&slotFormat=range`,
        headers,
        status: 400,
      },
      SlotsController_2024_09_04_reserveSlot: { method: "POST", path: "/v2/slots/reservations", body: { eventTypeId: unknownEventType, slotStart: night(1) }, key: null, headers, status: 404 },
      // Unknown uids are not errors here (200 with data null): without cal-api-version there is no such route.
      SlotsController_2024_09_04_getReservedSlot: { method: "GET", path: `/v2/slots/reservations/${uid}`, key: null, status: 404 },
      SlotsController_2024_09_04_updateReservedSlot: {
        method: "PATCH",
        path: "/v2/slots/reservations/00000000-0000-4000-8000-000000000000",
        body: { eventTypeId: reservation.eventTypeId, slotStart: night(2) },
        key: null,
        headers,
        status: 404,
      },
      SlotsController_2024_09_04_deleteReservedSlot: { method: "DELETE", path: `/v2/slots/reservations/${"u".repeat(256)}`, key: null, headers, status: 400 },
    },
  };
};
