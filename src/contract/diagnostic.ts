/**
 * One problem found in a request, in the style of Prism's diagnostics: validation returns these instead of
 * throwing, and src/errors.ts is the one place that turns them into an HTTP answer. Kept apart from errors.ts so
 * the contract's public types do not depend on Express's.
 */
export interface Diagnostic {
  location: "path" | "query" | "header" | "body";
  /** The offending field as a `/`-separated path, e.g. `take` or `options/0/slug`; empty for the whole part. */
  field: string;
  /** The mock's own readable text ("must be <= 250"), for the diagnostics header, the journal and the log. */
  message: string;
  /** The value found there; absent when the field is missing. */
  value?: unknown;
  /**
   * The class-validator constraint Cal.com's DTO would have failed (`max`, `isString`, `isEnum`, ...) and the
   * default message class-validator gives it ("take must not be greater than 250").
   */
  constraint?: { name: string; message: string };
  /** A failure of a list item that class-validator reports on the list itself (`{each: true}` validators). */
  each?: boolean;
  /** A path parameter Cal.com reads with NestJS's ParseIntPipe, whose refusal is that pipe's. */
  parseInt?: boolean;
}
