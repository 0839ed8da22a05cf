/**
 * The records the store holds, named and shaped as Cal.com's data model names them. These are storage rows,
 * not API outputs (those come from spec/calcom.openapi.json). Their types are generated from
 * spec/state.schema.json, the schema PUT /__admin/state validates against, so the two cannot drift.
 */
import type {
  ApiKey,
  AssignmentHistoryEntry,
  Attribute,
  AttributeAssignment,
  AttributeOption,
  Booking,
  EventType,
  Membership,
  Organization,
  Profile,
  Schedule,
  SelectedSlot,
  StateDocument,
  Team,
  User,
} from "./state-types.gen.js";

export type {
  ApiKey,
  AssignmentHistoryEntry,
  Attribute,
  AttributeAssignment,
  AttributeOption,
  AttributeType,
  Attendee,
  AvailabilityRule,
  Booking,
  BookingSeat,
  DateOverride,
  EventType,
  HistoryChange,
  Host,
  PeriodLimits,
  RecurringEvent,
  Schedule,
  SelectedSlot,
  HistoryValue,
  Membership,
  Metadata,
  Organization,
  Profile,
  Role,
  StateMeta,
  Team,
  User,
} from "./state-types.gen.js";

/** The whole store as one JSON document, with what a loaded document may leave out filled in. */
export type State = StateDocument &
  Required<Pick<StateDocument, "meta" | "assignmentHistory" | "profiles" | "schedules" | "eventTypes" | "bookings" | "selectedSlots">>;

/** The collections a state document may leave out (older documents have none of them): each is empty then. */
export const OPTIONAL_COLLECTIONS = ["assignmentHistory", "profiles", "schedules", "eventTypes", "bookings", "selectedSlots"] as const;

export interface Rows {
  organizations: Organization;
  teams: Team;
  users: User;
  memberships: Membership;
  profiles: Profile;
  attributes: Attribute;
  attributeOptions: AttributeOption;
  attributeAssignments: AttributeAssignment;
  apiKeys: ApiKey;
  assignmentHistory: AssignmentHistoryEntry;
  schedules: Schedule;
  eventTypes: EventType;
  bookings: Booking;
  selectedSlots: SelectedSlot;
}

export type CollectionName = keyof Rows;

export const COLLECTIONS: readonly CollectionName[] = [
  "organizations",
  "teams",
  "users",
  "memberships",
  "profiles",
  "attributes",
  "attributeOptions",
  "attributeAssignments",
  "apiKeys",
  "assignmentHistory",
  "schedules",
  "eventTypes",
  "bookings",
  "selectedSlots",
];

/** One change to one row; a transaction is a list of these, and the write-ahead journal stores them. */
export type Change =
  | { [C in CollectionName]: { op: "put"; collection: C; row: Rows[C] } }[CollectionName]
  | { op: "del"; collection: CollectionName; id: Rows[CollectionName]["id"] };
