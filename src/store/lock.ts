import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";

/**
 * One process serves a db file at a time. Two servers on one file lose acknowledged writes: the second folds the
 * first one's journal into the JSON file and deletes it, and the first keeps appending to a journal that is gone.
 * So before anything reads or changes the file, a server takes `<file>.lock`: created atomically (written under a
 * temporary name, then hard-linked into place, which fails if the name exists), holding the pid of its process.
 *
 * A lock whose process is gone (a server killed with SIGKILL, a power cut) is taken over, and the caller is told.
 * `kill(pid, 0)` alone cannot tell: it succeeds on a zombie (a server killed while its parent, killed too, never
 * reaps it, as in a container whose first process is no init) and on a later process that reuses the pid. So the
 * lock also records its process's start (on Linux the boot id and the start time in clock ticks, from /proc;
 * elsewhere what `ps` tells), and a holder is live only if a process of that pid exists, is not a zombie, and
 * started when the lock's did. A lock of this very process is held only while a server of this process holds it.
 */

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  /** Where the holder serves, once it knows. */
  url?: string;
  /** Tells this lock from a later one of the same pid. */
  token: string;
  /** When the holding process started, as `processStart` reads it; absent in locks of earlier versions. */
  processStart?: string;
}

/** Why a lock was taken over. */
export type StaleReason = "gone" | "zombie" | "pid reused" | "damaged";

interface ProcessFacts {
  /** False when no process has the pid. */
  exists: boolean;
  zombie?: boolean;
  /** An identifier of the process's start, comparable with another of the same platform. */
  start?: string;
  /** The wall-clock time it started, in ms, where that is known. */
  startedAtMs?: number;
}

let bootId: string | undefined;
let bootTimeMs: number | undefined;

/** Linux: the state and start time of a process, from /proc; undefined when /proc is not there. */
function procFacts(pid: number): ProcessFacts | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") {
      try {
        readFileSync("/proc/self/stat");
        return { exists: false };
      } catch {
        return undefined; // no /proc at all: not Linux
      }
    }
    return undefined;
  }
  // The command name, in parentheses, may hold spaces and parentheses: the fields start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0] ?? "";
  const ticks = fields[19] ?? "";
  try {
    bootId ??= readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    bootTimeMs ??= Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]) * 1000;
  } catch {
    bootId ??= "";
  }
  // Clock ticks are USER_HZ, 100 on every Linux build in practice.
  const startedAtMs = bootTimeMs ? bootTimeMs + Number(ticks) * 10 : undefined;
  return { exists: true, zombie: state === "Z" || state === "X", start: `linux:${bootId}:${ticks}`, ...(startedAtMs && { startedAtMs }) };
}

/** Other Unix systems: `ps`, where it runs; undefined where it does not (Windows). */
function psFacts(pid: number): ProcessFacts | undefined {
  if (process.platform === "win32") return undefined;
  try {
    const out = execFileSync("ps", ["-o", "stat=", "-o", "lstart=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 2000 }).trim();
    if (!out) return { exists: false };
    const [state = "", ...start] = out.split(/\s+/);
    const lstart = start.join(" ");
    const startedAtMs = Date.parse(lstart);
    return { exists: true, zombie: state.startsWith("Z"), start: `ps:${lstart}`, ...(Number.isFinite(startedAtMs) && { startedAtMs }) };
  } catch (err) {
    // ps exits 1 when no process has the pid; any other failure tells nothing.
    return (err as { status?: number }).status === 1 ? { exists: false } : undefined;
  }
}

/** What the platform tells of a process: /proc on Linux, ps on other Unix systems, kill(pid, 0) everywhere. */
function processFacts(pid: number): ProcessFacts {
  const facts = process.platform === "linux" ? procFacts(pid) : psFacts(pid);
  if (facts) return facts;
  try {
    process.kill(pid, 0);
    return { exists: true };
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return { exists: (err as NodeJS.ErrnoException).code === "EPERM" };
  }
}

let ownStart: string | undefined;
/** This process's start, as it goes into the lock. */
function processStart(): string | undefined {
  ownStart ??= processFacts(process.pid).start ?? "";
  return ownStart || undefined;
}

/** A db file already served by a live process. */
export class DbLockedError extends Error {
  readonly code = "EDBLOCKED";
  constructor(
    readonly file: string,
    readonly holder: { pid: number; host: string; url?: string | undefined },
    readonly lockFile: string,
  ) {
    const where = holder.url ? `, at ${holder.url}` : "";
    const other = holder.host === hostname() ? "" : ` on host ${holder.host}`;
    const self = holder.pid === process.pid && other === "" ? " (this process)" : "";
    super(
      `${file} is already served by process ${holder.pid}${self}${other}${where}; stop that server first, or give this ` +
        `one another db file (or memory)${other ? `; if that host no longer serves it, delete ${lockFile}` : ""}`,
    );
  }
}

/** Locks this process holds, by lock path: what the exit hook removes if close() never ran. */
const held = new Map<string, string>();
let exitHook: (() => void) | undefined;

function removeIfOurs(lockFile: string, token: string): void {
  try {
    if ((JSON.parse(readFileSync(lockFile, "utf8")) as Holder).token !== token) return;
    unlinkSync(lockFile);
  } catch {
    // Already gone, or replaced by a lock that is not ours: nothing to remove.
  }
}

function readHolder(lockFile: string): { raw: string; holder: Holder | undefined } | undefined {
  let raw: string;
  try {
    raw = readFileSync(lockFile, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(raw) as Holder;
    return { raw, holder: Number.isInteger(holder.pid) && holder.pid > 0 ? holder : undefined };
  } catch {
    // Never half-written (it is linked into place whole), so a lock that does not parse was damaged: stale.
    return { raw, holder: undefined };
  }
}

/** Why the holder no longer holds the lock, or undefined while it is a live server. */
function staleReason(lockFile: string, holder: Holder): StaleReason | undefined {
  // A process on another machine (a shared folder) cannot be asked: its lock stands.
  if (holder.host !== hostname()) return undefined;
  if (holder.pid === process.pid) return held.get(lockFile) === holder.token ? undefined : "pid reused";
  const facts = processFacts(holder.pid);
  if (!facts.exists) return "gone";
  if (facts.zombie) return "zombie";
  if (holder.processStart !== undefined && facts.start !== undefined) {
    // Compared only when both were read the same way (a lock from another platform's build keeps standing).
    const platform = (s: string) => s.slice(0, s.indexOf(":"));
    if (platform(holder.processStart) === platform(facts.start) && holder.processStart !== facts.start) return "pid reused";
  } else if (facts.startedAtMs !== undefined) {
    // A lock of an earlier version names no start: a process that started after the lock was taken is not its
    // holder (a second of slack for the clock's granularity).
    const lockedAt = Date.parse(holder.startedAt);
    if (Number.isFinite(lockedAt) && facts.startedAtMs > lockedAt + 1000) return "pid reused";
  }
  return undefined;
}

export interface DbLock {
  readonly file: string;
  /** The lock a process that is gone had left, if this one took it over, and how it was known to be gone. */
  readonly takenOverFrom: { pid: number; startedAt: string; reason: StaleReason } | undefined;
  /** Records where the server serves, for the message a second server gets. */
  describe(url: string): void;
  release(): void;
}

/** Takes the lock of a db file, or throws DbLockedError naming the process that holds it. */
export function lockDbFile(dbFile: string): DbLock {
  const file = resolve(dbFile);
  const lockFile = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const token = randomBytes(8).toString("hex");
  const start = processStart();
  const holder: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token, ...(start && { processStart: start }) };
  let takenOverFrom: DbLock["takenOverFrom"];

  for (let attempt = 0; attempt < 10; attempt++) {
    const temp = `${lockFile}.${process.pid}.${token}`;
    writeFileSync(temp, JSON.stringify(holder));
    try {
      linkSync(temp, lockFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const found = readHolder(lockFile);
      if (!found) continue; // released meanwhile: try again
      const reason = found.holder ? staleReason(lockFile, found.holder) : "damaged";
      if (found.holder && reason === undefined) throw new DbLockedError(file, found.holder, lockFile);
      // Stale. Moving it aside is atomic; if what was moved is not what was read, another process took the lock
      // over in between, and its lock goes back into place (link fails if yet another took the name meanwhile).
      const aside = `${lockFile}.stale.${process.pid}.${token}`;
      try {
        renameSync(lockFile, aside);
      } catch (renameErr) {
        if ((renameErr as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw renameErr;
      }
      if (readFileSync(aside, "utf8") === found.raw) {
        takenOverFrom = { pid: found.holder?.pid ?? 0, startedAt: found.holder?.startedAt ?? "?", reason: reason ?? "damaged" };
      } else {
        try {
          linkSync(aside, lockFile);
        } catch {
          // Someone else holds it now; the next attempt reads who.
        }
      }
      unlinkSync(aside);
      continue;
    } finally {
      unlinkSync(temp);
    }

    held.set(lockFile, token);
    exitHook ??= () => {
      for (const [path, t] of held) removeIfOurs(path, t);
    };
    if (held.size === 1) process.on("exit", exitHook);
    let released = false;
    return {
      file,
      takenOverFrom,
      describe(url) {
        if (released) return;
        // Rewritten in place: a reader sees the old or the new content, both naming this process.
        const temp = `${lockFile}.${process.pid}.${token}`;
        writeFileSync(temp, JSON.stringify({ ...holder, url }));
        renameSync(temp, lockFile);
      },
      release() {
        if (released) return;
        released = true;
        removeIfOurs(lockFile, token);
        held.delete(lockFile);
        if (held.size === 0 && exitHook) process.off("exit", exitHook);
      },
    };
  }
  throw new Error(`could not take ${lockFile}: other processes kept changing it`);
}
