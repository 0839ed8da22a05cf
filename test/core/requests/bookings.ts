import type { AreaRequestsOf } from "./types.js";

/** The bookings operations' requests (see ./types.ts). */
export const bookingsRequests: AreaRequestsOf = () => ({ success: {}, errors: {} });
