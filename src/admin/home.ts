import type { Request, RequestHandler } from "express";
import { VERSION } from "../version.js";

/** The base URL as the client reached the server (its Host header), so the links work from another machine too. */
export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "127.0.0.1"}`;
}

/**
 * GET /: where things are, for someone who opens the server's address in a browser or with curl (WireMock and
 * Prism answer their root the same way): the API base, the control API and its main endpoints, the web
 * inspector, the operations list and the contract a client can be generated from.
 */
export function home(): RequestHandler {
  return (req, res) => {
    const base = baseUrl(req);
    res.json({
      status: "success",
      data: {
        name: "calcom-mock",
        description: "A spec-validated mock of the Cal.com API v2: attributes and the organization directory kept in a store, every other operation answered from the contract",
        version: VERSION,
        apiBase: `${base}/v2`,
        controlApi: `${base}/__admin`,
        inspector: `${base}/__inspector/`,
        operations: `${base}/__admin/operations`,
        openapi: `${base}/__admin/openapi.json`,
        health: `${base}/__admin/health`,
        state: `${base}/__admin/state`,
        requests: `${base}/__admin/requests`,
        auth: "Authorization: Bearer <API key>; the keys of the scenario served are in GET /__admin/state (data.apiKeys)",
      },
    });
  };
}

/** The control API's endpoints, for GET /__admin: what a user finds by opening the URL the banner prints. */
const ADMIN_ENDPOINTS: ReadonlyArray<[method: string, path: string, what: string]> = [
  ["GET", "/__admin/health", "200 once the server is ready: version, uptime, db, scenario, seed"],
  ["POST", "/__admin/reset", 'back to the seeded state; body optional: {"seed": 7, "scenario": "multi-org"}'],
  ["GET", "/__admin/state", "the whole state (its apiKeys list every key)"],
  ["PUT", "/__admin/state", "load a whole state document (spec/state.schema.json), bare or as GET answers it"],
  ["POST", "/__admin/snapshot", 'keep the current state under a name: {"name": "before-test"}'],
  ["GET", "/__admin/snapshots", "the snapshots taken"],
  ["POST", "/__admin/restore", 'bring a snapshot back: {"name": "before-test"}'],
  ["GET", "/__admin/requests", "the request journal; filters method, path (* and **), status (201, 4xx), since; order, limit, before"],
  ["GET", "/__admin/requests/count", "how many journal entries match the same filters"],
  ["GET", "/__admin/requests/stream", "the journal live, as server-sent events"],
  ["DELETE", "/__admin/requests", "empty the journal and the request counts"],
  ["GET", "/__admin/operations", "every operation, answered by state or spec, with its request count"],
  ["GET", "/__admin/openapi.json", "the contract, its servers naming this server"],
  ["GET", "/__admin/scenarios", "the scenario served and the built-in ones"],
  ["GET", "/__admin/faults", "the fault rules; POST adds one, DELETE removes them all (DELETE /__admin/faults/{id} one)"],
  ["GET", "/__admin/organizations", "the read endpoints of the web inspector, starting with the organizations"],
  ["GET", "/__admin/inspector/week?userId=1", "a member's week: availability as the slots read it, bookings, live reservations (date, zone)"],
  ["GET", "/__admin/inspector/bookings?status=upcoming", "bookings in Cal.com's lists at the mock's clock; email, eventTypeId, afterStart, beforeEnd; paged"],
];

/** GET /__admin: the control API's own index, as WireMock's and Prism's roots say what they serve. */
export function adminIndex(): RequestHandler {
  return (req, res) => {
    const base = baseUrl(req);
    res.json({
      status: "success",
      data: {
        name: "calcom-mock control API",
        version: VERSION,
        note: "Not authenticated; bodies are JSON (send Content-Type: application/json). The API under test is at /v2.",
        apiBase: `${base}/v2`,
        inspector: `${base}/__inspector/`,
        endpoints: ADMIN_ENDPOINTS.map(([method, path, description]) => ({ method, path, url: `${base}${path}`, description })),
      },
    });
  };
}
