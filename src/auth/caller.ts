import type { Store } from "../store/store.js";

/**
 * Who an API key belongs to, for the request journal, the inspector and the hints of a refusal. The mock's keys
 * are well known (printed at start-up, listed in GET /__admin/state), not secrets: naming the user and role is what
 * tells the owner's, the admin's and the member's requests apart.
 */
export interface Caller {
  userId: number;
  username: string | undefined;
  /** The user's memberships, organizations first: `MEMBER of organization 1 (Acme)`, `ADMIN of team 3 (Engineering)`. */
  roles: string[];
}

/** The key of an `Authorization` header as Cal.com reads it (`Bearer ` with a capital B), if it is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith("Bearer ")) return undefined;
  return authorization.slice(7).trim() || undefined;
}

function describe(store: Store, userId: number): Caller {
  const user = store.get("users", userId);
  const roles: Array<[boolean, string]> = [];
  for (const m of store.membershipsByUser.get(userId)?.values() ?? []) {
    const org = store.get("organizations", m.teamId);
    const team = org ? undefined : store.get("teams", m.teamId);
    const kind = org ? "organization" : "team";
    const name = org?.name ?? team?.name;
    roles.push([Boolean(org), `${m.role} of ${kind} ${m.teamId}${name ? ` (${name})` : ""}${m.accepted ? "" : ", pending"}`]);
  }
  // Organizations first, each group in membership order.
  const ordered = [...roles.filter(([org]) => org), ...roles.filter(([org]) => !org)].map(([, text]) => text);
  if (user?.role === "ADMIN") ordered.unshift("system ADMIN");
  return { userId, username: user?.username ?? undefined, roles: ordered };
}

/**
 * Describes callers by key, remembered until the store changes (a write can change a role; a reset is a new store),
 * so that a request pays a map lookup, not a walk of the user's memberships.
 */
export class CallerDirectory {
  private store: Store | undefined;
  private version = -1;
  private readonly known = new Map<string, Caller | null>();

  of(store: Store, key: string): Caller | undefined {
    if (store !== this.store || store.version !== this.version) {
      this.known.clear();
      this.store = store;
      this.version = store.version;
    }
    let caller = this.known.get(key);
    if (caller === undefined) {
      const apiKey = store.apiKeyByKey.get(key);
      caller = apiKey ? describe(store, apiKey.userId) : null;
      // An unknown key is remembered too, but only a bounded number of them: a client could send millions.
      if (this.known.size < 10_000) this.known.set(key, caller);
    }
    return caller ?? undefined;
  }
}

/** One line: `user 3 (member): MEMBER of organization 1 (Acme), MEMBER of team 4 (Support)`. */
export function callerText(caller: Caller): string {
  const who = `user ${caller.userId}${caller.username ? ` (${caller.username})` : ""}`;
  return caller.roles.length ? `${who}: ${caller.roles.join(", ")}` : `${who}, a member of nothing`;
}
