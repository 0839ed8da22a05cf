import type { State } from "../../../src/store/schema.js";
import { bookingsRequests } from "./bookings.js";
import { bookingsManageRequests } from "./bookings-manage.js";
import { eventTypesRequests } from "./event-types.js";
import { schedulesRequests } from "./schedules.js";
import { slotsRequests } from "./slots.js";
import type { AreaRequests, Facts } from "./types.js";

export type { AreaRequests, ErrorRequest, Facts, OperationRequest } from "./types.js";

/** The scheduling areas' requests, each area in a module of its own so that they grow apart. */
export function schedulingRequests(state: State, facts: Facts): AreaRequests {
  const areas = [eventTypesRequests, schedulesRequests, slotsRequests, bookingsRequests, bookingsManageRequests].map((of) => of(state, facts));
  return {
    success: Object.assign({}, ...areas.map((a) => a.success)),
    errors: Object.assign({}, ...areas.map((a) => a.errors)),
  };
}
