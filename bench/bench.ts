/**
 * `npm run bench`: load figures of calcom-mock over the large-org scenario with the JSON file store, against two
 * baselines measured in the same run (a bare Express 5 app and Prism's static mock). Every server runs in a child
 * process on 127.0.0.1, so its memory is its own; the mock runs from the compiled dist/ (`npm run bench` builds it
 * first). autocannon drives the load from this process. See bench/README.md for what is measured and how.
 *
 * Options (flags, or the BENCH_* environment variables):
 *   --duration <s>     seconds of each measured run (default 10)           BENCH_DURATION
 *   --warmup <s>       seconds of unmeasured load before each run (2)       BENCH_WARMUP
 *   --connections <n>  concurrent connections (50)                          BENCH_CONNECTIONS
 *   --startups <n>     start-ups timed with the large-org file present (3)  BENCH_STARTUPS
 *   --only <list>      phases to run: reads (= read-assigned,read-user,read-users,read-uncached), writes (= assign,unassign),
 *                      mixed (90% reads, 10% assigns and unassigns), grown (start-up and RSS after 100k writes), baselines,
    (flags.only ?? process.env.BENCH_ONLY ?? "reads,writes,mixed,grown,baselines,spec,slots,bookings")
 *   --cpu-prof         run the mock under node --cpu-prof; profiles go to bench/results/profiles/
 *   --mock-node-args <args>  extra node flags for the mock, e.g. "--max-old-space-size=192"   BENCH_MOCK_NODE_ARGS
 *   --mock-dist <dir>  run the mock's cli.js from another build (an A/B of a change); default dist/   BENCH_MOCK_DIST
 *   --keep             keep the temporary directory with the database file
 *
 * It prints PASS/MISS against the targets but exits 0 whatever they are: it is a measurement, not a test. It
 * exits 1 only if something crashed (a server died, a request phase could not run).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import autocannon, { type Options as CannonOptions, type RequestSpec, type Result as CannonResult } from "autocannon";
import { loadContract } from "../src/contract/index.js";
import { answeredBy } from "../src/routes/index.js";
import { scenarioState } from "../src/store/scenarios.js";
import { plausibleRequest } from "../test/support/plausible.js";
import { computeSlots } from "../src/scheduling/index.js";
import { slotsInputFor } from "../src/store/queries/availability.js";
import { Store } from "../src/store/store.js";
import type { State } from "../src/store/schema.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCENARIO = "large-org";
const SEED = 42;
const ADMIN_KEY = "cal_test_mock_admin_key";
const MEMBER_KEY = "cal_test_mock_member_key";
const SPEC = join(ROOT, "spec", "calcom.openapi.json");
const PRISM_CLI = join(ROOT, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");
const RESULTS_DIR = join(ROOT, "bench", "results");

const TARGETS = {
  readVsExpress: 0.75,
  uncachedVsExpress: 0.9,
  mixedReadsVsExpress: 0.75,
  grownWrites: 100_000,
  readVsPrism: 1.5,
  readP99Ms: 25,
  writesPerSec: 2000,
  bookingsPerSec: 1000,
  startupMs: 1500,
  peakRssMb: 300,
  specVsPrismCli: 3,
  specP99Ms: 25,
  firstSpecAnswerMs: 3000,
  allOperationsRssMb: 300,
  slotsVsExpress: 0.75,
  slotsP99Ms: 25,
  slotsTeamMonthP99Ms: 50,
};

// ---------------------------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    startups: { type: "string" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean" },
    "mock-node-args": { type: "string" },
    "mock-dist": { type: "string" },
    keep: { type: "boolean" },
  },
  strict: true,
});
const num = (flag: string | undefined, env: string, fallback: number) => {
  const raw = flag ?? process.env[env];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bench: ${env.toLowerCase()} must be a number, got "${raw}"`);
  return n;
};
const config = {
  duration: num(flags.duration, "BENCH_DURATION", 10),
  warmup: num(flags.warmup, "BENCH_WARMUP", 2),
  connections: Math.max(1, Math.round(num(flags.connections, "BENCH_CONNECTIONS", 50))),
  startups: Math.max(1, Math.round(num(flags.startups, "BENCH_STARTUPS", 3))),
  only: new Set(
    (flags.only ?? process.env.BENCH_ONLY ?? "reads,writes,mixed,grown,baselines,spec,slots,bookings")
      .split(",")
      .map((s) => s.trim())
      .flatMap((s) =>
        s === "reads"
          ? ["read-assigned", "read-user", "read-users", "read-uncached"]
          : s === "writes"
            ? ["assign", "unassign"]
            : s === "spec"
              ? ["spec-startup", "spec-static", "spec-rss"]
              : [s],
      ),
  ),
  cpuProf: flags["cpu-prof"] ?? false,
  mockDist: resolve(flags["mock-dist"] ?? process.env.BENCH_MOCK_DIST ?? join(ROOT, "dist")),
  mockNodeArgs: (flags["mock-node-args"] ?? process.env.BENCH_MOCK_NODE_ARGS ?? "").split(/\s+/).filter((a) => a !== ""),
  keep: flags.keep ?? false,
};

// ---------------------------------------------------------------------------------------------------------------
// Child processes

interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<number | null>;
  stopping: boolean;
}

const children = new Set<Child>();
const crashes: string[] = [];

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CALCOM_MOCK_")));
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...cleanEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const child: Child = { name, proc, pid: proc.pid!, output: [], exited: undefined as never, stopping: false };
  const keep = (chunk: Buffer) => {
    child.output.push(chunk.toString());
    if (child.output.length > 200) child.output.splice(0, child.output.length - 200);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  child.exited = new Promise((resolve) => {
    proc.on("exit", (code, signal) => {
      children.delete(child);
      if (!child.stopping) {
        crashes.push(`${name} (pid ${child.pid}) exited unexpectedly: code ${code} signal ${signal}\n${child.output.join("").slice(-2000)}`);
      }
      resolve(code);
    });
  });
  children.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how long the child took to exit. */
async function stopChild(child: Child, graceMs = 30_000): Promise<number> {
  const t0 = performance.now();
  child.stopping = true;
  child.proc.kill("SIGTERM");
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
  return performance.now() - t0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP request without keep-alive; resolves with the status, or undefined if nothing answered. */
function probe(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Polls until `url` answers `want` (or any status if `want` is undefined); returns ms since `since`. */
async function waitForAnswer(child: Child, url: string, headers: Record<string, string>, since: number, want: number | undefined, deadlineMs: number) {
  const deadline = since + deadlineMs;
  for (;;) {
    if (!children.has(child)) throw new Error(`${child.name} exited before answering:\n${child.output.join("").slice(-2000)}`);
    const status = await probe(url, headers);
    if (status !== undefined && (want === undefined || status === want)) return { ms: performance.now() - since, status };
    if (status !== undefined && want !== undefined && status >= 400 && status !== 503) {
      throw new Error(`${child.name}: ${url} answered ${status}, expected ${want}`);
    }
    if (performance.now() > deadline) throw new Error(`${child.name} did not answer ${url} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function childPort(child: Child, deadlineMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${child.name} printed no port:\n${child.output.join("")}`)), deadlineMs);
    const check = () => {
      const m = /\{"port":(\d+)\}/.exec(child.output.join(""));
      if (m) {
        clearTimeout(t);
        child.proc.stdout!.off("data", check);
        resolve(Number(m[1]));
      }
    };
    child.proc.stdout!.on("data", check);
    void child.exited.then(() => {
      clearTimeout(t);
      reject(new Error(`${child.name} exited:\n${child.output.join("")}`));
    });
    check();
  });
}

function procKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
const mb = (kb: number) => kb / 1024;

/** Samples a process's RSS every 100 ms while a phase runs. */
function rssSampler(pid: number) {
  let max = procKb(pid, "VmRSS");
  const timer = setInterval(() => {
    max = Math.max(max, procKb(pid, "VmRSS"));
  }, 100);
  return () => {
    clearInterval(timer);
    return mb(Math.max(max, procKb(pid, "VmRSS")));
  };
}

/**
 * Where the machine's CPU went during a run: the server's share, this process's (autocannon's), and everything
 * else's. The last one is the noise indicator: other work on the machine takes cores from the server and the client.
 */
const CLK_TCK = 100;
function cpuMeter(pid: number) {
  const machine = () => {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: f.reduce((a, b) => a + b, 0) - idle };
  };
  const proc = () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in ticks
    } catch {
      return 0;
    }
  };
  const t0 = performance.now();
  const m0 = machine();
  const p0 = proc();
  const b0 = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const capacity = seconds * cpus().length;
    const busy = (machine().busy - m0.busy) / CLK_TCK;
    const server = (proc() - p0) / CLK_TCK;
    const b = process.cpuUsage(b0);
    const bench = (b.user + b.system) / 1e6;
    return {
      /** Server CPU as a share of one core (100 = one core busy all the time). */
      serverCpuPct: (100 * server) / seconds,
      /** Server CPU seconds over the run (user and system, every thread: the collector's helpers too). */
      serverCpuS: server,
      benchCpuPct: (100 * bench) / seconds,
      /** CPU used by other processes, as a share of the whole machine. */
      otherCpuPct: Math.max(0, (100 * (busy - server - bench)) / capacity),
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The mock

const DIST_CLI = join(config.mockDist, "cli.js");

/** The node flags the CLI's first line launches it with (`#!/usr/bin/env -S node ...`): the mock runs as a user's would. */
function launchFlags(): string[] {
  const first = existsSync(DIST_CLI) ? (readFileSync(DIST_CLI, "utf8").split("\n", 1)[0] ?? "") : "";
  const m = /^#!.*\bnode\b(.*)$/.exec(first);
  return m ? m[1]!.trim().split(/\s+/).filter((a) => a !== "") : [];
}

async function startMock(dbFile: string, orgId: number, profileDir?: string, extraArgs: string[] = []) {
  const port = await freePort();
  const nodeArgs = [...launchFlags(), ...config.mockNodeArgs, ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  const t0 = performance.now();
  const child = startChild("calcom-mock", [
    ...nodeArgs,
    DIST_CLI,
    "--db",
    dbFile,
    "--scenario",
    SCENARIO,
    "--seed",
    String(SEED),
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    // A console line per request is for people watching; under load it would measure the console.
    "--quiet",
    ...extraArgs,
  ]);
  const base = `http://127.0.0.1:${port}`;
  // The first start seeds the file and does not know the org id yet: any answer means it is serving.
  const ready = await waitForAnswer(child, `${base}/v2/organizations/${orgId}/attributes?take=1`, { authorization: `Bearer ${MEMBER_KEY}` }, t0, orgId > 0 ? 200 : undefined, 120_000);
  return { child, base, startMs: ready.ms };
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface RunFigures {
  reqPerSec: number;
  /** 2xx answers per second over the measured run. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerResponse: number;
  durationS: number;
  peakRssDuringMb?: number;
  /** Mixed runs: 200 answers to reads, and 2xx answers to writes, per second. */
  readsPerSec?: number;
  writesPerSec?: number;
  /** Mixed runs: the p99 of reads and of writes apart (see Latencies). */
  readP99Ms?: number;
  writeP99Ms?: number;
  serverCpuPct?: number;
  /**
   * The server's CPU time per request answered, in µs (from /proc, every thread). Other work on the machine slows
   * a server more than it adds to its CPU time, so this compares across noisy runs better than req/s does.
   */
  cpuUsPerReq?: number;
  benchCpuPct?: number;
  otherCpuPct?: number;
}

async function cannon(options: CannonOptions): Promise<CannonResult> {
  return await autocannon({ timeout: 10, ...options });
}

function figures(r: CannonResult): RunFigures {
  const total = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  return {
    reqPerSec: r.requests.average,
    okPerSec: r["2xx"] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    total,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    bytesPerResponse: total > 0 ? r.throughput.total / total : 0,
    durationS: r.duration,
  };
}

/** A warm-up run (discarded), then the measured run; `pid` is sampled for RSS. */
async function measure(label: string, base: string, pid: number, make: () => Omit<CannonOptions, "url" | "duration" | "connections">): Promise<RunFigures> {
  process.stdout.write(`  ${label.padEnd(44)} `);
  if (config.warmup > 0) await cannon({ url: base, connections: config.connections, duration: config.warmup, ...make() });
  const stopSampling = rssSampler(pid);
  const stopCpu = cpuMeter(pid);
  const result = await cannon({ url: base, connections: config.connections, duration: config.duration, ...make() });
  const { serverCpuS, ...cpu } = stopCpu();
  const counted = figures(result);
  const f = { ...counted, ...cpu, cpuUsPerReq: counted.total > 0 ? (1e6 * serverCpuS) / counted.total : undefined, peakRssDuringMb: stopSampling() };
  process.stdout.write(
    `${f.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${f.p50Ms.toFixed(1)} ms  p99 ${f.p99Ms.toFixed(1)} ms  2xx ${f.ok}  non-2xx ${f.non2xx}  errors ${f.errors}` +
      `  cpu: server ${f.serverCpuPct.toFixed(0)}% (${f.cpuUsPerReq?.toFixed(0) ?? "–"} µs/req) client ${f.benchCpuPct.toFixed(0)}% other ${f.otherCpuPct.toFixed(0)}%\n`,
  );
  return f;
}

/** A `requests` list that cycles through fixed GET paths. */
function cycle(paths: string[], key: string): RequestSpec[] {
  return paths.map((path) => ({ method: "GET", path, headers: { authorization: `Bearer ${key}` } }));
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario facts, read from the server's own state

interface Facts {
  orgId: number;
  counts: Record<string, number>;
  acceptedMembers: number;
  teams: number;
  assignedReadPaths: string[];
  userReadPaths: string[];
  usersReadPaths: string[];
  assignPool: Array<{ userId: number; attributeId: string; optionId: string }>;
  seededAssignments: Array<{ userId: number; optionId: string }>;
}

function factsOf(state: State): Facts {
  const org = state.organizations[0]!;
  const teams = state.teams.filter((t) => t.parentId === org.id);
  const members = state.memberships.filter((m) => m.teamId === org.id && m.accepted);
  const userByMember = new Map(members.map((m) => [m.id, m.userId]));
  const attrBySlug = new Map(state.attributes.filter((a) => a.teamId === org.id).map((a) => [a.slug, a]));
  const optionsOf = (attributeId: string) => state.attributeOptions.filter((o) => o.attributeId === attributeId);
  const generated = state.attributes.filter((a) => /-\d+$/.test(a.slug));
  const department = attrBySlug.get("department")!;
  const skills = attrBySlug.get("skills")!;
  const genSingle = generated.find((a) => a.type === "SINGLE_SELECT")!;
  const genMulti = generated.find((a) => a.type === "MULTI_SELECT")!;
  if (!department || !skills || !genSingle || !genMulti) throw new Error("large-org state lacks the attributes the benchmark reads");
  const skillOptions = optionsOf(skills.id);
  const departmentOptions = optionsOf(department.id);

  // Reads of assigned options: four attributes of different shapes (10 options held by ~950 members each, 30 by
  // ~600, and two generated ones of 20 options held by ~20-60), two pages each, filtered by two teams and by
  // holders of two options of another attribute, as a routing form would ask.
  const q = (slug: string, skip: number, take: number, teamIds: number[], assigned: string[]) =>
    `/v2/organizations/${org.id}/attributes/slugs/${slug}/options/assigned?teamIds=${teamIds.join(",")}&assignedOptionIds=${assigned.join(",")}&skip=${skip}&take=${take}`;
  const team = (i: number) => teams[i % teams.length]!.id;
  const assignedReadPaths = [
    q(department.slug, 0, 5, [team(0), team(1)], [skillOptions[0]!.id, skillOptions[1]!.id]),
    q(department.slug, 5, 5, [team(2), team(3)], [skillOptions[2]!.id, skillOptions[3]!.id]),
    q(skills.slug, 0, 10, [team(4), team(5)], [departmentOptions[0]!.id, departmentOptions[1]!.id]),
    q(skills.slug, 10, 10, [team(6), team(7)], [departmentOptions[2]!.id, departmentOptions[3]!.id]),
    q(genSingle.slug, 0, 10, [team(8), team(9)], [skillOptions[4]!.id, skillOptions[5]!.id]),
    q(genSingle.slug, 10, 10, [team(0), team(2)], [skillOptions[6]!.id, skillOptions[7]!.id]),
    q(genMulti.slug, 0, 10, [team(1), team(3)], [departmentOptions[4]!.id, departmentOptions[5]!.id]),
    q(genMulti.slug, 10, 10, [team(5), team(7)], [departmentOptions[6]!.id, departmentOptions[7]!.id]),
  ];
  // Reads of the org users list filtered by two options with AND (a department and a skill: some 50-60 users
  // each), eight pairs, as an integration looking for its people by attribute would ask.
  const usersReadPaths = Array.from(
    { length: 8 },
    (_, i) => `/v2/organizations/${org.id}/users?assignedOptionIds=${departmentOptions[i % departmentOptions.length]!.id},${skillOptions[(3 * i + 1) % skillOptions.length]!.id}&attributeQueryOperator=AND`,
  );
  // Reads of one user's options: 1,000 different members.
  const step = Math.max(1, Math.floor(members.length / 1000));
  const userReadPaths: string[] = [];
  for (let i = 0; i < members.length && userReadPaths.length < 1000; i += step) {
    userReadPaths.push(`/v2/organizations/${org.id}/attributes/options/${members[i]!.userId}`);
  }

  // Writes: (member, skills option) pairs nobody holds yet, one member after another so consecutive requests
  // touch different members; then every seeded assignment for unassignment.
  const held = new Set(state.attributeAssignments.map((a) => `${a.memberId}:${a.attributeOptionId}`));
  const assignPool: Facts["assignPool"] = [];
  for (let round = 0; round < skillOptions.length; round++) {
    members.forEach((m, i) => {
      const option = skillOptions[(i + round) % skillOptions.length]!;
      if (!held.has(`${m.id}:${option.id}`)) assignPool.push({ userId: m.userId, attributeId: skills.id, optionId: option.id });
    });
  }
  const seededAssignments = state.attributeAssignments
    .filter((a) => userByMember.has(a.memberId))
    .map((a) => ({ userId: userByMember.get(a.memberId)!, optionId: a.attributeOptionId }));

  const counts = Object.fromEntries(
    Object.entries(state)
      .filter(([k]) => k !== "meta")
      .map(([k, v]) => [k, (v as unknown[]).length]),
  );
  return { orgId: org.id, counts, acceptedMembers: members.length, teams: teams.length, assignedReadPaths, userReadPaths, usersReadPaths, assignPool, seededAssignments };
}

async function getJson(url: string, key: string): Promise<{ status: number; body: unknown; bytes: number }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, bytes: Buffer.byteLength(text) };
}

/** GETs every path once; all must answer 200. Returns the bodies by path and the mean body size. */
async function capture(base: string, paths: string[], key: string, who: string) {
  const bodies: Record<string, unknown> = {};
  let bytes = 0;
  let empty = 0;
  for (const path of paths) {
    const res = await getJson(`${base}${path}`, key);
    if (res.status !== 200) throw new Error(`${who}: GET ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    bodies[path] = res.body;
    bytes += res.bytes;
    if (Array.isArray((res.body as { data?: unknown }).data) && (res.body as { data: unknown[] }).data.length === 0) empty++;
  }
  return { bodies, meanBytes: bytes / paths.length, empty };
}

// ---------------------------------------------------------------------------------------------------------------
// The operations answered from the spec

type Row = { figure: string; mock: number | undefined; unit: string; express?: number | undefined; prism?: number | undefined; target?: string; pass?: boolean | undefined };

/** GET operations answered from the spec, for the static-answer load: a spread of small and large bodies. */
const SPEC_READS = [
  "WebhooksController_getWebhooks",
  "OrganizationsRolesController_getAllRoles",
  "OrganizationsRoutingFormsController_getOrganizationRoutingForms",
  "OrganizationsWebhooksController_getAllOrganizationWebhooks",
  "OrganizationsUsersOOOController_getOrganizationUsersOOO",
  "ConferencingController_getDefault",
  "ConferencingController_listInstalledConferencingApps",
  "CalendarsController_getCalendars",
];

/** Gives this process's garbage collector a second with nothing else to do (see the start-ups). */
async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

/**
 * Start-up with the whole contract (stateful answer, then first spec-driven answer) on `dbFile` (the seeded copy),
 * static spec-driven answers against the Prism CLI serving the same document (`prism mock -v error`), and RSS
 * after every operation once.
 */
async function specPhases(dbFile: string, orgId: number, profileDir?: string): Promise<{ rows: Row[]; out: Record<string, unknown> }> {
  const rows: Row[] = [];
  const out: Record<string, unknown> = {};
  if (![...config.only].some((p) => p.startsWith("spec-"))) return { rows, out };
  const contract = loadContract();
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const reads: RequestSpec[] = SPEC_READS.map((id) => {
    const op = contract.operations.find((o) => o.operationId === id);
    if (!op) throw new Error(`bench: the contract has no ${id}`);
    if (answeredBy(id) !== "spec") throw new Error(`bench: ${id} is answered from the state, not the spec`);
    const r = plausibleRequest(contract, op, orgId);
    return { method: "GET", path: r.path, headers: { ...r.headers, ...admin } };
  });
  console.log("\noperations answered from the spec");

  // `--startups` starts, as with the large-org file alone (the median of each figure is reported); the last one
  // stays up for the phases below. One start alone moved by 300 ms between runs on this machine.
  const starts: Array<{ statefulMs: number; firstSpecMs: number }> = [];
  let started: Awaited<ReturnType<typeof startMock>> | undefined;
  const startsWanted = config.only.has("spec-startup") ? config.startups : 1;
  for (let i = 0; i < startsWanted; i++) {
    if (started) await stopChild(started.child);
    await settle();
    const t0 = performance.now();
    started = await startMock(dbFile, orgId, i === startsWanted - 1 ? profileDir : undefined);
    const first = await waitForAnswer(started.child, `${started.base}${reads[0]!.path}`, reads[0]!.headers as Record<string, string>, t0, 200, 30_000);
    starts.push({ statefulMs: started.startMs, firstSpecMs: first.ms });
  }
  const mock = started!;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const statefulMs = median(starts.map((s) => s.statefulMs));
  const firstSpecMs = median(starts.map((s) => s.firstSpecMs));
  console.log(
    `  start-up with the whole contract: stateful answer after ${starts.map((s) => s.statefulMs.toFixed(0)).join(", ")} ms (median ${statefulMs.toFixed(0)}), ` +
      `first spec-driven answer after ${starts.map((s) => s.firstSpecMs.toFixed(0)).join(", ")} ms (median ${firstSpecMs.toFixed(0)})`,
  );
  out.startup = { statefulMs, firstSpecMs, starts };
  if (config.only.has("spec-startup")) {
    rows.push({ figure: "start-up: stateful answer (whole contract)", mock: statefulMs, unit: "ms", target: `< ${TARGETS.startupMs} ms`, pass: statefulMs < TARGETS.startupMs });
    rows.push({ figure: "start-up: first spec-driven answer", mock: firstSpecMs, unit: "ms", target: `< ${TARGETS.firstSpecAnswerMs} ms`, pass: firstSpecMs < TARGETS.firstSpecAnswerMs });
  }

  let staticRun: RunFigures | undefined;
  if (config.only.has("spec-static")) {
    for (const r of reads) {
      const status = await probe(`${mock.base}${r.path}`, r.headers as Record<string, string>);
      if (status !== 200) throw new Error(`calcom-mock: GET ${r.path} answered ${status}`);
    }
    staticRun = await measure("spec-driven static GETs (8 operations)", mock.base, mock.child.pid, () => ({ requests: reads }));
  }

  if (config.only.has("spec-rss")) {
    // Every operation once: what Prism, the per-operation validators and the static answers hold.
    let answered = 0;
    for (const op of contract.operations) {
      const r = plausibleRequest(contract, op, orgId);
      const res = await fetch(`${mock.base}${r.path}`, {
        method: r.method,
        headers: { ...r.headers, ...admin, ...(r.body !== undefined && { "content-type": "application/json" }) },
        ...(r.body !== undefined && { body: JSON.stringify(r.body) }),
      });
      await res.arrayBuffer();
      if (res.status < 300 || answeredBy(op.operationId) === "state") answered++;
    }
    const rss = mb(procKb(mock.child.pid, "VmRSS"));
    const hwm = mb(procKb(mock.child.pid, "VmHWM"));
    console.log(`  every operation called once (${answered}/${contract.operations.length} answered as planned): RSS ${rss.toFixed(0)} MB, VmHWM ${hwm.toFixed(0)} MB`);
    out.allOperations = { operations: contract.operations.length, answered, rssMb: rss, peakRssMb: hwm };
    rows.push({ figure: "RSS after every operation once", mock: rss, unit: "MB", target: `< ${TARGETS.allOperationsRssMb} MB`, pass: rss < TARGETS.allOperationsRssMb });
  }
  await stopChild(mock.child);

  if (staticRun) {
    const st = performance.now();
    const port = await freePort();
    const prism = startChild("prism-cli", [PRISM_CLI, "mock", "-h", "127.0.0.1", "-p", String(port), "-v", "error", SPEC]);
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitForAnswer(prism, `${base}${reads[0]!.path}`, reads[0]!.headers as Record<string, string>, st, 200, 120_000);
    console.log(`\nPrism CLI 5.12 (prism mock -v error spec/calcom.openapi.json, pid ${prism.pid}): answered after ${ready.ms.toFixed(0)} ms`);
    const prismRun = await measure("spec-driven static GETs (8 operations)", base, prism.pid, () => ({ requests: reads }));
    await stopChild(prism, 5000);
    const vs = ratio(staticRun.reqPerSec, prismRun.reqPerSec);
    out.static = { mock: staticRun, prismCli: prismRun, prismCliStartMs: ready.ms };
    rows.push({ figure: "spec-driven static req/s", mock: staticRun.reqPerSec, unit: "req/s", prism: prismRun.reqPerSec });
    rows.push({ figure: "  vs Prism CLI", mock: vs, unit: "×", target: `≥ ${TARGETS.specVsPrismCli}×`, pass: vs === undefined ? undefined : vs >= TARGETS.specVsPrismCli });
    rows.push({ figure: "spec-driven static p99", mock: staticRun.p99Ms, unit: "ms", prism: prismRun.p99Ms, target: `< ${TARGETS.specP99Ms} ms`, pass: staticRun.p99Ms < TARGETS.specP99Ms });
  }
  return { rows, out };
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v2/slots

const SLOTS_HEADERS = { "cal-api-version": "2024-09-04" };
const DAY_MS = 86_400_000;
/** Rounds of the mixed phase, each beside its own bare-Express run. */
const MIXED_ROUNDS = 3;

/** The Monday of the week after `now` (UTC): a week whose days are all ahead of the minimum notice. */
function nextMonday(now: number): number {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const weekday = new Date(day).getUTCDay();
  return day + ((8 - weekday) % 7 || 7) * DAY_MS;
}

/**
 * The seeded large-org file with 50 accepted bookings added to one user's next week (the member key's user, Europe/
 * London, Monday to Friday 09:00-17:00: ten of the sixteen half hours of each day), as a file of its own, and what
 * the phase asks of it: that week's slots of the user's 30-minute event type in four shapes, and a month of the
 * largest round-robin event type.
 */
async function slotsFile(seededFile: string, file: string) {
  // The file may pack its large collections (src/store/packed.ts): read it as the build the mock runs reads it.
  const { parseDbText } = (await import(pathToFileURL(join(config.mockDist, "store", "database.js")).href)) as Partial<typeof import("../src/store/database.js")>;
  const bytes = readFileSync(seededFile);
  const doc = (parseDbText ? parseDbText(bytes, seededFile) : JSON.parse(bytes.toString("utf8"))) as State & Record<string, unknown>;
  const userId = doc.apiKeys.find((k) => k.key === MEMBER_KEY)!.userId;
  const eventType = doc.eventTypes.find((e) => e.userId === userId && e.length === 30 && !e.requiresConfirmation && !e.recurringEvent)!;
  const monday = nextMonday(Date.now());
  let id = Math.max(...doc.bookings.map((b) => b.id));
  let attendeeId = Math.max(0, ...doc.bookings.flatMap((b) => b.attendees.map((a) => a.id)));
  for (let d = 0; d < 5; d++) {
    for (const k of [0, 1, 3, 4, 6, 7, 9, 10, 12, 13]) {
      // Half hours from 09:00 on London's own clock (08:00 UTC in summer).
      const at = DateTime.fromMillis(monday + d * DAY_MS, { zone: "Europe/London" }).set({ hour: 9, minute: 0 }).plus({ minutes: k * 30 }).toMillis();
      id++;
      doc.bookings.push({
        id, uid: `benchSlotsBooking${id}`, userId, eventTypeId: eventType.id, title: "Bench booking", startTime: new Date(at).toISOString(),
        endTime: new Date(at + 30 * 60_000).toISOString(), status: "ACCEPTED", createdAt: new Date(monday - 7 * DAY_MS).toISOString(),
        attendees: [{ id: ++attendeeId, email: `bench${id}@example.com`, name: "Bench", timeZone: "Europe/London" }],
      });
    }
  }
  writeFileSync(file, JSON.stringify(doc));
  const week = `start=${new Date(monday).toISOString().slice(0, 10)}&end=${new Date(monday + 4 * DAY_MS).toISOString().slice(0, 10)}`;
  const weekPaths = [
    `/v2/slots?eventTypeId=${eventType.id}&${week}`,
    `/v2/slots?eventTypeId=${eventType.id}&${week}&format=range`,
    `/v2/slots?eventTypeId=${eventType.id}&${week}&timeZone=America/New_York`,
    `/v2/slots?eventTypeId=${eventType.id}&${week}&timeZone=Europe/London&format=range`,
  ];
  const roundRobin = doc.eventTypes.filter((e) => e.schedulingType === "ROUND_ROBIN").sort((a, b) => (b.hosts?.length ?? 0) - (a.hosts?.length ?? 0))[0]!;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const month = `/v2/slots?eventTypeId=${roundRobin.id}&start=${new Date(today).toISOString().slice(0, 10)}&end=${new Date(today + 30 * DAY_MS).toISOString().slice(0, 10)}&timeZone=Europe/Berlin`;
  return { userId, eventTypeId: eventType.id, weekPaths, roundRobin: { id: roundRobin.id, hosts: roundRobin.hosts?.length ?? 0, path: month } };
}

/**
 * GET /v2/slots on the large-org state, with the real clock: a user's week with 50 bookings at the configured
 * connections (kept by the response cache until the next whole minute, then once more with every answer computed)
 * beside bare Express serving the same bodies, and a month of a 50-host round-robin team one request
 * at a time.
 */
async function slotsPhase(seededFile: string, tmp: string, profileDir?: string): Promise<{ rows: Row[]; out: Record<string, unknown> }> {
  const rows: Row[] = [];
  const out: Record<string, unknown> = {};
  if (!config.only.has("slots")) return { rows, out };
  console.log("\nGET /v2/slots");
  const file = join(tmp, "slots.json");
  const plan = await slotsFile(seededFile, file);
  const loadBefore = loadavg();
  const mock = await startMock(file, 0, profileDir);
  const requests = (paths: string[]): RequestSpec[] => paths.map((path) => ({ method: "GET", path, headers: SLOTS_HEADERS }));
  const bodies: Record<string, unknown> = {};
  for (const path of [...plan.weekPaths, plan.roundRobin.path]) {
    const res = await fetch(`${mock.base}${path}`, { headers: SLOTS_HEADERS });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`calcom-mock: GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    bodies[path] = JSON.parse(text);
  }
  const slotCount = (path: string) => Object.values((bodies[path] as { data: Record<string, unknown[]> }).data).flat().length;
  console.log(`  a week of user ${plan.userId}'s event type ${plan.eventTypeId} with 50 bookings: ${slotCount(plan.weekPaths[0]!)} slots; round robin ${plan.roundRobin.id} (${plan.roundRobin.hosts} hosts), a month: ${slotCount(plan.roundRobin.path)} slots`);
  const week = await measure("GET /v2/slots, a booked week (4 shapes)", mock.base, mock.child.pid, () => ({ requests: requests(plan.weekPaths) }));

  // A month of the round-robin team, one request at a time: what one booking page asks, without queueing.
  const oneAtATime = async (label: string, base: string): Promise<RunFigures> => {
    process.stdout.write(`  ${label.padEnd(44)} `);
    if (config.warmup > 0) await cannon({ url: base, connections: 1, duration: config.warmup, requests: requests([plan.roundRobin.path]) });
    const run = figures(await cannon({ url: base, connections: 1, duration: config.duration, requests: requests([plan.roundRobin.path]) }));
    console.log(`${run.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(1)} ms  p99 ${run.p99Ms.toFixed(1)} ms  2xx ${run.ok}  non-2xx ${run.non2xx}`);
    return run;
  };
  const monthRun = await oneAtATime("GET /v2/slots, 50-host round robin, a month", mock.base);
  await stopChild(mock.child);

  // Slots answers are kept until the next whole minute, so the run above is mostly the cache; the same week
  // computed on every request is what a test pays when each request follows a write.
  const uncachedMock = await startMock(file, 0, undefined, ["--no-response-cache"]);
  const weekUncached = await measure("GET /v2/slots, a booked week (uncached)", uncachedMock.base, uncachedMock.child.pid, () => ({ requests: requests(plan.weekPaths) }));
  const monthUncached = await oneAtATime("GET /v2/slots, round robin month (uncached)", uncachedMock.base);
  await stopChild(uncachedMock.child);

  // Bare Express answering the same bodies for the same URLs.
  const bodiesFile = join(tmp, "slots-bodies.json");
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const express = startChild("express-slots", ["--import", "tsx", join(ROOT, "bench", "servers", "express-baseline.ts"), bodiesFile]);
  const port = await childPort(express);
  const expressBase = `http://127.0.0.1:${port}`;
  await waitForAnswer(express, `${expressBase}${plan.weekPaths[0]}`, SLOTS_HEADERS, performance.now(), 200, 60_000);
  console.log(`\nbare Express 5 serving the same slots bodies (pid ${express.pid})`);
  const expressWeek = await measure("GET /v2/slots, a booked week (4 shapes)", expressBase, express.pid, () => ({ requests: requests(plan.weekPaths) }));
  await stopChild(express, 5000);
  const loadAfter = loadavg();

  const vs = ratio(week.reqPerSec, expressWeek.reqPerSec);
  rows.push({ figure: "slots: a booked week req/s", mock: week.reqPerSec, unit: "req/s", express: expressWeek.reqPerSec });
  rows.push({ figure: "  vs bare Express", mock: vs, unit: "×", target: `≥ ${TARGETS.slotsVsExpress}×`, pass: vs === undefined ? undefined : vs >= TARGETS.slotsVsExpress });
  rows.push({ figure: "slots: a booked week p99", mock: week.p99Ms, unit: "ms", express: expressWeek.p99Ms, target: `< ${TARGETS.slotsP99Ms} ms`, pass: week.p99Ms < TARGETS.slotsP99Ms });
  const vsUncached = ratio(weekUncached.reqPerSec, expressWeek.reqPerSec);
  rows.push({ figure: "slots: the week uncached req/s", mock: weekUncached.reqPerSec, unit: "req/s", express: expressWeek.reqPerSec });
  // Shown beside the week's targets, not judged by them: the targets are the week as the mock serves it (the
  // response cache keeps a slots answer until the next whole minute or a write); this is every answer computed.
  rows.push({ figure: "  vs bare Express", mock: vsUncached, unit: "×", target: "(shown)" });
  rows.push({ figure: "slots: the week uncached p99", mock: weekUncached.p99Ms, unit: "ms", express: expressWeek.p99Ms, target: "(shown)" });
  rows.push({ figure: "slots: round-robin month p99 (1 conn.)", mock: monthRun.p99Ms, unit: "ms", target: `< ${TARGETS.slotsTeamMonthP99Ms} ms`, pass: monthRun.p99Ms < TARGETS.slotsTeamMonthP99Ms });
  rows.push({ figure: "slots: round-robin month uncached p99", mock: monthUncached.p99Ms, unit: "ms", target: `< ${TARGETS.slotsTeamMonthP99Ms} ms`, pass: monthUncached.p99Ms < TARGETS.slotsTeamMonthP99Ms });
  console.log(`  load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
  Object.assign(out, { plan, week, weekUncached, expressWeek, roundRobinMonth: monthRun, roundRobinMonthUncached: monthUncached, loadAvgBefore: loadBefore, loadAvgAfter: loadAfter });
  return { rows, out };
}

// ---------------------------------------------------------------------------------------------------------------
// Mixed load and a grown file

/** The reads of the mixed phase: the three read phases' URLs, interleaved, each with the key it needs. */
function mixedReadList(facts: Facts): Array<{ path: string; key: string }> {
  const list: Array<{ path: string; key: string }> = [];
  for (let i = 0; i < 8; i++) {
    list.push({ path: facts.assignedReadPaths[i]!, key: MEMBER_KEY });
    list.push({ path: facts.userReadPaths[i * 2]!, key: MEMBER_KEY });
    list.push({ path: facts.usersReadPaths[i]!, key: ADMIN_KEY });
  }
  return list;
}

/**
 * Latencies of one kind of request, in ms, measured from the request's setup to its answer. autocannon builds a
 * connection's next request right before it writes it (setupRequest, then the write), and reports each answer
 * (onResponse) before building the next one, so the two bracket the request as autocannon's own figure does. A
 * connection's first request is built before the connection is made, so its time includes connecting: one sample
 * in each connection's thousand or so.
 */
class Latencies {
  private samples: number[] = [];
  clear(): void {
    this.samples = [];
  }
  started(context: Record<string, unknown>): void {
    context.startedAt = performance.now();
  }
  answered(context: Record<string, unknown>): void {
    if (typeof context.startedAt === "number") this.samples.push(performance.now() - context.startedAt);
    context.startedAt = undefined;
  }
  percentile(p: number): number {
    if (this.samples.length === 0) return NaN;
    const sorted = Float64Array.from(this.samples).sort();
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  }
}

/** A request spec that cycles through `reads`, counting the 200s into `counter.ok` (and timing them into `times`). */
function readCycler(reads: Array<{ path: string; key: string }>, counter: { ok: number; next: number }, times?: Latencies): RequestSpec {
  return {
    method: "GET",
    path: "/",
    setupRequest: (req, context) => {
      const read = reads[counter.next++ % reads.length]!;
      times?.started(context);
      return { ...req, path: read.path, headers: { authorization: `Bearer ${read.key}` } };
    },
    onResponse: (status, _body, context) => {
      if (status === 200) counter.ok++;
      times?.answered(context);
    },
  };
}

/**
 * The seeded state after `writes` acknowledged writes, as a db file: alternating assigns and unassigns of Skills
 * options, made in this process through the same queries the API's handlers call (what each commits is what an
 * acknowledged write over HTTP journals; HTTP would only take minutes longer), then written as a compacted file.
 */
async function grownFile(seededFile: string, file: string, writes: number): Promise<void> {
  // From the build the mock runs, so the file is stamped as that build stamps it (see src/store/database.ts).
  const { Database, parseDbText } = (await import(pathToFileURL(join(config.mockDist, "store", "database.js")).href)) as Partial<typeof import("../src/store/database.js")> &
    Pick<typeof import("../src/store/database.js"), "Database">;
  const { assignOption, unassignOption } = (await import(pathToFileURL(join(config.mockDist, "store", "queries", "assignments.js")).href)) as typeof import("../src/store/queries/assignments.js");
  const db = await Database.open("memory", () => {
    // A build from before packed files (--mock-dist) has no parseDbText: its files are plain JSON.
    const bytes = readFileSync(seededFile);
    const doc = parseDbText ? parseDbText(bytes, seededFile) : (JSON.parse(bytes.toString("utf8")) as Record<string, unknown>);
    const { journalSeq: _seq, integrity: _stamp, ...state } = doc as unknown as State & { journalSeq?: number; integrity?: string };
    return state;
  });
  const store = db.store;
  const org = [...store.rows.organizations.values()][0]!;
  const adminKey = store.apiKeyByKey.get(ADMIN_KEY)!;
  const actor = { user: store.get("users", adminKey.userId)! };
  const skills = store.attributeByOrgSlug.get(`${org.id}:skills`)!;
  const options = [...(store.optionsByAttribute.get(skills.id)?.values() ?? [])];
  let done = 0;
  while (done < writes) {
    const before = done;
    for (const option of options) {
      for (const userId of store.userIdsByTeam.get(org.id) ?? []) {
        if (done >= writes) break;
        const m = store.membershipByTeamUser.get(`${org.id}:${userId}`);
        if (!m?.accepted || store.assignmentsByOption.get(option.id)?.has(m.id)) continue;
        await assignOption(db, org.id, userId, { attributeId: skills.id, attributeOptionId: option.id }, actor);
        done++;
        if (done < writes) {
          await unassignOption(db, org.id, userId, option.id, actor);
          done++;
        }
      }
    }
    if (done === before) throw new Error("bench: no (member, option) pair left to write");
  }
  const out = await Database.open(file, () => db.store.toState());
  await out.close();
}

// ---------------------------------------------------------------------------------------------------------------
// Bookings

/**
 * Durable bookings per second: POST /v2/bookings on the file store (a copy of the seeded large-org file), each
 * request a free slot of another host (the slot engine's own answer, computed here from the server's state), so each
 * can succeed; an acknowledgement means the booking is in the journal and synced. Bare Express answers the same
 * booking body in the same run, for the ceiling.
 */
async function bookingsPhase(seededFile: string, tmp: string, orgId: number): Promise<{ rows: Row[]; out: Record<string, unknown> }> {
  const rows: Row[] = [];
  if (!config.only.has("bookings")) return { rows, out: {} };
  const file = join(tmp, "bookings.json");
  copyFileSync(seededFile, file);
  const mock = await startMock(file, orgId);
  const state = ((await (await fetch(`${mock.base}/__admin/state`)).json()) as { data: State }).data;
  const store = new Store(state);
  const now = Date.now();
  const DAY = 86_400_000;
  // Enough slots for the fastest run imaginable: hosts interleaved, so consecutive bookings touch different hosts.
  const hosts = state.eventTypes.filter((e) => e.userId !== null && e.slug === "thirty-minutes").slice(0, 400);
  const perHost = hosts.map((et) =>
    computeSlots(slotsInputFor(store, et, { start: now + 2 * DAY, end: now + 62 * DAY, now })).map((slot) => ({ eventTypeId: et.id, start: new Date(slot.start).toISOString() })),
  );
  const pool: Array<{ eventTypeId: number; start: string }> = [];
  for (let i = 0; pool.length < 200_000 && perHost.some((list) => i < list.length); i++) for (const list of perHost) if (i < list.length) pool.push(list[i]!);
  console.log(`
bookings: calcom-mock (pid ${mock.child.pid}, file store), ${pool.length.toLocaleString("en")} free slots of ${hosts.length} hosts`);
  let next = 0;
  let wraps = 0;
  const book: RequestSpec = {
    method: "POST",
    path: "/v2/bookings",
    headers: { "content-type": "application/json", "cal-api-version": "2024-08-13" },
    setupRequest: (req) => {
      if (next >= pool.length) wraps++;
      const slot = pool[next++ % pool.length]!;
      return { ...req, body: JSON.stringify({ ...slot, attendee: { name: "Bench Booker", email: `bench${next}@bench.example`, timeZone: "Europe/London" } }) };
    },
  };
  const run = await measure("POST /v2/bookings (durable, 201)", mock.base, mock.child.pid, () => ({ requests: [book] }));
  // One more booking, for the body bare Express answers.
  const sample = pool[next++ % pool.length]!;
  const one = await fetch(`${mock.base}/v2/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json", "cal-api-version": "2024-08-13" },
    body: JSON.stringify({ ...sample, attendee: { name: "Bench Booker", email: "sample@bench.example", timeZone: "Europe/London" } }),
  });
  const body = (await one.json()) as unknown;
  const peak = mb(procKb(mock.child.pid, "VmHWM"));
  await stopChild(mock.child);

  const bodiesFile = join(tmp, "booking-body.json");
  writeFileSync(bodiesFile, JSON.stringify({ "/v2/bookings": body }));
  const st = performance.now();
  const express = startChild("express", ["--import", "tsx", join(ROOT, "bench", "servers", "express-baseline.ts"), bodiesFile]);
  const base = `http://127.0.0.1:${await childPort(express)}`;
  await waitForAnswer(express, `${base}/v2/bookings`, {}, st, 200, 60_000);
  console.log(`bare Express 5 (pid ${express.pid}), the same booking body`);
  const constant: RequestSpec = { method: "POST", path: "/v2/bookings", headers: book.headers!, body: JSON.stringify({ ...sample, attendee: { name: "Bench Booker", email: "x@bench.example", timeZone: "Europe/London" } }) };
  const baseline = await measure("POST /v2/bookings (constant answer)", base, express.pid, () => ({ requests: [constant] }));
  await stopChild(express, 5000);

  const vs = ratio(run.okPerSec, baseline.reqPerSec);
  rows.push({ figure: "bookings (POST) acked/s, file store", mock: run.okPerSec, unit: "/s", express: baseline.reqPerSec, target: `≥ ${TARGETS.bookingsPerSec}/s`, pass: run.okPerSec >= TARGETS.bookingsPerSec });
  rows.push({ figure: "  vs bare Express", mock: vs, unit: "×" });
  rows.push({ figure: "  bookings non-2xx", mock: run.non2xx + run.errors, unit: "" });
  rows.push({ figure: "  bookings p50 / p99", mock: run.p50Ms, unit: `ms / ${run.p99Ms.toFixed(1)} ms`, express: baseline.p50Ms });
  return { rows, out: { mock: run, express: baseline, slots: pool.length, hosts: hosts.length, poolWraps: wraps, peakRssMb: peak } };
}

// ---------------------------------------------------------------------------------------------------------------
// Main

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);

/**
 * The server's CPU µs per request beside Express's, and Express's over the mock's: the throughput ratio the CPU alone
 * would give, which other work on the machine disturbs less than req/s (informational: the targets are on req/s).
 */
function cpuRows(m: RunFigures, ex: RunFigures | undefined, prefix = ""): Row[] {
  if (m.cpuUsPerReq === undefined) return [];
  return [
    { figure: `${prefix}  server CPU per request`, mock: m.cpuUsPerReq, unit: "µs", express: ex?.cpuUsPerReq },
    { figure: `${prefix}  Express µs / mock µs`, mock: ratio(ex?.cpuUsPerReq, m.cpuUsPerReq), unit: "×" },
  ];
}

async function main(): Promise<void> {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run npm run build first (npm run bench does)`);
  const startedAt = new Date();
  const t0 = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), "calcom-mock-bench-"));
  const dbFile = join(tmp, "db.json");
  const seededFile = join(tmp, "seeded.json");
  const profileDir = config.cpuProf ? join(RESULTS_DIR, "profiles") : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  console.log(`calcom-mock bench: scenario ${SCENARIO}, seed ${SEED}, ${config.connections} connections, ${config.duration} s runs (+${config.warmup} s warm-up), file store in ${tmp}`);
  console.log(`  node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; mock: node ${[...launchFlags(), DIST_CLI].join(" ")}${config.mockNodeArgs.length ? ` with ${config.mockNodeArgs.join(" ")}` : ""}; baselines via node --import tsx`);

  // Everything here shares the machine's cores: other work running at the same time skews every figure.
  const loadBefore = loadavg();
  if (loadBefore[0]! > 0.5 * cpus().length) {
    console.log(`  warning: load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before the run: other processes are busy, expect noisy figures`);
  }
  const out: Record<string, unknown> = {
    timestamp: startedAt.toISOString(),
    machine: { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, loadAvgBefore: loadBefore },
    config: { ...config, only: [...config.only], scenario: SCENARIO, seed: SEED, mockRunsFrom: `${config.mockDist}/cli.js (compiled)`, store: "JSON file (snapshot + journal)" },
    targets: TARGETS,
  };

  try {
    // Seeding, in this process: reading, validating and seeding the recipe, without the file or the server.
    const s0 = performance.now();
    scenarioState(SCENARIO, SEED);
    const seedMs = performance.now() - s0;

    // 1. First start: no file yet, so the mock seeds it and writes the snapshot.
    console.log("\nstart-up");
    const first = await startMock(dbFile, 0);
    // Only the facts stay in this process: the parsed state is garbage once they are drawn from it.
    const facts = factsOf(((await (await fetch(`${first.base}/__admin/state`)).json()) as { data: State }).data);
    const stopFirstMs = await stopChild(first.child);
    const fileBytes = statSync(dbFile).size;
    // The spec phases start from this copy of the seeded file, so their figures measure the contract, not the
    // history the write phases add to dbFile (that start-up is reported on its own, below).
    copyFileSync(dbFile, seededFile);
    console.log(`  seedState (in-process): ${seedMs.toFixed(0)} ms; first start seeding the file: ${first.startMs.toFixed(0)} ms; file ${(fileBytes / 2 ** 20).toFixed(1)} MiB`);
    console.log(
      `  state: ${facts.acceptedMembers} accepted members in ${facts.teams} teams, ${facts.counts.attributes} attributes, ${facts.counts.attributeOptions} options, ${facts.counts.attributeAssignments} assignments, ${facts.counts.users} users`,
    );

    // 2. Start-ups with the file present; the last one stays up for the load runs.
    const startups: number[] = [];
    let mock: Awaited<ReturnType<typeof startMock>> | undefined;
    for (let i = 0; i < config.startups; i++) {
      // This process has just seeded a state and parsed another: let its collector finish with them first, or it
      // shares the cores with the start being timed (runs showed this start ~300 ms slower than the same file's
      // start in the spec phase, where this process is idle).
      await settle();
      mock = await startMock(dbFile, facts.orgId, i === config.startups - 1 ? profileDir : undefined);
      startups.push(mock.startMs);
      if (i < config.startups - 1) await stopChild(mock.child);
    }
    const startupMedian = [...startups].sort((a, b) => a - b)[Math.floor(startups.length / 2)]!;
    console.log(`  start-up with the file present: ${startups.map((s) => s.toFixed(0)).join(", ")} ms (median ${startupMedian.toFixed(0)})`);
    out.scenario = { seedStateMs: seedMs, firstStartSeedingMs: first.startMs, firstStopMs: stopFirstMs, fileBytes, ...facts.counts, acceptedMembers: facts.acceptedMembers, teams: facts.teams };
    out.startup = { runsMs: startups, medianMs: startupMedian, rssAfterStartMb: mb(procKb(mock!.child.pid, "VmRSS")) };

    // 3. The mock under load.
    const mockPid = mock!.child.pid;
    const assignedCap = await capture(mock!.base, facts.assignedReadPaths, MEMBER_KEY, "calcom-mock");
    const userCap = await capture(mock!.base, facts.userReadPaths, MEMBER_KEY, "calcom-mock");
    const usersCap = await capture(mock!.base, facts.usersReadPaths, ADMIN_KEY, "calcom-mock");
    console.log(`  org users bodies (two options, AND) ${(usersCap.meanBytes / 1024).toFixed(1)} KiB mean over ${facts.usersReadPaths.length} URLs (${usersCap.empty} empty)`);
    console.log(
      `\ncalcom-mock (pid ${mockPid}): assigned-options bodies ${(assignedCap.meanBytes / 1024).toFixed(1)} KiB mean over ${facts.assignedReadPaths.length} URLs (${assignedCap.empty} empty); user-options bodies ${(userCap.meanBytes / 1024).toFixed(2)} KiB mean over ${facts.userReadPaths.length} URLs`,
    );
    const mockRuns: Record<string, RunFigures> = {};
    const grownRows: Row[] = [];
    if (config.only.has("read-assigned")) {
      mockRuns.readAssigned = await measure("GET …/slugs/{slug}/options/assigned", mock!.base, mockPid, () => ({ requests: cycle(facts.assignedReadPaths, MEMBER_KEY) }));
    }
    if (config.only.has("read-user")) {
      mockRuns.readUser = await measure("GET …/attributes/options/{userId}", mock!.base, mockPid, () => ({ requests: cycle(facts.userReadPaths, MEMBER_KEY) }));
    }
    if (config.only.has("read-users")) {
      mockRuns.readUsers = await measure("GET …/users?assignedOptionIds=a,b (AND)", mock!.base, mockPid, () => ({ requests: cycle(facts.usersReadPaths, ADMIN_KEY) }));
    }
    // The mock's bodies for every URL read, for the bare Express run beside each uncached and mixed round.
    const readBodies = join(tmp, "read-bodies.json");
    writeFileSync(readBodies, JSON.stringify({ ...assignedCap.bodies, ...userCap.bodies, ...usersCap.bodies }));
    // The same reads with every answer computed afresh (--no-response-cache), on a second mock seeded in memory
    // with the same data: the cached figures above measure answers reused until a write, these the query itself.
    // Each is followed at once by bare Express serving the same reads, for the ratio: as in the mixed phase, a
    // baseline measured minutes away carries the machine's drift (a run had Express at 303 µs a request in the
    // baselines phase against 186 in the run before, and the ratios it gave were inflated by as much).
    const uncachedExpress: Partial<Record<"readAssigned" | "readUser" | "readUsers", RunFigures>> = {};
    if (config.only.has("read-uncached")) {
      const uncached = await startMock("memory", facts.orgId, undefined, ["--no-response-cache"]);
      const pid = uncached.child.pid;
      const express = startChild("express-uncached", ["--import", "tsx", join(ROOT, "bench", "servers", "express-baseline.ts"), readBodies]);
      const expressBase = `http://127.0.0.1:${await childPort(express)}`;
      await waitForAnswer(express, `${expressBase}${facts.userReadPaths[0]}`, { authorization: `Bearer ${MEMBER_KEY}` }, performance.now(), 200, 60_000);
      console.log(`\ncalcom-mock with --no-response-cache (pid ${pid}, memory store, same seed), each phase followed by bare Express (pid ${express.pid})`);
      const phases = [
        ["read-assigned", "readAssigned", "GET …/slugs/{slug}/options/assigned (uncached)", facts.assignedReadPaths, MEMBER_KEY],
        ["read-user", "readUser", "GET …/attributes/options/{userId} (uncached)", facts.userReadPaths, MEMBER_KEY],
        ["read-users", "readUsers", "GET …/users?assignedOptionIds=a,b (AND, uncached)", facts.usersReadPaths, ADMIN_KEY],
      ] as const;
      for (const [phase, key, label, paths, apiKey] of phases) {
        if (!config.only.has(phase)) continue;
        mockRuns[`${key}Uncached`] = await measure(label, uncached.base, pid, () => ({ requests: cycle(paths, apiKey) }));
        uncachedExpress[key] = await measure("  bare Express, the same reads", expressBase, express.pid!, () => ({ requests: cycle(paths, apiKey) }));
      }
      await stopChild(express, 5000);
      await stopChild(uncached.child);
      out.uncachedExpress = uncachedExpress;
    }
    // Mixed: 90% reads of the three phases' URLs, 10% writes, on the mock as it is configured by default (the
    // response cache on). The reads per second are compared with bare Express serving the same reads alone, run
    // right after each round: the machine's speed drifts over minutes (the same build's CPU per request moved by
    // 1.5x between runs), and a baseline measured minutes away carried that drift into the ratio.
    const mixedReads = mixedReadList(facts);
    const mixedCounter = { ok: 0, next: 0, writesOk: 0 };
    let mixedRounds: Array<{ round: number; mock: RunFigures; express: RunFigures; ratio: number }> = [];
    if (config.only.has("mixed")) {
      // Writes alternate: an assign of a pair from the end of the pool (so the assign phase, from its start, finds
      // its own pairs free), then the unassign of the oldest pair this phase had acknowledged. The state keeps its
      // size, so the reads' answers keep theirs, and bare Express serving the bodies captured before the phase
      // serves the same bytes. (With assigns alone, the filtered lists grew by an eighth each round, and the mock
      // was measured answering more bytes than Express.)
      let back = facts.assignPool.length - 1;
      let writes = 0;
      // Reads and writes timed apart: a write is answered once it is durable (its journal entry synced), and with
      // one request in ten a write, writes alone would make the p99 of all requests.
      const readTimes = new Latencies();
      const writeTimes = new Latencies();
      const expressTimes = new Latencies();
      const held: Array<{ userId: number; optionId: string }> = [];
      const write: RequestSpec = {
        // Method, path, headers and body are each request's own (setupRequest).
        method: "POST",
        path: "/",
        setupRequest: (req, context) => {
          context.pair = undefined;
          writeTimes.started(context);
          if (writes++ % 2 === 1 && held.length > 0) {
            const pair = held.shift()!;
            // Fresh headers each time: autocannon writes Content-Length into the object it is given, and a
            // DELETE carrying the last POST's length would leave the server waiting for a body.
            const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` };
            return { ...req, method: "DELETE", headers, body: undefined, path: `/v2/organizations/${facts.orgId}/attributes/options/${pair.userId}/${pair.optionId}` };
          }
          const pair = facts.assignPool[back--]!;
          context.pair = pair;
          return {
            ...req,
            method: "POST",
            headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
            path: `/v2/organizations/${facts.orgId}/attributes/options/${pair.userId}`,
            body: JSON.stringify({ attributeId: pair.attributeId, attributeOptionId: pair.optionId }),
          };
        },
        onResponse: (status, _body, context) => {
          writeTimes.answered(context);
          if (status < 200 || status >= 300) return;
          mixedCounter.writesOk++;
          const pair = context.pair as { userId: number; optionId: string } | undefined;
          if (pair) held.push(pair);
        },
      };
      const reads = readCycler(mixedReads, mixedCounter, readTimes);
      const express = startChild("express-mixed", ["--import", "tsx", join(ROOT, "bench", "servers", "express-baseline.ts"), readBodies]);
      const expressBase = `http://127.0.0.1:${await childPort(express)}`;
      await waitForAnswer(express, `${expressBase}${facts.userReadPaths[0]}`, { authorization: `Bearer ${MEMBER_KEY}` }, performance.now(), 200, 60_000);
      for (let round = 0; round < MIXED_ROUNDS; round++) {
        let warm = true;
        const run = await measure(`mixed: 90% reads, 10% writes (${round + 1}/${MIXED_ROUNDS})`, mock!.base, mockPid, () => {
          // The warm-up's answers are not counted.
          if (!warm) {
            Object.assign(mixedCounter, { ok: 0, writesOk: 0 });
            readTimes.clear();
            writeTimes.clear();
          }
          warm = false;
          return { requests: [...Array.from({ length: 9 }, () => reads), write] };
        });
        run.readsPerSec = mixedCounter.ok / run.durationS;
        run.writesPerSec = mixedCounter.writesOk / run.durationS;
        run.readP99Ms = readTimes.percentile(99);
        run.writeP99Ms = writeTimes.percentile(99);
        const counter = { ok: 0, next: 0 };
        let warmExpress = true;
        const alone = await measure("  bare Express, the same reads alone", expressBase, express.pid!, () => {
          if (!warmExpress) {
            counter.ok = 0;
            expressTimes.clear();
          }
          warmExpress = false;
          return { requests: [readCycler(mixedReads, counter, expressTimes)] };
        });
        alone.readsPerSec = counter.ok / alone.durationS;
        alone.readP99Ms = expressTimes.percentile(99);
        mixedRounds.push({ round: round + 1, mock: run, express: alone, ratio: run.readsPerSec / alone.readsPerSec });
        console.log(`    reads ${run.readsPerSec.toFixed(0)}/s (Express ${alone.readsPerSec.toFixed(0)}/s: ${(run.readsPerSec / alone.readsPerSec).toFixed(2)}x), acknowledged writes ${run.writesPerSec.toFixed(0)}/s, p99 reads ${run.readP99Ms.toFixed(1)} ms (Express ${alone.readP99Ms.toFixed(1)}) writes ${run.writeP99Ms.toFixed(1)} ms, bytes/response ${run.bytesPerResponse.toFixed(0)} (Express ${alone.bytesPerResponse.toFixed(0)})`);
      }
      await stopChild(express, 5000);
      // The round with the median ratio stands for the phase.
      mixedRounds = [...mixedRounds].sort((a, b) => a.ratio - b.ratio);
      mockRuns.mixed = mixedRounds[Math.floor(mixedRounds.length / 2)]!.mock;
      out.mixedRounds = mixedRounds.map((r) => ({ round: r.round, mockReadsPerSec: r.mock.readsPerSec, expressReadsPerSec: r.express.readsPerSec, ratio: r.ratio, mockCpuUsPerReq: r.mock.cpuUsPerReq, expressCpuUsPerReq: r.express.cpuUsPerReq, mockBytesPerResponse: r.mock.bytesPerResponse, expressBytesPerResponse: r.express.bytesPerResponse, mockReadP99Ms: r.mock.readP99Ms, mockWriteP99Ms: r.mock.writeP99Ms, expressReadP99Ms: r.express.readP99Ms }));
    }
    let assignWrap = 0;
    let unassignWrap = 0;
    let assignedPairs = 0;
    if (config.only.has("assign") || config.only.has("unassign")) {
      // Assign: each request takes the next pair of the pool; pairs acknowledged with 2xx are remembered so the
      // unassign run can take them back first.
      const acked: Array<{ userId: number; optionId: string }> = [];
      let next = 0;
      const assignRequest: RequestSpec = {
        method: "POST",
        path: "/",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        setupRequest: (req, context) => {
          if (next >= facts.assignPool.length) assignWrap++;
          const pair = facts.assignPool[next++ % facts.assignPool.length]!;
          context.pair = pair;
          return { ...req, path: `/v2/organizations/${facts.orgId}/attributes/options/${pair.userId}`, body: JSON.stringify({ attributeId: pair.attributeId, attributeOptionId: pair.optionId }) };
        },
        onResponse: (status, _body, context) => {
          const pair = context.pair as { userId: number; optionId: string } | undefined;
          if (pair && status >= 200 && status < 300) acked.push(pair);
        },
      };
      if (config.only.has("assign")) {
        mockRuns.assign = await measure("POST …/attributes/options/{userId} (assign)", mock!.base, mockPid, () => ({ requests: [assignRequest] }));
      }
      assignedPairs = acked.length;

      const unassignPool = [...acked.reverse(), ...facts.seededAssignments];
      let nextU = 0;
      const unassignRequest: RequestSpec = {
        method: "DELETE",
        path: "/",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        setupRequest: (req) => {
          if (nextU >= unassignPool.length) unassignWrap++;
          const pair = unassignPool[nextU++ % unassignPool.length]!;
          return { ...req, path: `/v2/organizations/${facts.orgId}/attributes/options/${pair.userId}/${pair.optionId}` };
        },
      };
      if (config.only.has("unassign")) {
        mockRuns.unassign = await measure("DELETE …/attributes/options/{userId}/{optionId}", mock!.base, mockPid, () => ({ requests: [unassignRequest] }));
      }
    }
    const mockPeakMb = mb(procKb(mockPid, "VmHWM"));
    const mockStopMs = await stopChild(mock!.child);
    console.log(`  peak RSS (VmHWM) ${mockPeakMb.toFixed(0)} MB; stop (journal folded into the file) ${mockStopMs.toFixed(0)} ms`);
    out.mock = { readPaths: { assigned: facts.assignedReadPaths, user: `${facts.userReadPaths.length} paths like ${facts.userReadPaths[0]}`, users: facts.usersReadPaths }, runs: mockRuns, peakRssMb: mockPeakMb, stopMs: mockStopMs, assignedPairs, assignPoolWraps: assignWrap, unassignPoolWraps: unassignWrap, readBodies: { assignedMeanBytes: assignedCap.meanBytes, userMeanBytes: userCap.meanBytes, assignedEmpty: assignedCap.empty } };

    // Start-up again, now that the file also holds the write phases' history (informational).
    if (mockRuns.assign || mockRuns.unassign) {
      const again = await startMock(dbFile, facts.orgId);
      const againHwm = mb(procKb(again.child.pid, "VmHWM"));
      await stopChild(again.child);
      const bytes = statSync(dbFile).size;
      console.log(`  start-up after the writes (file ${(bytes / 2 ** 20).toFixed(1)} MiB with their history): ${again.startMs.toFixed(0)} ms, VmHWM ${againHwm.toFixed(0)} MB`);
      out.startupAfterWrites = { ms: again.startMs, fileBytes: bytes, peakRssMb: againHwm };
    }

    // Start-up and memory on the file that 100,000 acknowledged writes grow (their history included).
    if (config.only.has("grown")) {
      const grown = join(tmp, "grown.json");
      const g0 = performance.now();
      await grownFile(seededFile, grown, TARGETS.grownWrites);
      const bytes = statSync(grown).size;
      console.log(`\nafter ${TARGETS.grownWrites.toLocaleString("en")} writes (made in ${((performance.now() - g0) / 1000).toFixed(0)} s; file ${(bytes / 2 ** 20).toFixed(1)} MiB)`);
      const runs: Array<{ ms: number; rssMb: number; hwmMb: number }> = [];
      for (let i = 0; i < config.startups; i++) {
        const started = await startMock(grown, facts.orgId);
        runs.push({ ms: started.startMs, rssMb: mb(procKb(started.child.pid, "VmRSS")), hwmMb: mb(procKb(started.child.pid, "VmHWM")) });
        await stopChild(started.child);
      }
      const median = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
      console.log(`  start-up: ${runs.map((r) => r.ms.toFixed(0)).join(", ")} ms (median ${median.ms.toFixed(0)}); RSS after start ${median.rssMb.toFixed(0)} MB, VmHWM ${median.hwmMb.toFixed(0)} MB`);
      out.grown = { writes: TARGETS.grownWrites, fileBytes: bytes, runs, median };
      grownRows.push({ figure: `start-up after ${TARGETS.grownWrites / 1000}k writes`, mock: median.ms, unit: "ms", target: `< ${TARGETS.startupMs} ms`, pass: median.ms < TARGETS.startupMs });
      grownRows.push({ figure: `peak RSS after ${TARGETS.grownWrites / 1000}k writes (start-up)`, mock: median.hwmMb, unit: "MB", target: `< ${TARGETS.peakRssMb} MB`, pass: median.hwmMb < TARGETS.peakRssMb });
    }

    // 4. The operations answered from the spec.
    const specRows = await specPhases(seededFile, facts.orgId, profileDir);
    out.spec = specRows.out;
    const slotsRows = await slotsPhase(seededFile, tmp, profileDir);
    out.slots = slotsRows.out;

    // 4b. Bookings, durable, beside bare Express.
    const bookingRows = await bookingsPhase(seededFile, tmp, facts.orgId);
    out.bookings = bookingRows.out;

    // 5. Baselines.
    const baselines: Record<string, { startMs: number; peakRssMb: number; runs: Record<string, RunFigures>; meanBytes?: Record<string, number> }> = {};
    if (config.only.has("baselines")) {
      const bodiesFile = join(tmp, "bodies.json");
      writeFileSync(bodiesFile, JSON.stringify({ ...assignedCap.bodies, ...userCap.bodies, ...usersCap.bodies }));
      const servers = [
        { key: "express", label: "bare Express 5 (same bodies)", args: ["--import", "tsx", join(ROOT, "bench", "servers", "express-baseline.ts"), bodiesFile] },
        { key: "prism", label: "Prism 5.12 static mock", args: ["--import", "tsx", join(ROOT, "bench", "servers", "prism-baseline.ts"), SPEC] },
      ];
      for (const s of servers) {
        const st = performance.now();
        const child = startChild(s.key, s.args);
        const port = await childPort(child);
        const base = `http://127.0.0.1:${port}`;
        const ready = await waitForAnswer(child, `${base}${facts.userReadPaths[0]}`, { authorization: `Bearer ${MEMBER_KEY}` }, st, 200, 60_000);
        const a = await capture(base, facts.assignedReadPaths, MEMBER_KEY, s.key);
        const u = await capture(base, facts.userReadPaths.slice(0, 20), MEMBER_KEY, s.key);
        console.log(`\n${s.label} (pid ${child.pid}): answered after ${ready.ms.toFixed(0)} ms; bodies ${(a.meanBytes / 1024).toFixed(1)} KiB / ${(u.meanBytes / 1024).toFixed(2)} KiB`);
        const runs: Record<string, RunFigures> = {};
        if (config.only.has("read-assigned")) {
          runs.readAssigned = await measure("GET …/slugs/{slug}/options/assigned", base, child.pid, () => ({ requests: cycle(facts.assignedReadPaths, MEMBER_KEY) }));
        }
        if (config.only.has("read-user")) {
          runs.readUser = await measure("GET …/attributes/options/{userId}", base, child.pid, () => ({ requests: cycle(facts.userReadPaths, MEMBER_KEY) }));
        }
        if (config.only.has("read-users")) {
          runs.readUsers = await measure("GET …/users?assignedOptionIds=a,b (AND)", base, child.pid, () => ({ requests: cycle(facts.usersReadPaths, ADMIN_KEY) }));
        }
        const peak = mb(procKb(child.pid, "VmHWM"));
        await stopChild(child, 5000);
        baselines[s.key] = { startMs: ready.ms, peakRssMb: peak, runs, meanBytes: { readAssigned: a.meanBytes, readUser: u.meanBytes } };
      }
      out.baselines = baselines;
    }

    // 6. The table.
    const rows: Row[] = [];
    const ex = baselines.express?.runs;
    const pr = baselines.prism?.runs;
    const pass = (ok: boolean | undefined) => ok;
    for (const [key, label] of [
      ["readAssigned", "read assigned options"],
      ["readUser", "read options of user"],
      ["readUsers", "read org users (2 options, AND)"],
    ] as const) {
      const m = mockRuns[key];
      if (!m) continue;
      const vsEx = ratio(m.reqPerSec, ex?.[key]?.reqPerSec);
      const vsPr = ratio(m.reqPerSec, pr?.[key]?.reqPerSec);
      rows.push({ figure: `${label} req/s`, mock: m.reqPerSec, unit: "req/s", express: ex?.[key]?.reqPerSec, prism: pr?.[key]?.reqPerSec });
      rows.push({ figure: `  vs bare Express`, mock: vsEx, unit: "×", target: `≥ ${TARGETS.readVsExpress}×`, pass: vsEx === undefined ? undefined : pass(vsEx >= TARGETS.readVsExpress) });
      rows.push(...cpuRows(m, ex?.[key]));
      rows.push({ figure: `  vs Prism`, mock: vsPr, unit: "×", target: `≥ ${TARGETS.readVsPrism}×`, pass: vsPr === undefined ? undefined : pass(vsPr >= TARGETS.readVsPrism) });
      rows.push({ figure: `${label} p50`, mock: m.p50Ms, unit: "ms", express: ex?.[key]?.p50Ms, prism: pr?.[key]?.p50Ms });
      rows.push({ figure: `${label} p99`, mock: m.p99Ms, unit: "ms", express: ex?.[key]?.p99Ms, prism: pr?.[key]?.p99Ms, target: `< ${TARGETS.readP99Ms} ms`, pass: m.p99Ms < TARGETS.readP99Ms });
      // The same reads without the response cache, against bare Express measured right after them.
      const u = mockRuns[`${key}Uncached`];
      const ue = uncachedExpress[key];
      if (u) {
        const vsExU = ratio(u.reqPerSec, ue?.reqPerSec);
        rows.push({ figure: `  uncached req/s (Express right after)`, mock: u.reqPerSec, unit: "req/s", express: ue?.reqPerSec });
        rows.push(...cpuRows(u, ue, "  uncached"));
        rows.push({ figure: `  uncached vs bare Express`, mock: vsExU, unit: "×", target: `≥ ${TARGETS.uncachedVsExpress}×`, pass: vsExU === undefined ? undefined : vsExU >= TARGETS.uncachedVsExpress });
        rows.push({ figure: `  uncached p99`, mock: u.p99Ms, unit: "ms", express: ue?.p99Ms, target: `< ${TARGETS.readP99Ms} ms`, pass: u.p99Ms < TARGETS.readP99Ms });
      }
    }
    for (const [key, label] of [
      ["assign", "assign (POST)"],
      ["unassign", "unassign (DELETE)"],
    ] as const) {
      const m = mockRuns[key];
      if (!m) continue;
      rows.push({ figure: `${label} acked writes/s`, mock: m.okPerSec, unit: "/s", target: `≥ ${TARGETS.writesPerSec}/s`, pass: m.okPerSec >= TARGETS.writesPerSec });
      rows.push({ figure: `${label} non-2xx`, mock: m.non2xx + m.errors, unit: "" });
      rows.push({ figure: `${label} p50 / p99`, mock: m.p50Ms, unit: `ms / ${m.p99Ms.toFixed(1)} ms` });
    }
    const median = mixedRounds[Math.floor(mixedRounds.length / 2)];
    if (median?.mock.readsPerSec !== undefined) {
      const { mock: mixed, express: alone, ratio: vs } = median;
      rows.push({ figure: "mixed (10% writes): reads/s (median round)", mock: mixed.readsPerSec, unit: "/s", express: alone.readsPerSec });
      // Per request answered, reads and writes alike (the mock's), against Express's per read.
      rows.push(...cpuRows(mixed, alone, " "));
      rows.push({ figure: "  vs bare Express (reads alone, same round)", mock: vs, unit: "×", target: `≥ ${TARGETS.mixedReadsVsExpress}×`, pass: vs >= TARGETS.mixedReadsVsExpress });
      rows.push({ figure: `  lowest of ${mixedRounds.length} rounds`, mock: mixedRounds[0]!.ratio, unit: "×" });
      rows.push({ figure: `  highest of ${mixedRounds.length} rounds`, mock: mixedRounds[mixedRounds.length - 1]!.ratio, unit: "×" });
      rows.push({ figure: "  acknowledged writes/s", mock: mixed.writesPerSec, unit: "/s" });
      rows.push({ figure: "  p99 of reads", mock: mixed.readP99Ms, unit: "ms", express: alone.readP99Ms, target: `< ${TARGETS.readP99Ms} ms`, pass: (mixed.readP99Ms ?? Infinity) < TARGETS.readP99Ms });
      rows.push({ figure: "  p99 of writes (answered once durable)", mock: mixed.writeP99Ms, unit: "ms" });
      rows.push({ figure: "  p99 of all requests", mock: mixed.p99Ms, unit: "ms", express: alone.p99Ms });
    }
    rows.push(...grownRows);
    rows.push(...specRows.rows);
    rows.push(...slotsRows.rows);
    rows.push(...bookingRows.rows);
    rows.push({ figure: "start-up, large-org file present", mock: startupMedian, unit: "ms", express: baselines.express?.startMs, prism: baselines.prism?.startMs, target: `< ${TARGETS.startupMs} ms`, pass: startupMedian < TARGETS.startupMs });
    rows.push({ figure: "peak RSS (VmHWM)", mock: mockPeakMb, unit: "MB", express: baselines.express?.peakRssMb, prism: baselines.prism?.peakRssMb, target: `< ${TARGETS.peakRssMb} MB`, pass: mockPeakMb < TARGETS.peakRssMb });

    const fmt = (v: number | undefined, unit = "") => (v === undefined ? "–" : unit === "×" ? `${v.toFixed(2)}×` : v >= 100 ? v.toFixed(0) : v.toFixed(1));
    const header = ["figure", "calcom-mock", "bare Express", "Prism", "target", "result"];
    const lines = rows.map((r) => [
      r.figure,
      `${fmt(r.mock, r.unit)}${r.unit && r.unit !== "×" ? ` ${r.unit}` : ""}`,
      fmt(r.express),
      fmt(r.prism),
      r.target ?? "",
      r.pass === undefined ? (r.target ? "n/a" : "") : r.pass ? "PASS" : "MISS",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${lines.map(line).join("\n")}`);
    out.table = rows;
    out.totalSeconds = (performance.now() - t0) / 1000;
    out.loadAvgAfter = loadavg();
    console.log(`\nbench took ${(out.totalSeconds as number).toFixed(0)} s; load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    for (const child of [...children]) {
      child.stopping = true;
      child.proc.kill("SIGKILL");
    }
    if (!config.keep) rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }

  if (crashes.length) out.crashes = crashes;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const json = `${JSON.stringify(out, null, 2)}\n`;
  writeFileSync(join(RESULTS_DIR, `${stamp}.json`), json);
  writeFileSync(join(RESULTS_DIR, "latest.json"), json);
  console.log(`results: bench/results/${stamp}.json (and bench/results/latest.json)`);
  if (crashes.length) {
    console.error(`\nbench: ${crashes.length} server(s) crashed:\n${crashes.join("\n")}`);
    process.exitCode = 1;
  }
}

// A hard bound on the whole run, whatever hangs.
const watchdog = setTimeout(() => {
  console.error("bench: gave up after 15 minutes");
  for (const child of children) child.proc.kill("SIGKILL");
  process.exit(1);
}, 15 * 60_000);
watchdog.unref();

main().then(
  () => {
    clearTimeout(watchdog);
  },
  (err: unknown) => {
    console.error(`bench: ${(err as Error).stack ?? String(err)}`);
    for (const child of children) child.proc.kill("SIGKILL");
    process.exitCode = 1;
  },
);
