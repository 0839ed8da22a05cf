/* Generated from spec/state.schema.json by json-schema-to-typescript (npm run gen:types). Do not edit. */

export type IntId = number;
/**
 * A platform organization's billing: it passes the platform-plan guard with a subscription on plan ESSENTIALS or higher.
 */
export type PlatformBilling = {
  plan: "none" | "FREE" | "STARTER" | "ESSENTIALS" | "SCALE" | "ENTERPRISE";
  subscriptionId?: string | null;
} | null;
/**
 * Cal.com's OrganizationSettings row. Left out, the organization has one; null, it has none, and the admin-API guard refuses the organization routes of the directory (Cal.com tests the row's presence, not its isAdminAPIEnabled flag).
 */
export type OrganizationSettings = {
  isAdminAPIEnabled?: boolean;
  /**
   * The e-mail domain ("acme.example") whose users are added to the organization's teams accepted, whatever the request says; only while isOrganizationVerified is true.
   */
  orgAutoAcceptEmail?: string | null;
  /**
   * Default false: no auto-accept by e-mail domain.
   */
  isOrganizationVerified?: boolean;
} | null;
export type Metadata = {
  [k: string]: unknown;
} | null;
export type Role = "MEMBER" | "ADMIN" | "OWNER";
/**
 * Ids of attributes, options and assignments: UUIDs (v4 form) as Cal.com's @default(uuid()) makes them; any other non-empty string is accepted in loaded states.
 */
export type Uuid = string;
export type AttributeType = "TEXT" | "NUMBER" | "SINGLE_SELECT" | "MULTI_SELECT" | "USER_RELATIONSHIP";
/**
 * A wall-clock time HH:MM in the schedule's time zone; 23:59 as an end means midnight, as in Cal.com.
 */
export type ZonedTime = string;
export type PeriodLimits = {
  PER_DAY?: number;
  PER_WEEK?: number;
  PER_MONTH?: number;
  PER_YEAR?: number;
} | null;
export type RecurringEvent = {
  /**
   * rrule's Frequency: 0 yearly, 1 monthly, 2 weekly, 3 daily.
   */
  freq: number;
  count: number;
  interval: number;
} | null;

/**
 * The whole store of calcom-mock as one JSON document: the data of what GET /__admin/state answers (in the control API envelope), what PUT /__admin/state and a scenario file given to --scenario may hold (bare or in that envelope), and what the JSON file of the file store contains. Field names follow Cal.com's data model. References between collections (a team's parentId, a membership's userId and teamId, an option's attributeId, an assignment's memberId and attributeOptionId, an API key's userId, a profile's userId and organizationId), an event type's userId, teamId, hosts and scheduleId, a schedule's userId, a booking's userId and eventTypeId, a reservation's eventTypeId and userId are checked beyond this schema: a dangling one is refused.
 */
export interface StateDocument {
  meta?: StateMeta;
  organizations: Organization[];
  teams: Team[];
  users: User[];
  memberships: Membership[];
  /**
   * A user's profile in an organization. Cal.com lists an organization's users by profile (not by membership); POST /organizations/{orgId}/users creates one, DELETE of the user removes it.
   */
  profiles?: Profile[];
  attributes: Attribute[];
  attributeOptions: AttributeOption[];
  attributeAssignments: AttributeAssignment[];
  apiKeys: ApiKey[];
  assignmentHistory?: AssignmentHistoryEntry[];
  schedules?: Schedule[];
  eventTypes?: EventType[];
  bookings?: Booking[];
  selectedSlots?: SelectedSlot[];
}
export interface StateMeta {
  seed: number;
  scenario: string;
}
export interface Organization {
  id: IntId;
  name: string;
  slug: string;
  isOrganization: true;
  /**
   * A platform organization: the platform-plan guard applies to it, the admin-API guard does not. Default false.
   */
  isPlatform?: boolean;
  platformBilling?: PlatformBilling;
  organizationSettings?: OrganizationSettings;
}
export interface Team {
  id: IntId;
  name: string;
  slug: string | null;
  /**
   * The organization the team belongs to; null for a standalone team.
   */
  parentId: IntId | null;
  logoUrl?: string | null;
  calVideoLogo?: string | null;
  appLogo?: string | null;
  appIconLogo?: string | null;
  bio?: string | null;
  theme?: string | null;
  brandColor?: string | null;
  darkBrandColor?: string | null;
  bannerUrl?: string | null;
  bookingLimits?: string | null;
  hideBranding?: boolean;
  isPrivate?: boolean;
  hideBookATeamMember?: boolean;
  includeManagedEventsInLimits?: boolean;
  metadata?: Metadata;
  timeFormat?: number | null;
  /**
   * Cal.com's default is Europe/London.
   */
  timeZone?: string;
  /**
   * Cal.com's default is Sunday.
   */
  weekStart?: string;
}
export interface User {
  id: IntId;
  username: string;
  /**
   * Users created through POST /organizations/{orgId}/users have none.
   */
  name: string | null;
  email: string;
  /**
   * ADMIN is a system admin, who passes every role check. Default USER.
   */
  role?: "USER" | "ADMIN";
  /**
   * Cal.com's deprecated mirror of the user's organization (still read by PATCH/DELETE /organizations/{orgId}/users and GET /me).
   */
  organizationId?: IntId | null;
  emailVerified?: string | null;
  bio?: string | null;
  avatarUrl?: string | null;
  appTheme?: string | null;
  theme?: string | null;
  locale?: string | null;
  brandColor?: string | null;
  darkBrandColor?: string | null;
  /**
   * Cal.com's default is Europe/London.
   */
  timeZone?: string;
  /**
   * Cal.com's default is Sunday.
   */
  weekStart?: string;
  /**
   * Cal.com's default is 12.
   */
  timeFormat?: number | null;
  defaultScheduleId?: number | null;
  hideBranding?: boolean;
  allowDynamicBooking?: boolean | null;
  verified?: boolean | null;
  /**
   * A managed user of a platform OAuth client. PATCH /v2/me applies its e-mail change at once; other users' changes wait for verification. Default false.
   */
  isPlatformManaged?: boolean;
  invitedTo?: number | null;
  createdDate?: string;
  metadata?: Metadata;
}
export interface Membership {
  id: IntId;
  userId: IntId;
  /**
   * An organization's id (org membership) or a team's id.
   */
  teamId: number;
  role: Role;
  accepted: boolean;
  /**
   * Default false.
   */
  disableImpersonation?: boolean;
}
export interface Profile {
  id: IntId;
  userId: IntId;
  organizationId: IntId;
  /**
   * Unique within the organization.
   */
  username: string;
}
export interface Attribute {
  id: Uuid;
  /**
   * The organization that owns the attribute.
   */
  teamId: number;
  type: AttributeType;
  name: string;
  slug: string;
  enabled: boolean;
  usersCanEditRelation: boolean;
  createdAt: string;
  updatedAt: string;
  isWeightsEnabled: boolean;
  isLocked: boolean;
}
export interface AttributeOption {
  id: Uuid;
  attributeId: Uuid;
  value: string;
  /**
   * slugify(value) for options made from an assigned value, which may be empty ("!!!"); not unique within the attribute, as in Cal.com.
   */
  slug: string;
  isGroup: boolean;
  contains: string[];
}
export interface AttributeAssignment {
  id: Uuid;
  /**
   * The org membership's id (not the user's).
   */
  memberId: number;
  attributeOptionId: Uuid;
  weight: number | null;
  createdAt: string;
  /**
   * The user who made the assignment through the API; null for seeded ones.
   */
  createdById: IntId | null;
  createdByDSyncId: string | null;
  updatedAt: string | null;
  updatedById: IntId | null;
  updatedByDSyncId: string | null;
}
export interface ApiKey {
  id: string;
  key: string;
  userId: IntId;
  note: string;
}
export interface AssignmentHistoryEntry {
  id: string;
  memberId: IntId;
  timestamp: string;
  source: "API_V2";
  actor: HistoryActor;
  sourceContext: {
    [k: string]: unknown;
  };
  changes: HistoryChange[];
}
export interface HistoryActor {
  type: "USER";
  displayName: string;
  displayEmail: string | null;
  displayAvatar: string | null;
}
export interface HistoryChange {
  type: "ASSIGNED" | "UNASSIGNED" | "VALUE_CHANGED" | "WEIGHT_CHANGED";
  attribute: {
    id: string;
    slug: string;
    name: string;
    type: string;
  };
  previous?: HistoryValue | null;
  current?: HistoryValue | null;
}
export interface HistoryValue {
  optionId: string;
  optionSlug: string;
  value: string;
  weight?: number | null;
}
/**
 * Cal.com's Schedule with its Availability rows inside: rows with days are working hours, rows with a date are date overrides. A user's default is the one their defaultScheduleId names.
 */
export interface Schedule {
  id: IntId;
  userId: IntId;
  name: string;
  /**
   * IANA zone; null is shown as Europe/London, as Cal.com does.
   */
  timeZone: string | null;
  availability: AvailabilityRule[];
  overrides: DateOverride[];
}
export interface AvailabilityRule {
  /**
   * Weekdays, 0 = Sunday, as Cal.com stores them.
   */
  days: number[];
  startTime: ZonedTime;
  endTime: ZonedTime;
}
export interface DateOverride {
  /**
   * The date in the schedule's time zone; its ranges replace that day's working hours (start = end: unavailable).
   */
  date: string;
  startTime: ZonedTime;
  endTime: ZonedTime;
}
/**
 * Cal.com's EventType columns. A personal event type has userId (its owner and only host); a team event type has teamId, a schedulingType and hosts (users with an accepted membership of the team). Columns left out take Cal.com's defaults, named on each. bookingLimits caps the ACCEPTED bookings per period (bookingLimitsCount), durationLimits the booked minutes (bookingLimitsDuration); metadata holds requiresConfirmationThreshold {time, unit}, multipleDuration [minutes] and bookerLayouts, as in Cal.com.
 */
export interface EventType {
  id: IntId;
  title: string;
  slug: string;
  description?: string | null;
  /**
   * Minutes.
   */
  length: number;
  /**
   * The owner of a personal event type (null for a team's).
   */
  userId: IntId | null;
  /**
   * The team of a team event type.
   */
  teamId: IntId | null;
  /**
   * A managed event type's parent (the team's MANAGED event type).
   */
  parentId?: IntId | null;
  /**
   * Team event types only.
   */
  schedulingType?: "COLLECTIVE" | "ROUND_ROBIN" | "MANAGED" | null;
  /**
   * Team event types' hosts. Default none.
   */
  hosts?: Host[];
  assignAllTeamMembers?: boolean;
  hidden?: boolean;
  position?: number;
  /**
   * As the 2024-06-14 API shapes them ({type: 'integration', integration: 'cal-video'}, {type: 'address', address}, …). Default: Cal Video.
   */
  locations?: {
    [k: string]: unknown;
  }[];
  /**
   * As the API shapes them; null or left out: Cal.com's system set (name, email, location, title, notes, guests, rescheduleReason).
   */
  bookingFields?:
    | {
        [k: string]: unknown;
      }[]
    | null;
  /**
   * Minutes between slot starts; null steps by the length.
   */
  slotInterval?: number | null;
  /**
   * Minutes. Default 120.
   */
  minimumBookingNotice?: number;
  beforeEventBuffer?: number;
  afterEventBuffer?: number;
  offsetStart?: number;
  bookingLimits?: PeriodLimits;
  durationLimits?: PeriodLimits;
  /**
   * The booking window. Default UNLIMITED.
   */
  periodType?: "UNLIMITED" | "ROLLING" | "ROLLING_WINDOW" | "RANGE";
  periodDays?: number | null;
  periodCountCalendarDays?: boolean | null;
  periodStartDate?: string | null;
  periodEndDate?: string | null;
  seatsPerTimeSlot?: number | null;
  seatsShowAttendees?: boolean;
  seatsShowAvailabilityCount?: boolean;
  requiresConfirmation?: boolean;
  /**
   * An unconfirmed (PENDING) booking blocks its slot (confirmationPolicy.blockUnconfirmedBookingsInBooker).
   */
  requiresConfirmationWillBlockSlot?: boolean;
  recurringEvent?: RecurringEvent;
  /**
   * The schedule used for slots; null: each host's (the owner's) default.
   */
  scheduleId?: IntId | null;
  timeZone?: string | null;
  metadata?: Metadata;
  eventName?: string | null;
  disableGuests?: boolean;
  lockTimeZoneToggleOnBookingPage?: boolean;
  onlyShowFirstAvailableSlot?: boolean;
  requiresBookerEmailVerification?: boolean;
  hideCalendarNotes?: boolean;
  hideCalendarEventDetails?: boolean;
  hideOrganizerEmail?: boolean;
  bookingRequiresAuthentication?: boolean;
  isInstantEvent?: boolean;
  disableCancelling?: boolean;
  disableRescheduling?: boolean;
  allowReschedulingPastBookings?: boolean;
  allowReschedulingCancelledBookings?: boolean;
  price?: number;
  currency?: string;
  successRedirectUrl?: string | null;
  forwardParamsSuccessRedirect?: boolean | null;
  eventTypeColor?: {
    [k: string]: unknown;
  } | null;
  /**
   * API fields of the event type with no column here (destinationCalendar, calVideoSettings, …), kept as sent.
   */
  extra?: {
    [k: string]: unknown;
  };
}
export interface Host {
  userId: IntId;
  /**
   * A mandatory host of a round-robin event type. Default false.
   */
  isFixed?: boolean;
  /**
   * 0 lowest … 4 highest; Cal.com's default is 2 (medium).
   */
  priority?: number | null;
  weight?: number | null;
  /**
   * The host's own schedule for this event type.
   */
  scheduleId?: IntId | null;
}
/**
 * Cal.com's Booking with its Attendee and BookingSeat rows inside. userId is the organizer (the host); other hosts of a collective booking are attendees with their own e-mails. A rescheduled booking is CANCELLED with rescheduled true, and the booking that replaced it names it in fromReschedule. responses holds the booking-field answers (name, email, guests, location, notes, rescheduledReason, …).
 */
export interface Booking {
  id: IntId;
  uid: string;
  /**
   * The organizer.
   */
  userId: IntId | null;
  /**
   * null once its event type is deleted, as in Cal.com.
   */
  eventTypeId: IntId | null;
  title: string;
  description?: string | null;
  startTime: string;
  endTime: string;
  status: "ACCEPTED" | "PENDING" | "CANCELLED" | "REJECTED" | "AWAITING_HOST";
  attendees: Attendee[];
  responses?: Metadata;
  location?: string | null;
  metadata?: Metadata;
  createdAt: string;
  updatedAt?: string | null;
  cancellationReason?: string | null;
  rejectionReason?: string | null;
  /**
   * E-mail of who cancelled.
   */
  cancelledBy?: string | null;
  /**
   * This booking was rescheduled to another (rescheduledToUid: the booking whose fromReschedule is this uid).
   */
  rescheduled?: boolean | null;
  /**
   * The uid of the booking this one replaced (rescheduledFromUid).
   */
  fromReschedule?: string | null;
  rescheduledBy?: string | null;
  /**
   * The recurringBookingUid all occurrences of a recurring booking share.
   */
  recurringEventId?: string | null;
  noShowHost?: boolean;
  seatsReferences?: BookingSeat[];
  iCalUID?: string | null;
  iCalSequence?: number;
  rating?: number | null;
  reassignReason?: string | null;
  reassignById?: IntId | null;
  smsReminderNumber?: string | null;
}
export interface Attendee {
  id: IntId;
  email: string;
  name: string;
  timeZone: string;
  phoneNumber?: string | null;
  /**
   * Default en.
   */
  locale?: string | null;
  /**
   * Marked absent.
   */
  noShow?: boolean;
}
export interface BookingSeat {
  referenceUid: string;
  attendeeId: IntId;
  data?: Metadata;
  metadata?: Metadata;
}
/**
 * Cal.com's SelectedSlots: a slot reservation, which hides the slot from other bookers until releaseAt. Several rows may share a uid.
 */
export interface SelectedSlot {
  id: IntId;
  uid: string;
  eventTypeId: IntId;
  userId: IntId;
  /**
   * The authenticated user who reserved it, if any.
   */
  reservedByUserId?: IntId | null;
  slotUtcStartDate: string;
  slotUtcEndDate: string;
  releaseAt: string;
  isSeat?: boolean;
}
