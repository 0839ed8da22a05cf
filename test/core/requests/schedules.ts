import type { AreaRequestsOf } from "./types.js";

/** The schedules operations' requests (see ./types.ts). */
export const schedulesRequests: AreaRequestsOf = () => ({ success: {}, errors: {} });
