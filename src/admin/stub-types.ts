/**
 * What a stub is, apart from the matching code: these types are part of the package's public declarations, which
 * must load without @types/express (the matching in stubs.ts reads Express requests).
 */

export interface StubRequest {
  method?: string;
  /** A path from /v2: literal segments (case ignored, as Express routes) and `{name}` for any one segment. */
  path: string;
  /** Parameters the request must carry with these values (others may be there too). */
  query?: Record<string, string | string[]>;
  /** Headers the request must carry with these values (names in any case). */
  headers?: Record<string, string>;
  /** A JSON value the request body must contain: objects may have more properties; arrays and scalars are equal. */
  body?: unknown;
}

export interface StubResponse {
  status: number;
  headers?: Record<string, string>;
  /** Any JSON value, sent as JSON; none sends an empty body. */
  body?: unknown;
}

/** A stub as the control API shows it. */
export interface Stub {
  id: string;
  request: StubRequest;
  response: StubResponse;
  priority: number;
  /** How many more requests it answers; absent: no limit. 0: used up, it answers nothing more. */
  remaining?: number;
  /** How many requests it has answered. */
  matched: number;
  /** Given to createMockServer (`stubs`) or the CLI: a reset brings it back. */
  permanent: boolean;
  createdAt: string;
}

/** What POST /__admin/stubs takes: the request and response, and optionally an id, a priority and a count. */
export interface StubDefinition {
  id?: string;
  request: StubRequest;
  response?: Partial<StubResponse>;
  priority?: number;
  count?: number;
}
