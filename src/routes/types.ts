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

export type Handler<O extends OperationId> = (req: ApiRequest<O>) => ResponseData<O> | Promise<ResponseData<O>>;

/** A handler for any operation of the spec; the operations that have one are stateful (see routes/index.ts). */
export type Handlers = { [O in OperationId]: Handler<O> };
