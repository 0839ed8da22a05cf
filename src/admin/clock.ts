import { Router, type Request } from "express";
import { badRequest } from "../errors.js";
import { parseDuration, parseInstant, type Clock } from "../store/clock.js";

const ok = (data: unknown) => ({ status: "success", data });

function body(req: Request): Record<string, unknown> {
  const value: unknown = req.body ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest("body: must be a JSON object");
  return value as Record<string, unknown>;
}

/**
 * The clock's control API: GET reads it; PUT {"now", "frozen"} sets it (frozen unless frozen is false, when it runs
 * on from there); POST /clock/advance {"by"} moves it ("90m", "1d", "PT2H", or milliseconds; negative goes back);
 * DELETE gives it back to real time. Each answers the clock as it is then.
 */
export function clockRouter(clock: Clock): Router {
  const router = Router();
  router.get("/clock", (_req, res) => {
    res.json(ok(clock.reading()));
  });
  router.put("/clock", (req, res) => {
    const { now, frozen, ...rest } = body(req);
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw badRequest(`body: unknown field ${unknown[0]}; the clock takes now and frozen`);
    const ms = typeof now === "string" ? parseInstant(now) : undefined;
    if (ms === undefined) throw badRequest('body now: must be an ISO 8601 instant with an offset, like "2026-12-07T09:00:00Z"');
    if (frozen !== undefined && typeof frozen !== "boolean") throw badRequest("body frozen: must be a boolean");
    clock.set(ms, frozen ?? true);
    res.json(ok(clock.reading()));
  });
  router.post("/clock/advance", (req, res) => {
    const { by, ...rest } = body(req);
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw badRequest(`body: unknown field ${unknown[0]}; advance takes by`);
    const ms = parseDuration(by);
    if (ms === undefined) throw badRequest('body by: must be a duration: milliseconds, "90m", "1h30m", "-1d", "1w" or ISO 8601 ("PT2H")');
    clock.advance(ms);
    res.json(ok(clock.reading()));
  });
  router.delete("/clock", (_req, res) => {
    clock.real();
    res.json(ok(clock.reading()));
  });
  return router;
}
