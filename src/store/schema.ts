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
  Membership,
  Organization,
  Profile,
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
  HistoryChange,
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
export type State = StateDocument & Required<Pick<StateDocument, "meta" | "assignmentHistory" | "profiles">>;

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
];

/** One change to one row; a transaction is a list of these, and the write-ahead journal stores them. */
export type Change =
  | { [C in CollectionName]: { op: "put"; collection: C; row: Rows[C] } }[CollectionName]
  | { op: "del"; collection: CollectionName; id: Rows[CollectionName]["id"] };
