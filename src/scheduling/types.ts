/**
 * What the slot engine reads and returns. Plain data: the engine knows no store, no HTTP and no clock, so every
 * input a rule depends on (the hosts' schedules, their bookings, the reservations, "now") is spelled out here and
 * gathered by the caller. Times are epoch milliseconds (UTC instants); wall-clock times ("09:00") and calendar
 * dates ("2050-09-05") are read in the time zone named beside them.
 */

export type Weekday = "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday";

/** One row of working hours: these weekdays, from startTime to endTime ("HH:MM"; "23:59" means midnight). */
export interface WorkingHours {
  days: readonly Weekday[];
  startTime: string;
  endTime: string;
}

/** A date override: on this date the override rows replace the working hours; start == end makes the day free of slots. */
export interface DateOverride {
  date: string;
  startTime: string;
  endTime: string;
}

/** A schedule as the engine needs it: its time zone (the organizer's zone), working hours and overrides. */
export interface ScheduleInput {
  timeZone: string;
  availability: readonly WorkingHours[];
  overrides: readonly DateOverride[];
}

/** Cal.com's booking statuses, lower-case as the API v2 prints them. */
export type BookingStatus = "accepted" | "pending" | "cancelled" | "rejected" | "awaiting_host";

/**
 * A booking the host takes part in (as organizer or as an attendee, of any event type). The fields of its own
 * event type that decide how it blocks are copied onto it by the caller.
 */
export interface HostBooking {
  uid: string;
  start: number;
  end: number;
  status: BookingStatus;
  /** The booking's own event type (null for a booking without one). */
  eventTypeId: number | null;
  /** The booking's own event type's buffers, in minutes. */
  beforeEventBuffer: number;
  afterEventBuffer: number;
  /**
   * The booking's own event type requires confirmation and blocks unconfirmed bookings
   * (confirmationPolicy.blockUnconfirmedBookingsInBooker): only then does a pending booking block.
   */
  blocksWhilePending: boolean;
  /** True when this host organizes the booking (booking limits count only those). */
  organizedByHost: boolean;
  /** Attendees of the booking, for seated event types (the seats it occupies). */
  attendeeCount: number;
}

export interface HostInput {
  userId: number;
  /** A fixed (mandatory) host of a round-robin event type must be free for every slot; others are pooled. */
  fixed: boolean;
  schedule: ScheduleInput;
  bookings: readonly HostBooking[];
}

/** A slot reservation (Cal.com's "selected slot"): it hides its slot until releaseAt. */
export interface ReservationInput {
  uid: string;
  userId: number;
  eventTypeId: number;
  start: number;
  end: number;
  releaseAt: number;
  isSeat: boolean;
}

export type LimitPeriod = "day" | "week" | "month" | "year";
export type IntervalLimits = Partial<Record<LimitPeriod, number>>;

/** The event type's bookingWindow as the API v2 spells it. */
export type BookingWindow =
  | { disabled: true }
  | { type: "businessDays" | "calendarDays"; value: number; rolling?: boolean }
  | { type: "range"; value: readonly [string, string] };

export type SchedulingType = "collective" | "roundRobin" | null;

/** The rules of the event type being booked. Minutes everywhere. */
export interface EventTypeRules {
  id: number;
  length: number;
  slotInterval: number | null;
  minimumBookingNotice: number;
  beforeEventBuffer: number;
  afterEventBuffer: number;
  offsetStart: number;
  schedulingType: SchedulingType;
  seatsPerTimeSlot: number | null;
  onlyShowFirstAvailableSlot: boolean;
  bookingLimitsCount?: IntervalLimits | null;
  bookingLimitsDuration?: IntervalLimits | null;
  bookingWindow?: BookingWindow | null;
  /**
   * The zone that booking limits' periods and the booking window's days are read in: the event type's schedule's
   * zone, else the first host's (Cal.com's eventTimeZone).
   */
  timeZone: string;
}

export interface SlotQuery {
  /** The window, already adjusted (see adjustQueryWindow). */
  start: number;
  end: number;
  /** The booker's zone: slots are rounded to the interval on its clock. Absent means UTC. */
  timeZone?: string | undefined;
  /** A chosen duration of a variable-length event type, minutes. */
  duration?: number | undefined;
  /** The booking being rescheduled: it neither blocks nor counts toward limits. */
  bookingUidToReschedule?: string | undefined;
  now: number;
}

export interface SlotsInput {
  eventType: EventTypeRules;
  hosts: readonly HostInput[];
  reservations: readonly ReservationInput[];
  query: SlotQuery;
}

export interface SeatInfo {
  booked: number;
  remaining: number;
  total: number;
  bookingUid?: string;
}

export interface Slot {
  start: number;
  end: number;
  seats?: SeatInfo;
}

/** A free or busy interval, half-open [start, end) in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}
