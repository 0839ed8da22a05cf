import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH } from "../../src/http/depth-limit.js";
import { ADMIN_KEY } from "../support/harness.js";
import { cleanup, startServer } from "../durability/support.js";

/**
 * A body nested 10,000 deep (60 kB, under the body limit) used to answer 500 (the validators' walk overflowed the
 * stack) after holding the event loop for hundreds of milliseconds; four at once held even /__admin/health. Bodies
 * and queries deeper than the bound are refused with a 400 in Cal.com's envelope before validation.
 */

afterAll(cleanup);

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
/** The health probe's own connection, opened before the flood, so its figure holds no connection set-up. */
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(url: string, method: string, path: string, body?: string, via = agent): Promise<{ status: number; body: any; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent: via, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined && { "content-type": "application/json" }) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, ms: performance.now() - t0 }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** CPU time a process has used, in ms (utime + stime, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const nestedArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("nesting depth", () => {
  /*
   * A request's handling is synchronous, so the longest it can hold the event loop is the CPU time it takes. That
   * is measured from /proc (the server is a child process): wall-clock latencies on a shared machine measure the
   * machine (on a quiet one, /__admin/health answered within 10 ms throughout; under a loaded test suite, 100 ms
   * and more, before and after the bound alike).
   */
  it("refuses a body nested 10,000 deep with a 400 envelope, in well under 50 ms of CPU, /__admin/health answering meanwhile", async () => {
    const server = await startServer("memory", ["--quiet"]);
    const path = "/v2/organizations/1/users/4";
    const deep = `{"metadata":${nestedObject(10_000)}}`;
    expect(deep.length).toBeGreaterThan(60_000);

    // Warm both routes, so the measurement is of the requests and not of the first compilation.
    await send(server.url, "GET", "/__admin/health", undefined, probeAgent);
    await send(server.url, "PATCH", path, deep);

    const answers: Array<{ status: number; body: any }> = [];
    let flooding = true;
    const flood = async () => {
      while (flooding) answers.push(await send(server.url, "PATCH", path, deep));
    };
    const cpuBefore = cpuMs(server.process.pid!);
    const floods = Array.from({ length: 4 }, flood);
    const health: number[] = [];
    for (let i = 0; i < 40; i++) {
      const probe = await send(server.url, "GET", "/__admin/health", undefined, probeAgent);
      expect(probe.status).toBe(200);
      health.push(probe.ms);
      await new Promise((r) => setTimeout(r, 10));
    }
    flooding = false;
    await Promise.all(floods);
    const cpuPerRequest = (cpuMs(server.process.pid!) - cpuBefore) / (answers.length + health.length);

    expect(answers.length).toBeGreaterThan(4);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        status: "error",
        timestamp: expect.any(String),
        path,
        error: { code: "BadRequestException", message: `body: nested more than ${MAX_NESTING_DEPTH} levels deep` },
      });
    }
    // Before the bound, each took ~200 ms of CPU and answered 500.
    expect(cpuPerRequest, "server CPU ms per request").toBeLessThan(10);

    // An array nested as deep, on an attribute route, and on the control API: the same refusal.
    const arrays = await send(server.url, "POST", "/v2/organizations/1/attributes", nestedArray(10_000));
    expect(arrays.status).toBe(400);
    expect(arrays.body.error.message).toBe(`body: nested more than ${MAX_NESTING_DEPTH} levels deep`);
    const fault = await send(server.url, "POST", "/__admin/faults", `{"match":${nestedObject(5_000)}}`);
    expect(fault.status).toBe(400);
    expect(fault.body.error.message).toBe(`body: nested more than ${MAX_NESTING_DEPTH} levels deep`);

    // At the bound, the body reaches validation (which refuses this metadata for its own reason).
    const atBound = await send(server.url, "PATCH", path, `{"metadata":${nestedObject(MAX_NESTING_DEPTH - 1)}}`);
    expect(atBound.status).toBe(400);
    expect(atBound.body.error.message).not.toContain("levels deep");

    // The journal still serves, refused bodies included.
    const journal = await send(server.url, "GET", "/__admin/requests?limit=5&order=desc");
    expect(journal.status).toBe(200);
    await server.kill("SIGKILL");
  }, 60_000);
});
