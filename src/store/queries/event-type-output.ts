/**
 * Event types as Cal.com's output services answer them (2024-06-14): the personal shape (`ownerId`, `users`) and
 * the team shape (`hosts`, `team`, `schedulingType`), built from the stored row with Cal.com's column defaults
 * filled in and its transforms applied (period columns to `bookingWindow`, interval limits to day/week/month/year,
 * the confirmation columns and threshold to `confirmationPolicy`, …). Keys come in the order Cal.com writes them.
 */
import type { Schemas } from "../../contract/types.js";
import type { EventType, Host, Metadata, PeriodLimits, User } from "../schema.js";
import type { Store } from "../store.js";

export type EventTypeOutput = Schemas["EventTypeOutput_2024_06_14"];
export type TeamEventTypeOutput = Schemas["TeamEventTypeOutput_2024_06_14"];
export type BookingFieldOutput = EventTypeOutput["bookingFields"][number];
export type LocationOutput = EventTypeOutput["locations"][number];
type CommonOutput = Omit<EventTypeOutput, "ownerId" | "users">;

/** Where Cal.com's booking pages live (its `app.baseUrl`); an organization's are on the organization's subdomain. */
export const WEB_APP_URL = "https://app.cal.com";
const orgOrigin = (slug: string) => `https://${slug}.cal.com`;

/** Cal Video, the location an event type gets when none is sent (the owner has no other default app in the mock). */
export const CAL_VIDEO: LocationOutput = { type: "integration", integration: "cal-video" };

/**
 * Cal.com's system booking fields as its output answers them when none are stored (getBookingFieldsWithSystemFields):
 * the title is hidden, so list answers drop it. Team event types (read as organization team events) also get the
 * attendee phone field, hidden, after the location.
 */
export const DEFAULT_BOOKING_FIELDS: readonly BookingFieldOutput[] = [
  { isDefault: true, type: "name", slug: "name", required: true, disableOnPrefill: false },
  { isDefault: true, type: "email", slug: "email", required: true, disableOnPrefill: false, hidden: false },
  { isDefault: true, type: "radioInput", slug: "location", required: false, hidden: false },
  { isDefault: true, type: "text", slug: "title", required: true, disableOnPrefill: false, hidden: true },
  { isDefault: true, type: "textarea", slug: "notes", required: false, disableOnPrefill: false, hidden: false },
  { isDefault: true, type: "multiemail", slug: "guests", required: false, disableOnPrefill: false, hidden: false },
  { isDefault: true, type: "textarea", slug: "rescheduleReason", required: false, disableOnPrefill: false, hidden: false },
];
const ATTENDEE_PHONE_DEFAULT: BookingFieldOutput = { isDefault: true, type: "phone", slug: "attendeePhoneNumber", required: false, disableOnPrefill: false, hidden: true };
const TEAM_DEFAULT_BOOKING_FIELDS: readonly BookingFieldOutput[] = [...DEFAULT_BOOKING_FIELDS.slice(0, 3), ATTENDEE_PHONE_DEFAULT, ...DEFAULT_BOOKING_FIELDS.slice(3)];

export function storedBookingFields(e: EventType, team: boolean): readonly BookingFieldOutput[] {
  if (e.bookingFields) return e.bookingFields as unknown as BookingFieldOutput[];
  return team ? TEAM_DEFAULT_BOOKING_FIELDS : DEFAULT_BOOKING_FIELDS;
}

/** Cal.com's internal booker layout names (kept in metadata) and the API's. */
export const LAYOUT_TO_API: Record<string, "month" | "week" | "column"> = { month_view: "month", week_view: "week", column_view: "column" };

/** rrule's frequencies by number, as Cal.com stores a recurring event. */
export const FREQUENCIES = ["yearly", "monthly", "weekly", "daily", "hourly", "minutely", "secondly"] as const;

const LIMIT_KEYS: Array<[keyof NonNullable<PeriodLimits>, "day" | "week" | "month" | "year"]> = [
  ["PER_DAY", "day"],
  ["PER_WEEK", "week"],
  ["PER_MONTH", "month"],
  ["PER_YEAR", "year"],
];

/** Cal.com's interval limits in the API's names; left out when none are stored (an empty `{}` stays `{}`). */
function intervalLimits(limits: PeriodLimits | undefined): EventTypeOutput["bookingLimitsCount"] {
  if (!limits) return undefined;
  const out: Record<string, number> = {};
  for (const [stored, api] of LIMIT_KEYS) if (limits[stored] !== undefined) out[api] = limits[stored]!;
  return out;
}

function bookingWindow(e: EventType): EventTypeOutput["bookingWindow"] {
  switch (e.periodType ?? "UNLIMITED") {
    case "RANGE":
      return { type: "range", value: [e.periodStartDate ?? null, e.periodEndDate ?? null] };
    case "ROLLING":
    case "ROLLING_WINDOW":
      return { type: e.periodCountCalendarDays ? "calendarDays" : "businessDays", value: e.periodDays ?? null, rolling: e.periodType === "ROLLING_WINDOW" };
    default:
      return { disabled: true };
  }
}

function confirmationPolicy(e: EventType, threshold: unknown): EventTypeOutput["confirmationPolicy"] {
  const block = e.requiresConfirmationWillBlockSlot ?? false;
  const t = threshold as { time?: number; unit?: string } | undefined;
  // A stored threshold wins, even on an event type that no longer requires confirmation (Cal.com reads it first).
  if (t?.unit) return { type: "time", noticeThreshold: { unit: t.unit, count: t.time ?? 0 }, blockUnconfirmedBookingsInBooker: block };
  if (e.requiresConfirmation) return { type: "always", blockUnconfirmedBookingsInBooker: block };
  return { disabled: true };
}

/** A stored location (kept in the API's shape) with only the keys Cal.com's output writes, in its order. */
function locationOutput(l: Record<string, unknown>): LocationOutput {
  switch (l.type) {
    case "address":
      return { type: "address", address: String(l.address), public: l.public as boolean };
    case "link":
      return { type: "link", link: String(l.link), public: l.public as boolean };
    case "phone":
      return { type: "phone", phone: String(l.phone), public: l.public as boolean };
    case "integration":
      return { type: "integration", integration: String(l.integration) };
    case "attendeeAddress":
    case "attendeePhone":
    case "attendeeDefined":
    case "organizersDefaultApp":
      return { type: l.type };
    default:
      return { type: "unknown", location: JSON.stringify(l) };
  }
}

export function userOutput(u: User): EventTypeOutput["users"][number] {
  return {
    id: u.id,
    name: u.name,
    username: u.username,
    avatarUrl: u.avatarUrl ?? null,
    brandColor: u.brandColor ?? null,
    darkBrandColor: u.darkBrandColor ?? null,
    weekStart: u.weekStart ?? "Sunday",
    metadata: u.metadata ?? {},
  };
}

/** `<base>/<username>/<slug>` of the first user: on the organization's domain for a member of a (non-platform) organization. */
export function bookingUrl(store: Store, user: User | undefined, slug: string): string {
  if (!user) return "";
  const profile = store.profilesByUser.get(user.id)?.values().next().value;
  const org = profile ? store.get("organizations", profile.organizationId) : undefined;
  const username = profile?.username ?? user.username;
  if (!username) return "";
  const base = org && !org.isPlatform ? orgOrigin(org.slug) : WEB_APP_URL;
  return `${base}/${username}/${slug}`;
}

/** The users of an event type (Cal.com's `users` relation): the owner of a personal one, nobody for a team's. */
export function eventTypeUsers(store: Store, e: EventType): User[] {
  const owner = e.userId != null ? store.get("users", e.userId) : undefined;
  return owner ? [owner] : [];
}

function extra<T>(e: EventType, key: string, fallback: T): T {
  const value = e.extra?.[key];
  return value === undefined ? fallback : (value as T);
}

/** The fields both shapes share, built as Cal.com's getResponseEventType builds them. */
function commonOutput(store: Store, e: EventType, team: boolean, users: User[]): CommonOutput & { users: EventTypeOutput["users"] } {
  const metadata: Metadata = { ...(e.metadata ?? {}) };
  const layouts = metadata.bookerLayouts as { defaultLayout?: string; enabledLayouts?: string[] } | undefined;
  const threshold = metadata.requiresConfirmationThreshold;
  delete metadata.bookerLayouts;
  delete metadata.requiresConfirmationThreshold;
  const multipleDuration = metadata.multipleDuration as number[] | undefined;
  const color = e.eventTypeColor as { lightEventTypeColor?: string; darkEventTypeColor?: string } | null | undefined;
  const destination = extra<{ integration: string; externalId: string } | undefined>(e, "destinationCalendar", undefined);
  const maxActive = extra<number | null>(e, "maxActiveBookingsPerBooker", null);
  const offerReschedule = extra<boolean | null>(e, "maxActiveBookingPerBookerOfferReschedule", null);
  const rescheduleNotice = extra<number | null>(e, "minimumRescheduleNotice", null);
  const calVideo = extra<Record<string, unknown> | null>(e, "calVideoSettings", null);
  const recurring = e.recurringEvent;
  return {
    id: e.id,
    lengthInMinutes: e.length,
    ...(multipleDuration !== undefined && { lengthInMinutesOptions: multipleDuration }),
    title: e.title,
    slug: e.slug,
    description: e.description || "",
    locations: (e.locations ?? []).map(locationOutput),
    bookingFields: [...storedBookingFields(e, team)],
    recurrence: recurring ? { interval: recurring.interval, occurrences: recurring.count, frequency: FREQUENCIES[recurring.freq] ?? "weekly" } : null,
    disableGuests: e.disableGuests ?? false,
    slotInterval: e.slotInterval ?? null,
    minimumBookingNotice: e.minimumBookingNotice ?? 120,
    beforeEventBuffer: e.beforeEventBuffer ?? 0,
    afterEventBuffer: e.afterEventBuffer ?? 0,
    metadata,
    price: e.price ?? 0,
    currency: e.currency ?? "usd",
    lockTimeZoneToggleOnBookingPage: e.lockTimeZoneToggleOnBookingPage ?? false,
    forwardParamsSuccessRedirect: e.forwardParamsSuccessRedirect === undefined ? true : e.forwardParamsSuccessRedirect,
    successRedirectUrl: e.successRedirectUrl ?? null,
    isInstantEvent: e.isInstantEvent ?? false,
    users: users.map(userOutput),
    scheduleId: e.scheduleId ?? null,
    ...(e.bookingLimits != null && { bookingLimitsCount: intervalLimits(e.bookingLimits) }),
    ...(e.durationLimits != null && { bookingLimitsDuration: intervalLimits(e.durationLimits) }),
    onlyShowFirstAvailableSlot: e.onlyShowFirstAvailableSlot ?? false,
    offsetStart: e.offsetStart ?? 0,
    bookingWindow: bookingWindow(e),
    ...(layouts?.defaultLayout && {
      bookerLayouts: { defaultLayout: LAYOUT_TO_API[layouts.defaultLayout] ?? "month", enabledLayouts: (layouts.enabledLayouts ?? []).map((l) => LAYOUT_TO_API[l] ?? "month") },
    }),
    confirmationPolicy: confirmationPolicy(e, threshold),
    requiresBookerEmailVerification: e.requiresBookerEmailVerification ?? false,
    hideCalendarNotes: e.hideCalendarNotes ?? false,
    ...(color?.lightEventTypeColor && { color: { lightThemeHex: color.lightEventTypeColor, darkThemeHex: color.darkEventTypeColor ?? "" } }),
    seats:
      e.seatsPerTimeSlot == null
        ? { disabled: true }
        : { seatsPerTimeSlot: e.seatsPerTimeSlot, showAttendeeInfo: e.seatsShowAttendees ?? false, showAvailabilityCount: e.seatsShowAvailabilityCount ?? true },
    ...(e.eventName != null && { customName: e.eventName }),
    ...(destination && { destinationCalendar: { integration: destination.integration, externalId: destination.externalId } }),
    useDestinationCalendarEmail: extra(e, "useEventTypeDestinationCalendarEmail", false),
    hideCalendarEventDetails: e.hideCalendarEventDetails ?? false,
    hideOrganizerEmail: e.hideOrganizerEmail ?? false,
    // The transcription-emails column defaults to true, so Cal.com always sends this object.
    calVideoSettings: { ...(calVideo ?? {}), sendTranscriptionEmails: extra(e, "canSendCalVideoTranscriptionEmails", true) },
    hidden: e.hidden ?? false,
    bookingRequiresAuthentication: e.bookingRequiresAuthentication ?? false,
    bookerActiveBookingsLimit:
      maxActive == null && !offerReschedule
        ? { disabled: true }
        : { ...(maxActive != null && { maximumActiveBookings: maxActive }), ...(offerReschedule != null && { offerReschedule }) },
    bookingUrl: bookingUrl(store, users[0], e.slug),
    disableCancelling: { disabled: e.disableCancelling === true },
    disableRescheduling:
      e.disableRescheduling === true ? { disabled: true } : rescheduleNotice && rescheduleNotice > 0 ? { disabled: false, minutesBefore: rescheduleNotice } : { disabled: false },
    interfaceLanguage: extra<string | null>(e, "interfaceLanguage", null),
    allowReschedulingPastBookings: e.allowReschedulingPastBookings ?? false,
    allowReschedulingCancelledBookings: extra<boolean | null>(e, "allowReschedulingCancelledBookings", false),
    showOptimizedSlots: extra<boolean | null>(e, "showOptimizedSlots", false),
  };
}

/** A personal event type (or any event type read through a personal route) in the 2024-06-14 shape. */
export function toEventTypeOutput(store: Store, e: EventType, ownerId = e.userId ?? 0): EventTypeOutput {
  const { id, ...rest } = commonOutput(store, e, false, eventTypeUsers(store, e));
  return { id, ownerId, ...rest };
}

/** Cal.com's names for the priorities 0-4 of round-robin hosts. */
export const PRIORITIES = ["lowest", "low", "medium", "high", "highest"] as const;

/** Managed copies of a team's event type: the personal event types of the team's members whose parentId names it. */
export function managedChildren(store: Store, parent: EventType): EventType[] {
  if (parent.teamId == null) return [];
  const children: EventType[] = [];
  for (const userId of store.userIdsByTeam.get(parent.teamId) ?? []) {
    for (const e of store.eventTypesByOwner.get(userId)?.values() ?? []) if (e.parentId === parent.id) children.push(e);
  }
  return children.sort((a, b) => a.id - b.id);
}

function hostOutput(store: Store, userId: number, roundRobin: Host | undefined): TeamEventTypeOutput["hosts"][number] {
  const u = store.get("users", userId);
  return {
    userId,
    name: u?.name || "",
    username: u?.username || "",
    ...(roundRobin && { mandatory: roundRobin.isFixed === true, priority: PRIORITIES[roundRobin.priority ?? 2] ?? "medium" }),
    avatarUrl: u?.avatarUrl ?? null,
  };
}

function hostsOutput(store: Store, e: EventType, hostsLimit?: number): TeamEventTypeOutput["hosts"] {
  if (e.schedulingType === "MANAGED") return managedChildren(store, e).flatMap((c) => (c.userId != null ? [hostOutput(store, c.userId, undefined)] : []));
  if (!e.schedulingType) return [];
  const hosts = hostsLimit === undefined ? (e.hosts ?? []) : (e.hosts ?? []).slice(0, hostsLimit);
  return hosts.map((h) => hostOutput(store, h.userId, e.schedulingType === "ROUND_ROBIN" ? h : undefined));
}

const SCHEDULING_TYPES = { COLLECTIVE: "collective", ROUND_ROBIN: "roundRobin", MANAGED: "managed" } as const;

export interface TeamOutputOptions {
  /** Whether Cal.com read the event type with its team (the team lists do; one event type, create and update do not). */
  withTeam?: boolean;
  /** At most this many hosts (the `hostsLimit` of the slug lookup). */
  hostsLimit?: number;
}

/** A team event type, or a managed event type's per-member copy, as Cal.com's team output service answers it. */
export function toTeamEventTypeOutput(store: Store, e: EventType, options: TeamOutputOptions = {}): TeamEventTypeOutput {
  const { users: _users, ...rest } = commonOutput(store, e, true, eventTypeUsers(store, e));
  const team = e.teamId != null ? store.get("teams", e.teamId) : undefined;
  const disabledEmails = (e.metadata?.disableStandardEmails as { all?: { attendee?: boolean; host?: boolean } } | undefined)?.all;
  return {
    ...rest,
    hosts: hostsOutput(store, e, options.hostsLimit),
    teamId: e.teamId,
    ownerId: e.userId,
    parentEventTypeId: e.parentId ?? null,
    schedulingType: e.schedulingType ? SCHEDULING_TYPES[e.schedulingType] : null,
    ...(e.teamId != null && { assignAllTeamMembers: e.assignAllTeamMembers ?? false }),
    ...(disabledEmails && (disabledEmails.attendee !== undefined || disabledEmails.host !== undefined) && {
      emailSettings: { disableEmailsToAttendees: disabledEmails.attendee ?? false, disableEmailsToHosts: disabledEmails.host ?? false },
    }),
    team:
      options.withTeam && team
        ? {
            id: team.id,
            name: team.name,
            slug: team.slug,
            bannerUrl: team.bannerUrl ?? null,
            logoUrl: team.logoUrl ?? null,
            weekStart: team.weekStart ?? "Sunday",
            brandColor: team.brandColor ?? null,
            darkBrandColor: team.darkBrandColor ?? null,
            theme: team.theme ?? null,
          }
        : { id: e.teamId },
    rescheduleWithSameRoundRobinHost: extra(e, "rescheduleWithSameRoundRobinHost", false),
    rrHostSubsetEnabled: extra(e, "rrHostSubsetEnabled", false),
  };
}

/** What the list of GET /v2/event-types answers: booking fields marked hidden are left out of every item. */
export function withoutHiddenFields<T extends { bookingFields: BookingFieldOutput[] }>(output: T): T {
  return { ...output, bookingFields: output.bookingFields.filter((f) => !("hidden" in f && f.hidden === true)) };
}
