import type { HttpError } from "../errors.js";
import { keyHolders } from "../store/keys.js";
import type { Store } from "../store/store.js";
import { bearerToken, callerText, type CallerDirectory } from "./caller.js";

/** What the hints of a refusal look at: the request's credentials and organization, and the store it met. */
export interface RefusalContext {
  store: Store;
  callers: CallerDirectory;
  authorization: string | undefined;
  /** The path's orgId as sent, on the /organizations/{orgId}/... routes. */
  orgId: string | undefined;
}

/** A few keys of the state, with their users' roles, for a hint: `cal_test_mock_admin_key (user 2, ADMIN of org 1)`. */
function someKeys(store: Store, orgId?: number): string {
  const holders = keyHolders(store).filter((k) => orgId === undefined || k.orgIds.includes(orgId));
  const listed = holders.slice(0, 4).map((k) => `${k.key} (user ${k.userId}${k.orgIds.length ? `, org ${k.orgIds.join(",")}` : ""})`);
  if (listed.length === 0) return "this state has no API keys (PUT /__admin/state with apiKeys, or POST /__admin/reset)";
  return `keys of this state: ${listed.join(", ")}${holders.length > 4 ? ` and ${holders.length - 4} more (GET /__admin/state)` : ""}`;
}

/**
 * The mock's explanation of a 401 or 403 that matches Cal.com but leaves a newcomer guessing: it goes in the
 * diagnostics header, the journal and the console line, never in Cal.com's body. Undefined when the answer says
 * enough by itself.
 */
export function explainRefusal(err: HttpError, ctx: RefusalContext): string | undefined {
  const { store, authorization } = ctx;
  if (err.status === 401) {
    if (authorization === undefined) return `no Authorization header: send Authorization: Bearer <key>; ${someKeys(store)}`;
    const scheme = /^(\S+)\s/.exec(authorization)?.[1];
    if (scheme && scheme !== "Bearer" && scheme.toLowerCase() === "bearer") {
      return `the Authorization scheme is "${scheme}": Cal.com reads only "Bearer " with a capital B, so the whole header was taken as the token`;
    }
    const token = bearerToken(authorization);
    if (token === undefined) return `Authorization must be "Bearer <key>"; ${someKeys(store)}`;
    if (!token.startsWith("cal_")) return `"${token.slice(0, 12)}…" is not an API key (they start with cal_) and the mock issues no OAuth tokens; ${someKeys(store)}`;
    if (!store.apiKeyByKey.has(token)) return `the state served (scenario ${store.meta.scenario}) has no such key; ${someKeys(store)}`;
    return undefined;
  }
  if (err.status !== 403) return undefined;
  const orgId = ctx.orgId !== undefined && /^\d+$/.test(ctx.orgId) ? Number(ctx.orgId) : undefined;
  if (orgId !== undefined && !store.get("organizations", orgId)) {
    const orgs = [...store.rows.organizations.values()].slice(0, 5).map((o) => `${o.id} (${o.name})`);
    return `organization ${orgId} does not exist in this state (Cal.com answers 403 for it, not 404); organizations: ${orgs.join(", ") || "none"}`;
  }
  const token = bearerToken(authorization);
  const caller = token === undefined ? undefined : ctx.callers.of(store, token);
  if (!caller) return undefined;
  const who = `${token} is ${callerText(caller)}`;
  if (/minimum required role=(ORG|TEAM)_ADMIN/.test(err.message) && orgId !== undefined) {
    const admins = keyHolders(store).filter((k) => k.orgIds.includes(orgId) && k.userId !== caller.userId && /ADMIN|OWNER/.test(k.note));
    return `${who}; this operation needs ADMIN or OWNER${admins[0] ? `: try ${admins[0].key}` : ""}`;
  }
  return who;
}
