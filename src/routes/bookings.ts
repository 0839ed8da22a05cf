import { cancelBooking, type CancelBody } from "../store/queries/booking-cancel.js";
import { createBooking, type CreateBody } from "../store/queries/booking-create.js";
import { rescheduleBooking, type RescheduleBody } from "../store/queries/booking-reschedule.js";
import { getBookingBySeat, getBookingOrSeries } from "../store/queries/bookings.js";
import type { ResponseData } from "../contract/types.js";
import { reply, type ApiRequest, type Handlers } from "./types.js";

type BookingOps =
  | "BookingsController_2024_08_13_createBooking"
  | "BookingsController_2024_08_13_getBooking"
  | "BookingsController_2024_08_13_getBookingBySeatUid"
  | "BookingsController_2024_08_13_cancelBooking"
  | "BookingsController_2024_08_13_rescheduleBooking";

/** The write context of a request: "now" read once, so every check of the write sees the same instant. */
const writeContext = <O extends BookingOps>(req: ApiRequest<O>) => ({ db: req.db, now: req.clock.now(), user: req.actor.user });

// The contract's booking shapes are unions the store's output types satisfy one branch of; the casts say which
// operation's union each answer belongs to.
export const bookingHandlers: Pick<Handlers, BookingOps> = {
  BookingsController_2024_08_13_createBooking: async (req) =>
    (await createBooking(writeContext(req), req.body as CreateBody)) as ResponseData<"BookingsController_2024_08_13_createBooking">,
  BookingsController_2024_08_13_getBooking: ({ db, path, actor }) =>
    getBookingOrSeries(db.store, path.bookingUid, actor.user) as ResponseData<"BookingsController_2024_08_13_getBooking">,
  BookingsController_2024_08_13_getBookingBySeatUid: ({ db, path, actor }) =>
    getBookingBySeat(db.store, path.seatUid, actor.user) as ResponseData<"BookingsController_2024_08_13_getBookingBySeatUid">,
  // Cal.com answers a cancellation with 200 (@HttpCode(OK)), not the POST's 201.
  BookingsController_2024_08_13_cancelBooking: async (req) =>
    reply((await cancelBooking(writeContext(req), req.path.bookingUid, req.body as CancelBody)) as ResponseData<"BookingsController_2024_08_13_cancelBooking">, {
      status: 200,
    }),
  BookingsController_2024_08_13_rescheduleBooking: async (req) =>
    (await rescheduleBooking(writeContext(req), req.path.bookingUid, req.body as RescheduleBody)) as ResponseData<"BookingsController_2024_08_13_rescheduleBooking">,
};
