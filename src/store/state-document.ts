import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import formatsModule from "ajv-formats";
import { badRequest } from "../errors.js";
import { schedulingProblems } from "./scheduling-document.js";
import { OPTIONAL_COLLECTIONS, type State } from "./schema.js";

export const STATE_SCHEMA_PATH = fileURLToPath(new URL("../../spec/state.schema.json", import.meta.url));

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    formatsModule.default(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(STATE_SCHEMA_PATH, "utf8")) as object);
  }
  return compiled;
}

const MAX_LISTED = 20;

/**
 * Checks a whole state document: its shape against spec/state.schema.json, then what a schema cannot say:
 * unique ids and keys, and no dangling reference between collections. Answers the problems, or none.
 */
export function stateProblems(doc: unknown): string[] {
  const validate = schemaValidator();
  if (!validate(doc)) {
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
  }
  const state = doc as State;
  const problems: string[] = [];
  const unique = <T>(collection: string, rows: T[], key: (row: T) => unknown, what = "id") => {
    const seen = new Set<unknown>();
    rows.forEach((row, i) => {
      const k = key(row);
      if (seen.has(k)) problems.push(`/${collection}/${i}: duplicate ${what} ${JSON.stringify(k)}`);
      seen.add(k);
    });
  };
  unique("organizations", state.organizations, (r) => r.id);
  unique("teams", state.teams, (r) => r.id);
  unique("users", state.users, (r) => r.id);
  unique("memberships", state.memberships, (r) => r.id);
  unique("memberships", state.memberships, (r) => `${r.teamId}:${r.userId}`, "(teamId, userId)");
  unique("attributes", state.attributes, (r) => r.id);
  unique("attributes", state.attributes, (r) => `${r.teamId}:${r.slug}`, "(teamId, slug)");
  unique("attributeOptions", state.attributeOptions, (r) => r.id);
  unique("attributeAssignments", state.attributeAssignments, (r) => r.id);
  unique("attributeAssignments", state.attributeAssignments, (r) => `${r.memberId}:${r.attributeOptionId}`, "(memberId, attributeOptionId)");
  unique("users", state.users, (r) => r.email, "email");
  unique("profiles", state.profiles ?? [], (r) => r.id);
  unique("profiles", state.profiles ?? [], (r) => `${r.organizationId}:${r.userId}`, "(organizationId, userId)");
  unique("profiles", state.profiles ?? [], (r) => `${r.organizationId}:${r.username}`, "(organizationId, username)");
  unique("apiKeys", state.apiKeys, (r) => r.id);
  unique("apiKeys", state.apiKeys, (r) => r.key, "key");

  const orgIds = new Set(state.organizations.map((o) => o.id));
  const teamIds = new Set(state.teams.map((t) => t.id));
  const userIds = new Set(state.users.map((u) => u.id));
  const memberships = new Map(state.memberships.map((m) => [m.id, m]));
  const attributes = new Map(state.attributes.map((a) => [a.id, a]));
  const options = new Map(state.attributeOptions.map((o) => [o.id, o]));
  const dangling = (where: string, field: string, value: unknown, target: string) =>
    problems.push(`${where}: ${field} ${JSON.stringify(value)} does not name an existing ${target}`);

  state.teams.forEach((t, i) => {
    if (orgIds.has(t.id)) problems.push(`/teams/${i}: id ${t.id} is also an organization's id (they share one id space)`);
    if (t.parentId !== null && !orgIds.has(t.parentId)) dangling(`/teams/${i}`, "parentId", t.parentId, "organization");
  });
  state.memberships.forEach((m, i) => {
    if (!userIds.has(m.userId)) dangling(`/memberships/${i}`, "userId", m.userId, "user");
    if (!orgIds.has(m.teamId) && !teamIds.has(m.teamId)) dangling(`/memberships/${i}`, "teamId", m.teamId, "organization or team");
  });
  state.users.forEach((u, i) => {
    if (u.organizationId != null && !orgIds.has(u.organizationId)) dangling(`/users/${i}`, "organizationId", u.organizationId, "organization");
  });
  (state.profiles ?? []).forEach((p, i) => {
    if (!userIds.has(p.userId)) dangling(`/profiles/${i}`, "userId", p.userId, "user");
    if (!orgIds.has(p.organizationId)) dangling(`/profiles/${i}`, "organizationId", p.organizationId, "organization");
  });
  state.attributes.forEach((a, i) => {
    if (!orgIds.has(a.teamId)) dangling(`/attributes/${i}`, "teamId", a.teamId, "organization");
  });
  state.attributeOptions.forEach((o, i) => {
    if (!attributes.has(o.attributeId)) dangling(`/attributeOptions/${i}`, "attributeId", o.attributeId, "attribute");
  });
  state.attributeAssignments.forEach((a, i) => {
    const membership = memberships.get(a.memberId);
    const option = options.get(a.attributeOptionId);
    if (!membership) dangling(`/attributeAssignments/${i}`, "memberId", a.memberId, "membership");
    if (!option) dangling(`/attributeAssignments/${i}`, "attributeOptionId", a.attributeOptionId, "attribute option");
    const attribute = option && attributes.get(option.attributeId);
    if (membership && attribute && membership.teamId !== attribute.teamId) {
      problems.push(`/attributeAssignments/${i}: memberId ${a.memberId} is not a membership of the organization (${attribute.teamId}) that owns option ${option.id}`);
    }
  });
  state.apiKeys.forEach((k, i) => {
    if (!userIds.has(k.userId)) dangling(`/apiKeys/${i}`, "userId", k.userId, "user");
  });
  (state.assignmentHistory ?? []).forEach((h, i) => {
    if (!memberships.has(h.memberId)) dangling(`/assignmentHistory/${i}`, "memberId", h.memberId, "membership");
  });
  problems.push(...schedulingProblems(state, { orgIds, teamIds, userIds }));
  return problems;
}

/**
 * The state document inside what GET /__admin/state answers (`{"status":"success","data":<state>}`), or the
 * document itself when it is bare: either may be given back, so a saved answer loads as it is.
 */
export function unwrapStateEnvelope(doc: unknown): unknown {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return doc;
  const { status, data, ...rest } = doc as Record<string, unknown>;
  // A bare state document has no `status`; anything else beside status and data is left for the schema to refuse.
  return status === "success" && data !== undefined && Object.keys(rest).length === 0 ? data : doc;
}

/**
 * Validates a state document, bare or in the control API's envelope, and fills in what may be left out; throws a
 * 400 naming the problems.
 */
export function parseStateDocument(given: unknown, fallbackMeta: State["meta"], source = "state document"): State {
  const doc = unwrapStateEnvelope(given);
  const problems = stateProblems(doc);
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join("; ");
    const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : "";
    throw badRequest(`Invalid ${source}: ${listed}${more}`);
  }
  const state = doc as State;
  const filled = { ...state, meta: state.meta ?? fallbackMeta };
  for (const collection of OPTIONAL_COLLECTIONS) (filled as Record<string, unknown>)[collection] = state[collection] ?? [];
  return filled;
}
