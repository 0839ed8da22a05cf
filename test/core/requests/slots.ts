import type { AreaRequestsOf } from "./types.js";

/** The slots operations' requests (see ./types.ts). */
export const slotsRequests: AreaRequestsOf = () => ({ success: {}, errors: {} });
