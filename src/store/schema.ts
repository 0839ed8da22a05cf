/**
 * The records the store holds, named and shaped as Cal.com's data model names them. These are storage rows,
 * not API outputs: the outputs come from spec/ (see src/contract/spec-types.gen.ts). The JSON Schema of the
 * whole state document is spec/state.schema.json; a test checks that seeded state matches it.
 */
export type Role = "MEMBER" | "ADMIN" | "OWNER";
export type AttributeType = "TEXT" | "NUMBER" | "SINGLE_SELECT" | "MULTI_SELECT" | "USER_RELATIONSHIP";

export interface Organization {
  id: number;
  name: string;
  slug: string;
  isOrganization: true;
}

export interface Team {
  id: number;
  name: string;
  slug: string;
  /** The organization the team belongs to. */
  parentId: number;
}

export interface User {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface Membership {
  id: number;
  userId: number;
  /** An organization's id (org membership) or a team's id. */
  teamId: number;
  role: Role;
  accepted: boolean;
}

export interface Attribute {
  id: string;
  /** The organization that owns the attribute. */
  teamId: number;
  type: AttributeType;
  name: string;
  slug: string;
  enabled: boolean;
  usersCanEditRelation: boolean;
}

export interface AttributeOption {
  id: string;
  attributeId: string;
  value: string;
  slug: string;
}

export interface AttributeAssignment {
  id: string;
  /** The org membership id, not the user id: Cal.com's AttributeToUser points at the membership. */
  memberId: number;
  attributeOptionId: string;
  weight: number | null;
}

export interface ApiKey {
  id: string;
  key: string;
  userId: number;
  note: string;
}

export interface HistoryValue {
  optionId: string;
  optionSlug: string;
  value: string;
  weight?: number | null;
}

export interface HistoryChange {
  type: "ASSIGNED" | "UNASSIGNED" | "VALUE_CHANGED" | "WEIGHT_CHANGED";
  attribute: { id: string; slug: string; name: string; type: AttributeType };
  previous?: HistoryValue | null;
  current?: HistoryValue | null;
}

/** One audit-log entry of an assignment change made through the API. */
export interface AssignmentHistoryEntry {
  id: string;
  memberId: number;
  timestamp: string;
  source: "API_V2";
  actor: { type: "USER"; displayName: string; displayEmail: string | null; displayAvatar: string | null };
  sourceContext: Record<string, unknown>;
  changes: HistoryChange[];
}

export interface StateMeta {
  seed: number;
  scenario: string;
}

/** The whole store as one JSON document: what the file holds and what GET /__admin/state answers. */
export interface State {
  meta: StateMeta;
  organizations: Organization[];
  teams: Team[];
  users: User[];
  memberships: Membership[];
  attributes: Attribute[];
  attributeOptions: AttributeOption[];
  attributeAssignments: AttributeAssignment[];
  apiKeys: ApiKey[];
  assignmentHistory: AssignmentHistoryEntry[];
}

export interface Rows {
  organizations: Organization;
  teams: Team;
  users: User;
  memberships: Membership;
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
