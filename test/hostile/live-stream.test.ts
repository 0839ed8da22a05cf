import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_UNSENT_BYTES } from "../../src/admin/live-feed.js";
import { ADMIN_KEY } from "../support/harness.js";
import { cleanup, startServer } from "../durability/support.js";

/**
 * A client that opened /__admin/requests/stream and stopped reading made the server buffer every event for it,
 * bodies included, without limit (RSS from 130 MB to 1.36 GB in five minutes of mixed load). Now a viewer that
 * leaves more than a bound unsent is dropped, and the console says so.
 */

afterAll(cleanup);

const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const agent = new Agent({ keepAlive: true, maxSockets: 20 });

/** One POST with a 15 kB body (the journal keeps bodies up to 16 kB, and the full stream sends them). */
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v2/organizations/1/attributes`, { method: "POST", agent, headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function load(url: string, requests: number): Promise<void> {
  const body = JSON.stringify({ name: "x".repeat(15_000), slug: "s", type: "TEXT" });
  let sent = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (sent++ < requests) await post(url, body);
    }),
  );
}

/** A viewer of the whole stream that never reads what it is sent. */
function stuckViewer(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET /__admin/requests/stream HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on("error", () => {});
  });
}

describe("the live stream", () => {
  it("drops a viewer that stops reading once its unsent output passes the bound, saying so; memory stays bounded", async () => {
    const server = await startServer("memory", ["--quiet", "--journal-size", "200"]);
    // Warm up with nobody watching: the journal fills to its size, so what grows after is the viewers' share.
    await load(server.url, 400);
    const before = rssMb(server.process.pid!);

    const stuck = await Promise.all(Array.from({ length: 3 }, () => stuckViewer(server.url)));
    // ~45 MB of events for each stuck viewer, far past what the kernel's socket buffers take.
    await load(server.url, 3000);
    const after = rssMb(server.process.pid!);

    const drops = server.output().match(/live stream of \S+ dropped: it left more than 1 MiB unsent \(a client that stopped reading\)/g) ?? [];
    expect(drops.length, server.output().slice(-2000)).toBe(3);
    expect(MAX_UNSENT_BYTES).toBe(1024 * 1024);
    // Unbounded, the three would hold ~135 MB of frames.
    expect(after - before, `RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`).toBeLessThan(40);

    // A viewer that reads keeps receiving, and the health URL answers.
    const live = await fetch(`${server.url}/__admin/requests/stream?brief=1`);
    const reader = live.body!.getReader();
    await post(server.url, "{}");
    let text = "";
    while (!text.includes("event: request")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect((await fetch(`${server.url}/__admin/health`)).status).toBe(200);
    for (const socket of stuck) socket.destroy();
    await server.kill("SIGKILL");
  }, 120_000);
});
