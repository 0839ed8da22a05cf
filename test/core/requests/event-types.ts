import type { AreaRequestsOf } from "./types.js";

/** The event-types operations' requests (see ./types.ts). */
export const eventTypesRequests: AreaRequestsOf = () => ({ success: {}, errors: {} });
