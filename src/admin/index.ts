import { Router, json } from "express";
import { badRequest } from "../errors.js";

export interface AdminControl {
  reset(options: { seed?: number; scenario?: string }): Promise<unknown>;
  stateJson(): string;
}

/** The control API, under /__admin so it never collides with Cal.com's /v2 routes. */
export function adminRouter(control: AdminControl): Router {
  const router = Router();
  router.use(json({ limit: "1mb" }));

  router.post("/reset", async (req, res, next) => {
    try {
      const body: unknown = req.body ?? {};
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("body: must be a JSON object");
      const { seed, scenario } = body as { seed?: unknown; scenario?: unknown };
      if (seed !== undefined && (!Number.isSafeInteger(seed) || (seed as number) < 0)) {
        throw badRequest("body seed: must be a non-negative integer");
      }
      if (scenario !== undefined && (typeof scenario !== "string" || scenario === "")) {
        throw badRequest("body scenario: must be a scenario name or file path");
      }
      const meta = await control.reset({
        ...(seed !== undefined && { seed: seed as number }),
        ...(scenario !== undefined && { scenario: scenario as string }),
      });
      res.json({ status: "success", data: meta });
    } catch (err) {
      next(err);
    }
  });

  router.get("/state", (_req, res) => {
    res.type("application/json").send(control.stateJson());
  });

  return router;
}
