/**
 * Baseline (a): a bare Express 5 app, no routing, auth, validation or store. It answers every request with a
 * constant JSON body: the body the mock answered for the same URL, captured before the run (so the sizes are
 * identical), serialized per request with res.json as any Express JSON API does; ETag off as in the mock. Usage:
 *   node --import tsx bench/servers/express-baseline.ts <bodies.json> [port]
 * where bodies.json maps request URLs (path and query) to response bodies. Prints {"port":N} when listening.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import express from "express";

const [bodiesFile, portArg] = process.argv.slice(2);
if (!bodiesFile) throw new Error("usage: express-baseline.ts <bodies.json> [port]");
const bodies = new Map(Object.entries(JSON.parse(readFileSync(bodiesFile, "utf8")) as Record<string, unknown>));
const fallback = bodies.values().next().value ?? { status: "success", data: [] };

const app = express();
// The mock's own app settings, so the ceiling differs from it only by the mock's work.
app.disable("x-powered-by");
app.set("etag", false);
app.use((req, res) => {
  res.json(bodies.get(req.originalUrl) ?? fallback);
});
const server = app.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
