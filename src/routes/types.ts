import type { OperationId, PathParams, QueryParams, RequestBody, ResponseData } from "../contract/types.js";
import type { Clock } from "../store/clock.js";
import type { Database } from "../store/database.js";
import type { Actor } from "../store/queries/history.js";

/** What a handler receives: the request, already authenticated, authorized and validated against the spec. */
export interface ApiRequest<O extends OperationId> {
  db: Database;
  /** The server's clock: "now" for anything that depends on it (never Date.now()). */
  clock: Clock;
  orgId: number;
  actor: Actor;
  path: PathParams<O>;
  query: QueryParams<O>;
  body: RequestBody<O>;
}

/**
 * An answer whose envelope is not the plain `{status: "success", data}` with 200 (201 for a POST): Cal.com's
 * `@HttpCode(200)` POSTs (cancel, confirm), lists with a `pagination` object beside `data`, deletes that answer
 * `{status: "success"}` alone. Handlers return `reply(...)` for those and plain data for everything else.
 */
export class Reply<T> {
  constructor(
    readonly data: T | undefined,
    /** The success status, when not the method's default. */
    readonly status: number | undefined,
    /** Top-level fields after `data` (`pagination`). */
    readonly extra: Readonly<Record<string, unknown>> | undefined,
    /** Send no `data` key at all. */
    readonly omitData: boolean,
  ) {}
}

export interface ReplyOptions {
  status?: number;
  extra?: Readonly<Record<string, unknown>>;
}

/** `data` with another status or fields beside it. */
export function reply<T>(data: T, options: ReplyOptions = {}): Reply<T> {
  return new Reply(data, options.status, options.extra, false);
}

/** `{status: "success"}` with no `data`. */
export function replyWithoutData<T>(options: ReplyOptions = {}): Reply<T> {
  return new Reply<T>(undefined, options.status, options.extra, true);
}

type Answer<O extends OperationId> = ResponseData<O> | Reply<ResponseData<O>>;

export type Handler<O extends OperationId> = (req: ApiRequest<O>) => Answer<O> | Promise<Answer<O>>;

/** A handler for any operation of the spec; the operations that have one are stateful (see routes/index.ts). */
export type Handlers = { [O in OperationId]: Handler<O> };
