import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { State } from "../../src/store/schema.js";
import { ADMIN_KEY } from "../support/harness.js";

/**
 * Child-process servers for the fault tests: `node --import tsx src/cli.ts --port 0 --db <file>`, the URL read
 * from its "listening on" line. Every child and temporary directory is tracked and removed by cleanup().
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;
export const REQUEST_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
const dirs: string[] = [];

export function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "calcom-mock-durability-"));
  dirs.push(dir);
  return join(dir, "db.json");
}

export interface Child {
  url: string;
  process: ChildProcess;
  /** Everything the child printed, for failure messages. */
  output(): string;
  /** Sends a signal and waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServer(db: string, extraArgs: string[] = []): Promise<Child> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("CALCOM_MOCK_")) delete env[key];
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "--port", "0", "--db", db, ...extraArgs], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => children.delete(child));
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${out}`)), STARTUP_TIMEOUT_MS);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return {
    url,
    process: child,
    output: () => out,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Runs the CLI on a db file to its end (it is expected to refuse to start): its exit code and all it printed. */
export async function runToExit(db: string, extraArgs: string[] = []): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("CALCOM_MOCK_")) delete env[key];
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "--port", "0", "--db", db, ...extraArgs], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), STARTUP_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(child);
  return { code, output: out };
}

/** Kills every child still running (each by its own handle) and removes the temporary directories. */
export async function cleanup(): Promise<void> {
  await killAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** SIGKILLs every child this module started that is still running, and waits for them to exit. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}

export interface Reply {
  status: number;
  body: any;
}

/** One API call; network errors (the server was killed) reject. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function getState(url: string): Promise<{ text: string; state: State }> {
  const res = await fetch(`${url}/__admin/state`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, state: (JSON.parse(text) as { data: State }).data };
}

/**
 * What a restart reads must be intact: the JSON file parses, and every journal line but the last of a segment
 * parses (only the append in flight when the process died may be torn).
 */
export function checkFiles(db: string): void {
  expect(existsSync(db), `${db} exists`).toBe(true);
  expect(() => JSON.parse(readFileSync(db, "utf8")), "the JSON file parses").not.toThrow();
  const dir = dirname(db);
  for (const name of readdirSync(dir).filter((n) => n.startsWith(`${basename(db)}.wal-`))) {
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    const complete = lines.slice(0, -1);
    for (const [i, line] of complete.entries()) {
      expect(() => JSON.parse(line), `${name} line ${i + 1} parses`).not.toThrow();
    }
  }
}

/** Referential integrity of the assignments: no duplicate pair, and each points at an option and a membership. */
export function checkIntegrity(state: State): void {
  const options = new Set(state.attributeOptions.map((o) => o.id));
  const attributes = new Set(state.attributes.map((a) => a.id));
  const memberships = new Set(state.memberships.map((m) => m.id));
  const pairs = new Set<string>();
  const ids = new Set<string>();
  for (const a of state.attributeAssignments) {
    const pair = `${a.memberId}:${a.attributeOptionId}`;
    expect(pairs.has(pair), `duplicate assignment ${pair}`).toBe(false);
    pairs.add(pair);
    expect(ids.has(a.id), `duplicate assignment id ${a.id}`).toBe(false);
    ids.add(a.id);
    expect(options.has(a.attributeOptionId), `assignment ${a.id} points at a missing option`).toBe(true);
    expect(memberships.has(a.memberId), `assignment ${a.id} points at a missing membership`).toBe(true);
  }
  for (const o of state.attributeOptions) expect(attributes.has(o.attributeId), `option ${o.id} points at a missing attribute`).toBe(true);
  const historyIds = new Set<string>();
  for (const h of state.assignmentHistory) {
    expect(historyIds.has(h.id), `duplicate history entry ${h.id}`).toBe(false);
    historyIds.add(h.id);
  }
}

/** Per (membership, option): how many ASSIGNED and UNASSIGNED history entries the state holds. */
export function historyCounts(state: State): Map<string, { assigned: number; unassigned: number }> {
  const counts = new Map<string, { assigned: number; unassigned: number }>();
  for (const entry of state.assignmentHistory) {
    for (const change of entry.changes) {
      const optionId = change.current?.optionId ?? change.previous?.optionId;
      if (!optionId || (change.type !== "ASSIGNED" && change.type !== "UNASSIGNED")) continue;
      const key = `${entry.memberId}:${optionId}`;
      const c = counts.get(key) ?? { assigned: 0, unassigned: 0 };
      if (change.type === "ASSIGNED") c.assigned++;
      else c.unassigned++;
      counts.set(key, c);
    }
  }
  return counts;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
