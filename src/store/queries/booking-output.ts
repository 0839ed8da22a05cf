/**
 * A stored booking as the 2024-08-13 bookings API answers it (Cal.com's output service): one shape for a regular
 * booking, one for an occurrence of a recurring booking (with `recurringBookingUid`, without the reschedule
 * links' forward side), and one for a booking of a seated event type (attendees carry their seat, and are shown
 * only to who may see them). Which shape is decided by the booking and its event type, never by the request.
 */
import type { Attendee, Booking, BookingSeat, EventType, User } from "../schema.js";
import type { Store } from "../store.js";

/** The host of a booking as Cal.com lists it (`hosts` always holds exactly one: the organizer). */
export interface BookingHostOutput {
  id: number;
  name: string;
  email: string;
  displayEmail: string;
  username: string;
  timeZone: string;
}

export interface BookingAttendeeOutput {
  name: string;
  email: string;
  displayEmail: string;
  timeZone: string;
  language: string;
  absent: boolean;
  phoneNumber?: string;
}

export interface SeatedAttendeeOutput extends BookingAttendeeOutput {
  seatUid: string;
  bookingFieldsResponses: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** The fields every shape shares. */
interface CommonOutput {
  id: number;
  uid: string;
  title: string;
  description: string;
  hosts: BookingHostOutput[];
  status: "accepted" | "pending" | "cancelled" | "rejected" | "awaiting_host";
  cancellationReason?: string;
  cancelledByEmail?: string;
  reschedulingReason?: string;
  rescheduledByEmail?: string;
  rescheduledFromUid?: string;
  rescheduledToUid?: string;
  start: string;
  end: string;
  duration: number;
  eventTypeId: number | null;
  eventType: { id: number; slug: string } | null;
  meetingUrl: string | null;
  location: string | null;
  absentHost: boolean;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, unknown>;
  rating?: number;
  icsUid?: string;
}

export interface RegularBookingOutput extends CommonOutput {
  attendees: BookingAttendeeOutput[];
  guests?: string[];
  bookingFieldsResponses: Record<string, unknown>;
}

export interface RecurringBookingOutput extends RegularBookingOutput {
  recurringBookingUid: string;
}

export interface SeatedBookingOutput extends CommonOutput {
  attendees: SeatedAttendeeOutput[];
  /** On the answer of a create or a seat's reschedule: the seat just taken. */
  seatUid?: string;
  recurringBookingUid?: string;
}

export type BookingOutput = RegularBookingOutput | RecurringBookingOutput | SeatedBookingOutput;

export interface OutputOptions {
  /**
   * Whether a seated booking's attendees are shown: Cal.com shows them to the event type's owner, hosts and team
   * or org admins, or when the event type shows attendees (`seatsShowAttendees`); the list always shows them.
   */
  showAttendees?: boolean;
  /** The seat a create or reschedule just took (`seatUid` of the answer). */
  seatUid?: string;
  /** A seated booking in the regular (or recurring) shape, as Cal.com's mark-absent answers it. */
  asRegular?: boolean;
}

const iso = (t: string) => new Date(Date.parse(t)).toISOString();

/**
 * The e-mail without the `+<25 letters and digits>` tag Cal.com adds to its platform's managed users' addresses:
 * equal to the e-mail for everybody else.
 */
export function displayEmail(email: string): string {
  return email.replace(/\+[a-zA-Z0-9]{25}@/, "@");
}

export function hostOutput(user: User): BookingHostOutput {
  return {
    id: user.id,
    name: user.name ?? "",
    email: user.email,
    displayEmail: displayEmail(user.email),
    username: user.username,
    timeZone: user.timeZone ?? "Europe/London",
  };
}

function attendeeOutput(a: Attendee): BookingAttendeeOutput {
  return {
    name: a.name,
    email: a.email,
    displayEmail: displayEmail(a.email),
    timeZone: a.timeZone,
    language: a.locale ?? "en",
    absent: !!a.noShow,
    ...(a.phoneNumber != null && { phoneNumber: a.phoneNumber }),
  };
}

/** The booking's stored responses, with the display forms Cal.com's output adds. */
function fieldsResponses(responses: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(responses ?? {}) };
  if (typeof out.email === "string") out.displayEmail = displayEmail(out.email);
  if (Array.isArray(out.guests)) out.displayGuests = out.guests.map((g) => (typeof g === "string" ? displayEmail(g) : g));
  return out;
}

/** Who rescheduled: the replacing booking shows the one it replaced's `rescheduledBy`, falling back to its own. */
function rescheduledByEmail(store: Store, b: Booking): string | undefined {
  if (b.fromReschedule) {
    const old = store.bookingByUid.get(b.fromReschedule);
    return old?.rescheduledBy ?? b.rescheduledBy ?? undefined;
  }
  return b.rescheduledBy ?? undefined;
}

function common(store: Store, b: Booking, eventType: EventType | undefined): CommonOutput {
  const organizer = b.userId == null ? undefined : store.get("users", b.userId);
  const metadata: Record<string, unknown> = { ...(b.metadata ?? {}) };
  const videoCallUrl = typeof metadata.videoCallUrl === "string" ? metadata.videoCallUrl : undefined;
  delete metadata.videoCallUrl;
  // Cal.com sends the column as it is: null for a booking without a location.
  const location = videoCallUrl ?? b.location ?? null;
  const reason = (b.responses as Record<string, unknown> | undefined)?.rescheduledReason;
  const start = iso(b.startTime);
  const end = iso(b.endTime);
  const by = rescheduledByEmail(store, b);
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    description: b.description ?? "",
    hosts: organizer ? [hostOutput(organizer)] : [],
    status: b.status.toLowerCase() as CommonOutput["status"],
    ...(typeof reason === "string" && { reschedulingReason: reason }),
    ...(by !== undefined && { rescheduledByEmail: by }),
    ...(b.fromReschedule && { rescheduledFromUid: b.fromReschedule }),
    start,
    end,
    duration: Math.round((Date.parse(end) - Date.parse(start)) / 60_000),
    eventTypeId: b.eventTypeId,
    eventType: eventType ? { id: eventType.id, slug: eventType.slug } : null,
    meetingUrl: location,
    location,
    absentHost: !!b.noShowHost,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt ?? b.createdAt),
    metadata,
    ...(b.rating != null && { rating: b.rating }),
    ...(b.iCalUID != null && { icsUid: b.iCalUID }),
  };
}

/** The uid of the booking this one was rescheduled to, when it was. */
function rescheduledToUid(store: Store, b: Booking): string | undefined {
  return b.rescheduled ? store.bookingByFromReschedule.get(b.uid)?.uid : undefined;
}

function seatedAttendees(b: Booking): SeatedAttendeeOutput[] {
  const seatOf = new Map<number, BookingSeat>((b.seatsReferences ?? []).map((s) => [s.attendeeId, s]));
  return b.attendees.flatMap((a) => {
    const seat = seatOf.get(a.id);
    if (!seat) return [];
    // Cal.com leaves the e-mail out of a seat's answers, for the other attendees' privacy.
    const { email: _email, ...responses } = (seat.data as { responses?: Record<string, unknown> } | undefined)?.responses ?? { name: a.name };
    return [
      {
        ...attendeeOutput(a),
        seatUid: seat.referenceUid,
        bookingFieldsResponses: fieldsResponses(responses),
        ...(seat.metadata && { metadata: seat.metadata }),
      },
    ];
  });
}

/** The booking in the shape its event type and series give it. */
export function toBookingOutput(store: Store, b: Booking, options: OutputOptions = {}): BookingOutput {
  const eventType = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  const base = common(store, b, eventType);
  const recurring = b.recurringEventId ?? undefined;
  const to = recurring ? undefined : rescheduledToUid(store, b);
  if (eventType?.seatsPerTimeSlot && !options.asRegular) {
    const seated: SeatedBookingOutput = {
      ...base,
      ...(to !== undefined && { rescheduledToUid: to }),
      cancellationReason: b.cancellationReason ?? "",
      attendees: options.showAttendees || eventType.seatsShowAttendees ? seatedAttendees(b) : [],
      ...(options.seatUid !== undefined && { seatUid: options.seatUid }),
      ...(recurring && { recurringBookingUid: recurring }),
    };
    if (recurring) delete seated.rescheduledByEmail;
    return seated;
  }
  const responses = b.responses as Record<string, unknown> | undefined;
  const guests = Array.isArray(responses?.guests) ? (responses.guests as unknown[]).filter((g): g is string => typeof g === "string") : [];
  const regular: RegularBookingOutput = {
    ...base,
    cancellationReason: b.cancellationReason ?? "",
    cancelledByEmail: b.cancelledBy ?? "",
    attendees: b.attendees.map(attendeeOutput),
    ...(guests.length > 0 && { guests }),
    bookingFieldsResponses: fieldsResponses(responses),
  };
  if (!recurring) return to === undefined ? regular : { ...regular, rescheduledToUid: to };
  delete regular.rescheduledByEmail;
  return { ...regular, recurringBookingUid: recurring };
}

/** The occurrences of a recurring booking, in start order (cancelled ones too), as GET by the series uid answers. */
export function seriesOf(store: Store, recurringEventId: string): Booking[] {
  return [...(store.bookingsByRecurringUid.get(recurringEventId)?.values() ?? [])].sort(
    (a, b) => Date.parse(a.startTime) - Date.parse(b.startTime) || a.id - b.id,
  );
}
