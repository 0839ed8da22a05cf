/**
 * Baseline (b): Prism's static mock of the same operations, through @stoplight/prism-http's own API
 * (getHttpOperationsFromSpec + createInstance) behind a minimal node:http server. Prism answers the schema's
 * static example; it has no state. Configuration: dynamic examples off, request validation ON (the mock validates
 * every request against the same spec, so both do comparable per-request work; PRISM_VALIDATE_REQUEST=0 turns it
 * off), response validation off, security checks off (the mock's auth is a map lookup), errors off, logging at
 * level "error". Usage:
 *   node --import tsx bench/servers/prism-baseline.ts <openapi.json> [port]
 * Prints {"port":N} when listening.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@stoplight/prism-core";
import { createInstance, getHttpOperationsFromSpec, type IHttpConfig, type IHttpRequest } from "@stoplight/prism-http";

const [specPath, portArg] = process.argv.slice(2);
if (!specPath) throw new Error("usage: prism-baseline.ts <openapi.json> [port]");

const config: IHttpConfig = {
  mock: { dynamic: false },
  checkSecurity: false,
  validateRequest: process.env.PRISM_VALIDATE_REQUEST !== "0",
  validateResponse: false,
  errors: false,
  upstreamProxy: undefined,
  isProxy: false,
};
const logger = createLogger("PRISM", { level: "error" });
const operations = await getHttpOperationsFromSpec(specPath);
const prism = createInstance(config, { logger });

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const prev = query[key];
      query[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value;
    const input: IHttpRequest = {
      method: (req.method ?? "GET").toLowerCase() as IHttpRequest["method"],
      url: { path: url.pathname, query },
      headers,
      body: await readBody(req),
    };
    const result = await prism.request(input, operations)();
    if (result._tag === "Right") {
      const { statusCode, headers: outHeaders, body } = result.right.output;
      const out: Record<string, string> = { "content-type": "application/json" };
      for (const [key, value] of Object.entries(outHeaders ?? {})) out[key.toLowerCase()] = value;
      res.writeHead(statusCode, out);
      res.end(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body));
    } else {
      const err = result.left as Error & { status?: number };
      res.writeHead(err.status ?? 500, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ title: err.name, detail: err.message }));
    }
  })().catch((err: unknown) => {
    res.writeHead(500).end(String(err));
  });
});
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
