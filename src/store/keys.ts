import type { Store } from "./store.js";

/** An API key of the state, with whom it belongs to: what the console shows a user so they can make a first call. */
export interface KeyHolder {
  key: string;
  userId: number;
  username: string | undefined;
  note: string;
  orgIds: number[];
}

export function keyHolders(store: Store): KeyHolder[] {
  const orgs = [...store.rows.organizations.values()];
  return [...store.rows.apiKeys.values()].map((k) => ({
    key: k.key,
    userId: k.userId,
    username: store.get("users", k.userId)?.username,
    note: k.note,
    orgIds: orgs.filter((o) => store.membershipByTeamUser.get(`${o.id}:${k.userId}`)).map((o) => o.id),
  }));
}
