import { Router } from "express";
import { notFound } from "../errors.js";
import type { Stubs } from "./stubs.js";

const ok = (data: unknown) => ({ status: "success", data });

/** POST/GET/DELETE /__admin/stubs and GET/DELETE /__admin/stubs/{id}: the control API of stubs.ts. */
export function stubsRouter(stubs: Stubs): Router {
  const router = Router();
  const missing = (id: string) => notFound(`No stub with id "${id}"; installed: ${stubs.list().map((s) => s.id).join(", ") || "none"}`);

  router.get("/stubs", (_req, res) => {
    res.json(ok(stubs.list()));
  });

  router.post("/stubs", (req, res) => {
    res.status(201).json(ok(stubs.add(req.body)));
  });

  router.delete("/stubs", (_req, res) => {
    const removed = stubs.size;
    stubs.clear();
    res.json(ok({ removed }));
  });

  router.get("/stubs/:id", (req, res) => {
    const stub = stubs.get(req.params.id!);
    if (!stub) throw missing(req.params.id!);
    res.json(ok(stub));
  });

  router.delete("/stubs/:id", (req, res) => {
    if (!stubs.remove(req.params.id!)) throw missing(req.params.id!);
    res.json(ok({ removed: req.params.id }));
  });

  return router;
}
