/**
 * `npm run bench:inspector`: the web inspector over the large-org scenario (10,000 members, 100 attributes,
 * ~100,000 assignments), measured in Debian's headless Chromium (CHROMIUM_PATH to use another executable).
 *
 * 1. First render of each view: a fresh browser context (nothing cached) goes to the view's URL; the time is
 *    until the view shows its data (the members table filled, the options of an attribute listed, a member's
 *    week shaded, a page of the ~15,000 bookings listed, ...); the median of three, and the slowest. Also the
 *    bytes of /__admin answers the view loaded: pages, never the whole state.
 * 2. What a connected viewer costs /v2: autocannon on a read (a member's options) with nobody watching the journal,
 *    then with one viewer on GET /__admin/requests/stream (which then receives every request), then nobody again:
 *    throughput, latency and the server's CPU time per request.
 *
 * The mock runs as `node dist/cli.js --db memory --scenario large-org` in a child process (the script builds dist/
 * first). Options: --duration <s> of each load run (default 5), --connections <n> (default 50), --views-only (the
 * first renders only, no load runs: the figures of part 2 are then left out). It prints the
 * figures and writes them to bench/results/inspector-latest.json; it is a measurement, not a test, and exits 0.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { chromium, type Browser } from "playwright-core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const MEMBER_KEY = "cal_test_mock_member_key";
const TARGET_FIRST_RENDER_MS = 1000;

const { values: flags } = parseArgs({
  options: { duration: { type: "string" }, connections: { type: "string" }, "views-only": { type: "boolean" } },
});
const duration = Number(flags.duration ?? 5);
const connections = Number(flags.connections ?? 50);

/** CPU time a process has used, in microseconds (user + system, from /proc). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function startMock(): Promise<{ url: string; pid: number; stop: () => void; startMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--max-semi-space-size=4", join(ROOT, "dist/cli.js"), "--db", "memory", "--scenario", "large-org", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the mock exited (${code}) before listening`)));
  });
  child.stdout!.resume();
  return { url, pid: child.pid!, stop: () => child.kill("SIGTERM"), startMs: performance.now() - started };
}

interface ViewFigure {
  view: string;
  url: string;
  firstRenderMs: number;
  adminRequests: number;
  adminBytes: number;
}

/** The median of three first renders (each in a fresh context), with the slowest of them. */
async function firstRenders(browser: Browser, base: string, view: string, hash: string, ready: string): Promise<ViewFigure & { slowestMs: number }> {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await firstRender(browser, base, view, hash, ready));
  runs.sort((a, b) => a.firstRenderMs - b.firstRenderMs);
  return { ...runs[1]!, slowestMs: runs[2]!.firstRenderMs };
}

async function firstRender(browser: Browser, base: string, view: string, hash: string, ready: string): Promise<ViewFigure> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const sizes: number[] = [];
  page.on("response", async (res) => {
    // The live stream never ends; every other /__admin answer is counted whole.
    if (!res.url().includes("/__admin/") || res.url().includes("/requests/stream")) return;
    sizes.push((await res.body().catch(() => Buffer.alloc(0))).length);
  });
  const t0 = performance.now();
  await page.goto(`${base}/__inspector/${hash}`);
  // Attached rather than visible: an <option> is never "visible", and every other selector names rendered data.
  await page.waitForSelector(ready, { timeout: 30_000, state: "attached" });
  const firstRenderMs = performance.now() - t0;
  await page.waitForLoadState("networkidle").catch(() => {});
  await context.close();
  return { view, url: `/__inspector/${hash}`, firstRenderMs, adminRequests: sizes.length, adminBytes: sizes.reduce((a, b) => a + b, 0) };
}

async function load(url: string, pid: number) {
  const cpu0 = cpuMicros(pid);
  const result = await autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${MEMBER_KEY}` },
    requests: Array.from({ length: 200 }, (_, i) => ({ method: "GET" as const, path: `/v2/organizations/1/attributes/options/${4 + i * 7}` })),
  });
  // Server CPU per request is steadier than throughput on a shared machine: other work slows both server and client.
  const serverCpuUsPerRequest = (cpuMicros(pid) - cpu0) / Math.max(1, result.requests.total);
  return { requestsPerSec: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, serverCpuUsPerRequest, non2xx: result.non2xx };
}

/** A viewer of the live journal: counts the request events it receives. */
function viewer(base: string): Promise<{ events: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    let events = 0;
    const req = httpRequest(`${base}/__admin/requests/stream`, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        events += chunk.split("event: request\n").length - 1;
      });
      res.on("error", () => {});
      resolve({ events: () => events, close: () => req.destroy() });
    });
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    req.end();
  });
}

async function main(): Promise<void> {
  const mock = await startMock();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const attrs = (await (await fetch(`${mock.url}/__admin/organizations/1/attributes?take=2`)).json()) as { data: { items: Array<{ id: string }> } };
    const skills = attrs.data.items[1]!.id;
    // One warm-up load of the page, so the figures are of the views, not of the server's first JIT.
    await firstRender(browser, mock.url, "warm-up", "#/organization", '[data-testid="members"] tbody tr');
    await firstRender(browser, mock.url, "warm-up", `#/attributes/1/${skills}`, '[data-testid="options"] tbody tr[data-option]');
    const views: Array<ViewFigure & { slowestMs: number }> = [];
    views.push(await firstRenders(browser, mock.url, "Organization", "#/organization/1", '[data-testid="members"] tbody tr:nth-child(25)'));
    views.push(await firstRenders(browser, mock.url, "Member", "#/organization/1/members/3", '[data-testid="member-options"] tbody tr'));
    views.push(await firstRenders(browser, mock.url, "Attributes", `#/attributes/1/${skills}`, '[data-testid="options"] tbody tr[data-option]'));
    views.push(await firstRenders(browser, mock.url, "Requests", "#/requests", '[data-testid="requests-live"].on'));
    views.push(await firstRenders(browser, mock.url, "Operations", "#/operations", '[data-testid="operations"] tbody tr'));
    views.push(await firstRenders(browser, mock.url, "Controls", "#/controls", '[data-testid="reset-form"] select option'));
    // The scheduling views: a member's week (availability shaded from the slot engine, their bookings drawn),
    // the bookings list's first page of the upcoming ones among ~15,000, and the list filtered by one person.
    views.push(await firstRenders(browser, mock.url, "Calendar", "#/calendar/3", '[data-testid="day"] [data-testid="available"]'));
    views.push(await firstRenders(browser, mock.url, "Bookings", "#/bookings", '[data-testid="bookings"] tbody tr:nth-child(25)'));
    views.push(await firstRenders(browser, mock.url, "Bookings/email", "#/bookings?status=all&email=member%40globex.example", '[data-testid="bookings"] tbody tr'));
    const bookingCount = ((await (await fetch(`${mock.url}/__admin/inspector/bookings?take=1`)).json()) as { data: { counts: { all: number } } }).data.counts.all;
    const state = await fetch(`${mock.url}/__admin/state`);
    const stateBytes = (await state.arrayBuffer()).byteLength;

    console.log(
      `\nlarge-org: the whole state (GET /__admin/state) is ${(stateBytes / 1e6).toFixed(1)} MB, ${bookingCount} bookings; the mock started in ${mock.startMs.toFixed(0)} ms\n`,
    );
    console.log("view          first render (median of 3, slowest)   /__admin answers loaded   target");
    for (const v of views) {
      const ok = v.firstRenderMs < TARGET_FIRST_RENDER_MS ? "PASS" : "MISS";
      const times = `${v.firstRenderMs.toFixed(0)} ms (${v.slowestMs.toFixed(0)} ms)`;
      console.log(`${v.view.padEnd(15)} ${times.padStart(18)}                 ${`${v.adminRequests} answers, ${(v.adminBytes / 1024).toFixed(1)} KiB`.padEnd(24)}  < ${TARGET_FIRST_RENDER_MS} ms ${ok}`);
    }

    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    const results = join(ROOT, "bench/results/inspector-latest.json");
    if (flags["views-only"]) {
      writeFileSync(results, `${JSON.stringify({ at: new Date().toISOString(), stateBytes, bookingCount, views, loadavg: loadavg() }, null, 2)}\n`);
      console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
      return;
    }
    await load(mock.url, mock.pid); // warm-up
    const unwatched = await load(mock.url, mock.pid);
    const watcher = await viewer(mock.url);
    const watched = await load(mock.url, mock.pid);
    const delivered = watcher.events();
    watcher.close();
    const again = await load(mock.url, mock.pid);
    console.log(`\n/v2 reads (a member's options, ${connections} connections, ${duration} s each)`);
    const line = (label: string, r: Awaited<ReturnType<typeof load>>) =>
      console.log(
        `${label.padEnd(34)} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms   server CPU ${r.serverCpuUsPerRequest.toFixed(0)} µs/request${r.non2xx ? `   non-2xx ${r.non2xx}` : ""}`,
      );
    line("nobody watching", unwatched);
    line(`one live viewer (${delivered} events)`, watched);
    line("nobody watching again", again);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    writeFileSync(
      results,
      `${JSON.stringify({ at: new Date().toISOString(), stateBytes, bookingCount, views, v2: { connections, durationS: duration, unwatched, watched, eventsDelivered: delivered, again }, loadavg: loadavg() }, null, 2)}\n`,
    );
  } finally {
    await browser.close();
    mock.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
