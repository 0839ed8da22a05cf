import type { RawQuery } from "../contract/index.js";
import { availableSlots } from "../store/queries/slots.js";
import { parseSlotsQuery } from "../store/queries/slots-input.js";
import { deleteReservation, reservationByUid, reserveSlot, toReservedSlotOutput, updateReservation } from "../store/queries/reservations.js";
import { replyWithoutData, type Handlers } from "./types.js";

type SlotOps =
  | "SlotsController_2024_09_04_getAvailableSlots"
  | "SlotsController_2024_09_04_reserveSlot"
  | "SlotsController_2024_09_04_getReservedSlot"
  | "SlotsController_2024_09_04_updateReservedSlot"
  | "SlotsController_2024_09_04_deleteReservedSlot";

export const slotHandlers: Pick<Handlers, SlotOps> = {
  // The query reaches the handler as sent (x-calcom-query-pipe): Cal.com's GetSlotsInputPipe judges it.
  SlotsController_2024_09_04_getAvailableSlots: ({ db, clock, query }) => {
    const now = clock.now();
    const answer = availableSlots(db.store, now, parseSlotsQuery(query as RawQuery));
    // Expired reservations of the event type go, as Cal.com's query deletes them; a read with none writes nothing.
    if (answer.expired.length === 0) return answer.data;
    return db.commit(answer.expired).then(() => answer.data);
  },
  SlotsController_2024_09_04_reserveSlot: ({ db, clock, body, actor }) => reserveSlot(db, clock.now(), body, actor.user),
  SlotsController_2024_09_04_getReservedSlot: ({ db, path }) => {
    const found = reservationByUid(db.store, path.uid);
    return found ? toReservedSlotOutput(found) : null;
  },
  SlotsController_2024_09_04_updateReservedSlot: ({ db, clock, path, body }) => updateReservation(db, clock.now(), path.uid, body),
  SlotsController_2024_09_04_deleteReservedSlot: async ({ db, path }) => {
    await deleteReservation(db, path.uid);
    return replyWithoutData({ status: 200 });
  },
};
