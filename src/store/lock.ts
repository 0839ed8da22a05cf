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
 * A lock of this very process is held only while a server of this process holds it: a lock left by an earlier
 * process that had the same pid (common in containers, where pids restart from 1) is stale.
 */

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  /** Where the holder serves, once it knows. */
  url?: string;
  /** Tells this lock from a later one of the same pid. */
  token: string;
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

function isAlive(lockFile: string, holder: Holder): boolean {
  // A process on another machine (a shared folder) cannot be asked: its lock stands.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return held.get(lockFile) === holder.token;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface DbLock {
  readonly file: string;
  /** The lock a process that is gone had left, if this one took it over. */
  readonly takenOverFrom: { pid: number; startedAt: string } | undefined;
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
  const holder: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token };
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
      if (found.holder && isAlive(lockFile, found.holder)) throw new DbLockedError(file, found.holder, lockFile);
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
        takenOverFrom = { pid: found.holder?.pid ?? 0, startedAt: found.holder?.startedAt ?? "?" };
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
