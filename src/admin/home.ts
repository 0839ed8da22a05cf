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
