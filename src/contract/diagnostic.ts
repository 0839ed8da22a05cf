/**
 * One problem found in a request, in the style of Prism's diagnostics: validation returns these instead of
 * throwing, and src/errors.ts is the one place that turns them into an HTTP answer. Kept apart from errors.ts so
 * the contract's public types do not depend on Express's.
 */
export interface Diagnostic {
  location: "path" | "query" | "header" | "body";
  /** The offending field, e.g. `take` or `options/0/slug`; empty when the whole part is wrong. */
  field: string;
  message: string;
}
