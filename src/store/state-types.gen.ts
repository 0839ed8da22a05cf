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
 * The whole store of calcom-mock as one JSON document: the data of what GET /__admin/state answers (in the control API envelope), what PUT /__admin/state and a scenario file given to --scenario may hold (bare or in that envelope), and what the JSON file of the file store contains. Field names follow Cal.com's data model. References between collections (a team's parentId, a membership's userId and teamId, an option's attributeId, an assignment's memberId and attributeOptionId, an API key's userId, a profile's userId and organizationId) are checked beyond this schema: a dangling one is refused.
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
