import express, { type Express } from "express";
import { adminRouter, type AdminControl } from "./admin/index.js";
import type { Contract } from "./contract/index.js";
import { errorMiddleware, notFound } from "./errors.js";
import { apiRouter } from "./routes/index.js";
import type { Database } from "./store/database.js";

export interface AppContext {
  contract: Contract;
  db: () => Database;
  admin: AdminControl;
  /** Largest accepted request body, in bytes or as "1mb". */
  bodyLimit?: string | number;
}

/**
 * The Express app. It receives its store and contract instead of opening them, so the CLI, the tests and any
 * embedding program serve the same app (json-server's createApp idea).
 */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use("/__admin", adminRouter(ctx.admin));
  app.use("/v2", express.json({ limit: ctx.bodyLimit ?? "1mb", strict: true }), apiRouter(ctx));
  app.use((req, _res, next) => next(notFound(`Cannot ${req.method} ${req.path}`)));
  app.use(errorMiddleware);
  return app;
}
