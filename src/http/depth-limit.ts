import type { RequestHandler } from "express";
import { badRequest } from "../errors.js";

/**
 * How deeply a request body or query may nest objects and arrays. Cal.com sets no bound: a body nested thousands
 * deep passes its JSON parser and then overflows the stack of whatever walks it (the validators, the serializer),
 * a 500 after a long stall. No request of Cal.com's API needs more than a handful of levels (metadata is flat).
 */
export const MAX_NESTING_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `max`; walked with an explicit stack, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child as object, depth + 1]);
    }
  }
  return false;
}

/** Refuses a body or query nested deeper than the bound with a 400 in Cal.com's envelope, before validation. */
export function nestingDepthLimit(max = MAX_NESTING_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (nestsDeeperThan(req.body, max)) return next(badRequest(`body: nested more than ${max} levels deep`));
    if (nestsDeeperThan(req.query, max)) return next(badRequest(`query: nested more than ${max} levels deep`));
    next();
  };
}
