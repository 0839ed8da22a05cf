import type { Response } from "express";

const ANSWER = Symbol("calcom-mock answer");

/**
 * Leaves the body of an answer where the request journal finds it: one property of `res.locals` (which Express
 * makes for every request anyway), holding a reference and no copy. Whatever writes an answer to /v2 calls this
 * (the API's `send`, `sendError`); wrapping `res.end` for every request instead cost /v2 measurably.
 */
export function keepAnswer(res: Response, body: unknown): void {
  (res.locals as Record<symbol, unknown>)[ANSWER] = body;
}

export function answerOf(res: Response): unknown {
  return (res.locals as Record<symbol, unknown> | undefined)?.[ANSWER];
}
