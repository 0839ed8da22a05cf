import { handlers } from "../../src/routes/index.js";

/**
 * The tags of the attributes and the organization directory, the operations that were stateful before the
 * scheduling ones: the suites written for their guards (roles, org checks) walk these; the scheduling operations
 * have suites of their own.
 */
export const DIRECTORY_TAGS = new Set([
  "Orgs / Attributes",
  "Orgs / Attributes / Options",
  "Orgs / Users",
  "Orgs / Memberships",
  "Orgs / Teams",
  "Orgs / Teams / Memberships",
  "Me",
  "Teams",
  "Teams / Memberships",
]);

/** How many operations are answered from the store: every operation with a handler. */
export const STATEFUL_COUNT = Object.keys(handlers).length;
