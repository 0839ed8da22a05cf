/**
 * What an event type request body becomes, as Cal.com's input services (2024-06-14) turn it into columns: booking
 * fields and locations checked entry by entry with the messages of Cal.com's own validators, the booking fields
 * completed with the system set, and every API field mapped to its column (bookingWindow to the period columns,
 * confirmationPolicy to requiresConfirmation and the metadata threshold, …). No store writes here.
 */
import type { Schemas } from "../../contract/types.js";
import { badRequest, HttpError, withDiagnostics } from "../../errors.js";
import type { EventType, Metadata, PeriodLimits } from "../schema.js";
import { CAL_VIDEO, DEFAULT_BOOKING_FIELDS, FREQUENCIES, type BookingFieldOutput, type LocationOutput } from "./event-type-output.js";

/** The fields of every event type body (a team body adds its own; a create body requires some). */
export type EventTypeInput = Schemas["UpdateTeamEventTypeInput_2024_06_14"];
type BookingFieldInput = Schemas["EventTypeBookingFieldInput_2024_06_14"];
type LocationInput = Schemas["EventTypeLocationInput_2024_06_14"];

/**
 * Cal.com's `slugifyLenient`, which the API applies to event type slugs (create, and PATCH when a slug is sent):
 * whitespace trimmed and leading dashes, periods and underscores dropped; case and inner characters are kept.
 */
export function slugifyLenient(text: string): string {
  return text.trim().replace(/^-+/, "").replace(/^\.+/, "").replace(/^_+/, "");
}

/** A tRPC BAD_REQUEST from Cal.com's shared event type handlers: its filter answers one fixed text. */
export function trpcBadRequest(why: string): HttpError {
  return withDiagnostics(new HttpError(400, "TRPCError", "Bad request: Please check your request data and try again"), why);
}

// ---- Booking fields ----

const SLUG_ONLY = new Set(["title", "notes", "guests", "rescheduleReason", "location"]);
const TYPED = new Set(["name", "splitName", "email", "phone", "address", "text", "number", "textarea", "select", "multiselect", "multiemail", "checkbox", "radio", "boolean", "url"]);
const WITH_OPTIONS = new Set(["select", "multiselect", "checkbox", "radio"]);

/** What class-validator says of the field's required properties, as Cal.com's booking field validator joins them. */
function fieldProblems(field: BookingFieldInput, kind: string): string[] {
  if (SLUG_ONLY.has(kind) || kind === "name" || kind === "splitName" || kind === "email") return [];
  const problems: string[] = [];
  if (typeof field.slug !== "string") problems.push("slug must be a string");
  if (typeof field.label !== "string") problems.push("label must be a string");
  if (typeof field.required !== "boolean") problems.push("required must be a boolean value");
  if (WITH_OPTIONS.has(kind) && !Array.isArray(field.options)) problems.push("options must be an array");
  return problems;
}

/** Cal.com's booking field validator (ValidateInputBookingFields_2024_06_14), with its messages. */
function checkBookingFields(fields: readonly BookingFieldInput[]): void {
  if (fields.length === 0) throw badRequest("'bookingFields' must contain at least 1 booking field.");
  const slugs: string[] = [];
  for (const field of fields) {
    const { type, slug } = field;
    if (!SLUG_ONLY.has(slug ?? "") && !type) {
      throw badRequest("All booking fields except ones with slug equal to title, notes, guests and rescheduleReason must have a 'type' property.");
    }
    const needsSlug = type !== "name" && type !== "splitName" && type !== "email";
    if (needsSlug && !slug) throw badRequest("Each booking field except ones with type equal to name and email must have a 'slug' property.");
    if (slug !== undefined && slugs.includes(slug)) throw badRequest(`Duplicate bookingFields slug '${slug}' found. All bookingFields slugs must be unique.`);
    if (needsSlug && slug !== undefined) slugs.push(slug);
    const kind = type ?? slug ?? "";
    if (type ? !TYPED.has(type) : !SLUG_ONLY.has(kind)) {
      throw badRequest(type ? `Unsupported booking field type '${type}'.` : `Unsupported booking field slug '${slug}'.`);
    }
    const problems = fieldProblems(field, kind);
    if (problems.length) throw badRequest(`Validation failed for ${type} booking field: ${problems.join(", ")}`);
  }
}

const SYSTEM_AFTER: Record<string, BookingFieldOutput["type"]> = { title: "text", notes: "textarea", guests: "multiemail", rescheduleReason: "textarea" };

/** One input field as Cal.com stores it and then answers it (its api-to-internal and internal-to-api transforms). */
function fieldOutput(f: BookingFieldInput): BookingFieldOutput {
  const flags = { disableOnPrefill: !!f.disableOnPrefill, hidden: !!f.hidden };
  if (f.slug === "location") return { isDefault: true, type: "radioInput", slug: "location", required: false, hidden: false, label: f.label };
  if (f.type === "phone" && f.slug === "attendeePhoneNumber") {
    return { isDefault: true, type: "phone", slug: "attendeePhoneNumber", required: !!f.required, label: f.label, placeholder: f.placeholder, ...flags };
  }
  if (f.type === "name") return { isDefault: true, type: "name", slug: "name", required: true, label: f.label, placeholder: f.placeholder, disableOnPrefill: flags.disableOnPrefill };
  if (f.type === "splitName") {
    return {
      isDefault: true,
      type: "splitName",
      slug: "splitName",
      firstNameLabel: f.firstNameLabel || "",
      firstNamePlaceholder: f.firstNamePlaceholder || "",
      lastNameLabel: f.lastNameLabel || "",
      lastNamePlaceholder: f.lastNamePlaceholder || "",
      lastNameRequired: !!f.lastNameRequired,
      disableOnPrefill: flags.disableOnPrefill,
    };
  }
  // The email input's `required` defaults to true (a class initializer in Cal.com's DTO).
  if (f.type === "email") return { isDefault: true, type: "email", slug: "email", required: f.required ?? true, label: f.label, placeholder: f.placeholder, ...flags };
  const system = f.slug !== undefined ? SYSTEM_AFTER[f.slug] : undefined;
  if (system) return { isDefault: true, type: system, slug: f.slug, required: !!f.required, label: f.label, placeholder: f.placeholder, ...flags } as BookingFieldOutput;
  const type = f.type as string;
  const label = ["phone", "text", "textarea", "multiemail", "url"].includes(type) ? f.label || "" : f.label;
  const options = WITH_OPTIONS.has(type) ? { options: f.options ?? [] } : {};
  const placeholder = ["boolean", "multiselect", "checkbox", "radio"].includes(type) ? {} : { placeholder: f.placeholder };
  return { isDefault: false, type, slug: f.slug, label, required: !!f.required, ...placeholder, ...flags, ...options } as BookingFieldOutput;
}

const isSystemBefore = (f: BookingFieldOutput) => f.slug === "name" || f.slug === "splitName" || f.slug === "email" || f.slug === "location";
const isDefault = (f: BookingFieldOutput) => "isDefault" in f && f.isDefault === true;
const isSystemAfter = (f: BookingFieldOutput) => isDefault(f) && f.slug in SYSTEM_AFTER;

/**
 * The booking fields Cal.com stores from a body's list (or none, on create): name, email and location (the
 * caller's versions where sent), the caller's own fields, then title, notes, guests and rescheduleReason; a
 * `disableGuests` sets the guests field's `hidden`. A set without a visible, required email or attendee phone
 * is refused, as Cal.com refuses it.
 */
export function bookingFieldsFromInput(input: readonly BookingFieldInput[] | undefined, disableGuests: boolean | undefined): BookingFieldOutput[] {
  let fields = input ? [...input] : [];
  if (disableGuests !== undefined) {
    const guests = fields.findIndex((f) => f.slug === "guests");
    if (guests >= 0) fields[guests] = { ...fields[guests], hidden: disableGuests };
    else fields = [...fields, { slug: "guests", hidden: disableGuests }];
  }
  const given = fields.map(fieldOutput);
  const pick = (slug: string) => given.find((f) => f.slug === slug && isDefault(f));
  const defaults = (slug: string) => DEFAULT_BOOKING_FIELDS.find((f) => f.slug === slug)!;
  const before = [pick("splitName") ?? pick("name") ?? defaults("name"), pick("email") ?? defaults("email"), pick("location") ?? defaults("location")];
  const after = ["title", "notes", "guests", "rescheduleReason"].map((slug) => pick(slug) ?? defaults(slug));
  const own = given.filter((f) => !isSystemBefore(f) && !isSystemAfter(f));
  const all = [...before, ...own, ...after];
  const visibleRequired = (slug: string) => all.some((f) => f.slug === slug && "required" in f && f.required === true && !("hidden" in f && f.hidden === true));
  if (!visibleRequired("email") && !visibleRequired("attendeePhoneNumber")) {
    throw badRequest("Booking fields validation failed: visible and required email or visible and required attendee phone field is needed.");
  }
  return all;
}

/** Cal.com's service check on personal (and plain team) event types: the e-mail field must stay required and visible. */
export function assertEmailAccessible(fields: readonly BookingFieldOutput[]): void {
  const email = fields.find((f) => f.slug === "email");
  const ok = email !== undefined && "required" in email && email.required === true && !("hidden" in email && email.hidden === true);
  if (!ok) throw badRequest("checkIsEmailUserAccessible - Email booking field must be required and visible");
}

// ---- Locations ----

const LOCATION_TYPES = ["address", "link", "integration", "phone", "attendeeAddress", "attendeePhone", "attendeeDefined"];
const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const PHONE_PATTERN = /^\+[1-9]\d{6,14}$/;

/** Cal.com's location validator (ValidateLocations_2024_06_14 and its team variant), with its messages. */
function checkLocations(locations: readonly LocationInput[], team: boolean): void {
  if (locations.length === 0) throw badRequest("'locations' must contain at least 1 location.");
  const allowed = team ? [...LOCATION_TYPES, "organizersDefaultApp"] : LOCATION_TYPES;
  for (const l of locations) {
    if (!l.type) throw badRequest("Each object in 'locations' must have a 'type' property.");
    if (!allowed.includes(l.type)) throw badRequest(`Unsupported location type '${l.type}'. Valid types are address, link, integration, and phone.`);
    const problems: string[] = [];
    if (l.type === "address" && typeof l.address !== "string") problems.push("address must be a string");
    if (l.type === "link" && (typeof l.link !== "string" || !URL_PATTERN.test(l.link))) problems.push("link must be a URL address");
    if (l.type === "phone" && (typeof l.phone !== "string" || !PHONE_PATTERN.test(l.phone))) problems.push("phone must be a valid phone number");
    if (l.type === "integration" && typeof l.integration !== "string") problems.push("integration must be one of the following values: cal-video, google-meet, zoom, …");
    if (["address", "link", "phone"].includes(l.type) && typeof l.public !== "boolean") problems.push("public must be a boolean value");
    if (problems.length) throw badRequest(`Validation failed for ${l.type} location: ${problems.join(", ")}`);
  }
}

/** The apps a team's conferencing check knows; Cal.com maps Teams to its app slug. */
const TEAM_APPS = ["google-meet", "office365-video", "zoom"];
const APP_SLUGS: Record<string, string> = {
  "office365-video": "msteams",
  "facetime-video": "facetime",
  "whereby-video": "whereby",
  "whatsapp-video": "whatsapp",
  "webex-video": "webex",
  "telegram-video": "telegram",
  "sylaps-video": "sylapsvideo",
  "skype-video": "skype",
  "sirius-video": "sirius_video",
  "signal-video": "signal",
  "shimmer-video": "shimmervideo",
  "salesroom-video": "salesroom",
  "roam-video": "roam",
  "riverside-video": "riverside",
  "ping-video": "ping",
  "mirotalk-video": "mirotalk",
  "jelly-video": "jelly",
  "jelly-conferencing": "jelly",
  huddle: "huddle01",
  "element-call-video": "element-call",
  "eightxeight-video": "eightxeight",
  "discord-video": "discord",
  "demodesk-video": "demodesk",
  "campfire-video": "campfire",
};
const NO_APPS = "calcom-mock connects no conferencing apps to users or teams: only cal-video (Cal.com's global app) can be used";

/** Cal.com checks that an integration location's app is connected (Cal Video always is); the mock has no other. */
function checkLocationApps(locations: readonly LocationInput[], team: boolean): void {
  for (const l of locations) {
    if (l.type !== "integration" || l.integration === undefined || l.integration === "cal-video") continue;
    if (team && !TEAM_APPS.includes(l.integration)) {
      throw withDiagnostics(new HttpError(400, "BadRequestException", "Invalid app, available apps are: ", { message: "Invalid app, available apps are: ", error: TEAM_APPS.join(", "), statusCode: 400 }), NO_APPS);
    }
    const app = team ? (l.integration === "office365-video" ? "msteams" : l.integration) : (APP_SLUGS[l.integration] ?? l.integration);
    throw withDiagnostics(badRequest(`${app} not connected.`), NO_APPS);
  }
}

/** A location in the API's shape with only its own fields, as the store keeps it. */
function storedLocation(l: LocationInput): Record<string, unknown> {
  switch (l.type) {
    case "address":
      return { type: "address", address: l.address, public: l.public };
    case "link":
      return { type: "link", link: l.link, public: l.public };
    case "phone":
      return { type: "phone", phone: l.phone, public: l.public };
    case "integration":
      return { type: "integration", integration: l.integration };
    default:
      return { type: l.type };
  }
}

/** Validates a body's booking fields and locations, in Cal.com's order (its request pipe, then its input service). */
export function checkEntries(input: EventTypeInput, team: boolean): void {
  if (input.bookingFields) checkBookingFields(input.bookingFields);
  if (input.locations) checkLocations(input.locations, team);
  if (input.locations) checkLocationApps(input.locations, team);
}

// ---- Columns ----

const LIMIT_NAMES: Record<string, keyof NonNullable<PeriodLimits>> = { day: "PER_DAY", week: "PER_WEEK", month: "PER_MONTH", year: "PER_YEAR" };
const LAYOUT_TO_INTERNAL: Record<string, string> = { month: "month_view", week: "week_view", column: "column_view" };

function intervalLimits(input: NonNullable<EventTypeInput["bookingLimitsCount"]>): NonNullable<PeriodLimits> {
  const out: NonNullable<PeriodLimits> = {};
  if (input.disabled) return out;
  for (const [key, value] of Object.entries(input)) {
    const name = LIMIT_NAMES[key];
    if (name && typeof value === "number") out[name] = value;
  }
  return out;
}

/** Cal.com's update handler refuses limits that shrink from day to year (a tRPC error, so its fixed text). */
function assertAscending(limits: NonNullable<PeriodLimits>, what: string): void {
  const values = (["PER_DAY", "PER_WEEK", "PER_MONTH", "PER_YEAR"] as const).map((k) => limits[k]).filter((v): v is number => v !== undefined);
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) throw trpcBadRequest(`${what} limits must be in ascending order (day ≤ week ≤ month ≤ year)`);
}

function periodColumns(window: NonNullable<EventTypeInput["bookingWindow"]>): Partial<EventType> {
  if (window.disabled) return { periodType: "UNLIMITED" };
  if (window.type === "range") {
    const [start, end] = Array.isArray(window.value) ? window.value : [];
    if (!start || !end) throw badRequest("bookingWindow: a range needs value [start, end] as YYYY-MM-DD dates");
    return { periodType: "RANGE", periodStartDate: start, periodEndDate: end };
  }
  if (window.type === "businessDays" || window.type === "calendarDays") {
    if (typeof window.value !== "number") throw badRequest(`bookingWindow: ${window.type} needs value as a number of days`);
    return { periodType: window.rolling ? "ROLLING_WINDOW" : "ROLLING", periodDays: window.value, periodCountCalendarDays: window.type === "calendarDays" };
  }
  return {};
}

const NO_CALENDARS = "calcom-mock connects no calendars to users: Cal.com finds no calendar to check this against";

/** A destination calendar must be one of the user's connected calendars, and the e-mail option needs a primary one: the mock connects none. */
export function assertNoCalendarFields(input: EventTypeInput): void {
  if (input.destinationCalendar) throw withDiagnostics(badRequest("Invalid destinationCalendarId: Calendar does not exist"), NO_CALENDARS);
  if (input.useDestinationCalendarEmail) throw withDiagnostics(badRequest("Validation failed: A primary connected calendar is required to set useDestinationCalendarEmail"), NO_CALENDARS);
}

/**
 * The columns a body sets, and the metadata it changes, as Cal.com's input service maps them. `current` is the
 * stored event type on an update (its metadata is merged; locations and booking fields are replaced when sent).
 */
export function eventTypeColumns(input: EventTypeInput, current: EventType | undefined, creating = current === undefined): Partial<EventType> {
  const out: Partial<EventType> = {};
  const extra: Record<string, unknown> = { ...(current?.extra ?? {}) };
  const metadata: Metadata = { ...(current?.metadata ?? {}) };
  const set = <K extends keyof EventType>(key: K, value: EventType[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };

  set("length", input.lengthInMinutes);
  set("title", input.title);
  if (input.slug !== undefined && (creating || input.slug)) out.slug = slugifyLenient(input.slug);
  set("description", input.description);
  if (input.locations?.length) out.locations = input.locations.map(storedLocation);
  else if (creating) out.locations = [{ ...CAL_VIDEO }];
  if (creating || input.bookingFields !== undefined || input.disableGuests !== undefined) {
    const fields = bookingFieldsFromInput(input.bookingFields, input.disableGuests);
    // Stored without the keys Cal.com's transforms leave undefined (a field without a label has no `label`).
    out.bookingFields = JSON.parse(JSON.stringify(fields)) as EventType["bookingFields"];
    // Cal.com's update handler reads disableGuests from the guests field whenever booking fields are written.
    out.disableGuests = fields.some((f) => f.slug === "guests" && "hidden" in f && f.hidden === true);
  }
  for (const key of ["slotInterval", "minimumBookingNotice", "beforeEventBuffer", "afterEventBuffer", "scheduleId", "offsetStart"] as const) set(key, input[key]);
  for (const key of [
    "onlyShowFirstAvailableSlot",
    "requiresBookerEmailVerification",
    "hideCalendarNotes",
    "lockTimeZoneToggleOnBookingPage",
    "hideCalendarEventDetails",
    "hideOrganizerEmail",
    "hidden",
    "bookingRequiresAuthentication",
    "allowReschedulingPastBookings",
  ] as const) {
    set(key, input[key]);
  }
  set("successRedirectUrl", input.successRedirectUrl);
  if (input.bookingLimitsCount) {
    out.bookingLimits = intervalLimits(input.bookingLimitsCount);
    assertAscending(out.bookingLimits, "Booking");
  }
  if (input.bookingLimitsDuration) {
    out.durationLimits = intervalLimits(input.bookingLimitsDuration);
    assertAscending(out.durationLimits, "Duration");
  }
  if (input.bookingWindow) Object.assign(out, periodColumns(input.bookingWindow));
  if (input.lengthInMinutesOptions !== undefined) metadata.multipleDuration = input.lengthInMinutesOptions;
  if (input.bookerLayouts) {
    metadata.bookerLayouts = {
      defaultLayout: LAYOUT_TO_INTERNAL[input.bookerLayouts.defaultLayout],
      enabledLayouts: input.bookerLayouts.enabledLayouts.map((l) => LAYOUT_TO_INTERNAL[l]),
    };
  }
  const policy = input.confirmationPolicy;
  if (policy) {
    if (policy.disabled) {
      out.requiresConfirmation = false;
      out.requiresConfirmationWillBlockSlot = false;
      delete metadata.requiresConfirmationThreshold;
    } else if (policy.type) {
      out.requiresConfirmation = true;
      out.requiresConfirmationWillBlockSlot = policy.blockUnconfirmedBookingsInBooker === true;
      if (policy.type === "time" && policy.noticeThreshold) metadata.requiresConfirmationThreshold = { unit: policy.noticeThreshold.unit, time: policy.noticeThreshold.count };
      else delete metadata.requiresConfirmationThreshold;
    }
  }
  // `{disabled: true}` leaves the stored recurrence as it is: Cal.com maps it to "not sent".
  const recurrence = input.recurrence;
  if (recurrence && !recurrence.disabled && recurrence.frequency) {
    out.recurringEvent = { freq: FREQUENCIES.indexOf(recurrence.frequency), count: recurrence.occurrences ?? 1, interval: recurrence.interval ?? 1 };
  }
  if (input.color) out.eventTypeColor = { lightEventTypeColor: input.color.lightThemeHex, darkEventTypeColor: input.color.darkThemeHex };
  const seats = input.seats;
  if (seats && !seats.disabled && seats.seatsPerTimeSlot !== undefined) {
    out.seatsPerTimeSlot = seats.seatsPerTimeSlot;
    out.seatsShowAttendees = seats.showAttendeeInfo ?? false;
    out.seatsShowAvailabilityCount = seats.showAvailabilityCount ?? false;
  } else if (seats || creating) {
    out.seatsPerTimeSlot = null;
  }
  set("eventName", input.customName);
  if (input.useDestinationCalendarEmail === false) extra.useEventTypeDestinationCalendarEmail = false;
  const active = input.bookerActiveBookingsLimit;
  if (active) {
    extra.maxActiveBookingsPerBooker = active.disabled ? null : (active.maximumActiveBookings ?? null);
    extra.maxActiveBookingPerBookerOfferReschedule = active.disabled ? false : (active.offerReschedule ?? null);
  }
  if (input.disableCancelling) out.disableCancelling = input.disableCancelling.disabled === true;
  const rescheduling = input.disableRescheduling;
  if (rescheduling) {
    out.disableRescheduling = rescheduling.disabled === true;
    extra.minimumRescheduleNotice = rescheduling.disabled !== true && rescheduling.minutesBefore ? rescheduling.minutesBefore : null;
  }
  if (input.calVideoSettings) {
    const { sendTranscriptionEmails, ...settings } = input.calVideoSettings;
    if (Object.keys(settings).length > 0) extra.calVideoSettings = settings;
    if (sendTranscriptionEmails !== undefined) extra.canSendCalVideoTranscriptionEmails = sendTranscriptionEmails;
  }
  for (const key of ["interfaceLanguage", "allowReschedulingCancelledBookings", "showOptimizedSlots", "rescheduleWithSameRoundRobinHost"] as const) {
    if (input[key] !== undefined) extra[key] = input[key];
  }
  // Only a body that touches them writes them, so an empty PATCH leaves the row as it was.
  if (creating || JSON.stringify(metadata) !== JSON.stringify(current?.metadata ?? {})) out.metadata = metadata;
  if (creating || JSON.stringify(extra) !== JSON.stringify(current?.extra ?? {})) out.extra = extra;
  return out;
}

/**
 * Cal.com's cross-field rules on the values an event type would have (the body's, else the stored ones): seats
 * allow one location at most and no confirmation; seats and a recurrence cannot both be on.
 */
export function assertCombination(next: Pick<EventType, "seatsPerTimeSlot" | "locations" | "requiresConfirmation" | "recurringEvent">): void {
  const seated = (next.seatsPerTimeSlot ?? 0) > 0;
  if (seated && (next.locations ?? []).length > 1) throw badRequest("Seats Validation failed: Seats are enabled but more than one location provided.");
  if (seated && next.requiresConfirmation) throw badRequest("Seats Validation failed: Seats are enabled but requiresConfirmation is true.");
  if (seated && next.recurringEvent) throw trpcBadRequest("Recurring Events and Offer Seats cannot be active at the same time.");
}

export type { BookingFieldOutput, LocationOutput };
