/**
 * The slot engine: availability, busy intervals, limits and a now in; slots out. No store, no HTTP, no clock of
 * its own (the GUIDE's rule), so it is tested on its own in test/scheduling/.
 */
export { computeSlots, dateKey, freeHostIds, isSlotAvailable } from "./compute.js";
export { buildDateRanges, isValidTimeZone, WEEKDAYS } from "./date-ranges.js";
export { bookingBlocks, busyIntervals } from "./busy.js";
export { formatSlots } from "./format.js";
export type { FormattedSlot, SlotFormat } from "./format.js";
export { chooseSchedule, fallbackSchedule } from "./schedule-choice.js";
export type { ScheduleCandidates } from "./schedule-choice.js";
export { adjustQueryWindow } from "./query-window.js";
export type * from "./types.js";
