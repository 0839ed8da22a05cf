import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createMockServer } from "../../src/server.js";
import { scenarioFacts } from "../support/harness.js";
import { filesUnder } from "../support/files.js";
import { call, cleanup, getState, runToExit, startServer, tempDb } from "./support.js";

/**
 * One db file, one server. Two servers on one file used to lose acknowledged writes: the second folded the first
 * one's journal into the JSON file and deleted it (then failed on EADDRINUSE, or kept serving), and the first one's
 * later writes went to a journal that no longer existed.
 */

afterAll(cleanup);

/** A pid no process has any more: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("the db file lock", () => {
  it("refuses a second server on the same file, on a used port or another, and loses no acknowledged write", async () => {
    const db = tempDb();
    const first = await startServer(db);
    const facts = scenarioFacts((await getState(first.url)).state);
    const skills = facts.attr("skills");
    const acked: string[] = [];
    const write = async (slug: string) => {
      const reply = await call(first.url, "POST", `/v2/organizations/${facts.org.id}/attributes/${skills.id}/options`, { value: slug, slug });
      expect(reply.status).toBe(201);
      acked.push(slug);
    };
    for (let i = 0; i < 5; i++) await write(`before-${i}`);
    const lock = JSON.parse(readFileSync(`${db}.lock`, "utf8")) as { pid: number; url: string };
    expect(lock).toMatchObject({ pid: first.process.pid, url: first.url });

    // The second server on the first one's port: the port is bound before the file is touched.
    const files = filesUnder(dirname(db));
    const samePort = await runToExit(db, ["--port", new URL(first.url).port]);
    expect(samePort.code).toBe(1);
    expect(samePort.output).toMatch(new RegExp(`port ${new URL(first.url).port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\); pick another with --port <n>, or --port 0`));
    expect(filesUnder(dirname(db))).toEqual(files);
    for (let i = 0; i < 5; i++) await write(`between-${i}`);

    // The second server on another port: the lock names the file and the process that serves it.
    const filesNow = filesUnder(dirname(db));
    const otherPort = await runToExit(db);
    expect(otherPort.code).toBe(1);
    expect(otherPort.output).toContain(`calcom-mock: ${db} is already served by process ${first.process.pid}, at ${first.url}; stop that server first, or give this one another --db (or --db memory)`);
    expect(filesUnder(dirname(db))).toEqual(filesNow);
    for (let i = 0; i < 5; i++) await write(`after-${i}`);

    // The first server keeps serving, and a restart after it is killed finds every acknowledged write.
    await first.kill("SIGKILL");
    const restarted = await startServer(db);
    expect(restarted.output()).toContain(`${db} was locked by process ${first.process.pid}, which is no longer running; lock taken over`);
    const held = new Set((await getState(restarted.url)).state.attributeOptions.map((o) => o.slug));
    expect(acked.filter((slug) => !held.has(slug))).toEqual([]);
    expect(acked).toHaveLength(15);

    // A clean stop releases the lock.
    await restarted.kill("SIGTERM");
    expect(existsSync(`${db}.lock`)).toBe(false);
  }, 60_000);

  it("refuses a second server in the same process, and lets it start once the first has closed", async () => {
    const db = tempDb();
    const first = await createMockServer({ db });
    try {
      await expect(createMockServer({ db })).rejects.toThrow(`${db} is already served by process ${process.pid} (this process), at ${first.url}`);
      // Refused before listening long: its port is free again, and the first server still serves.
      expect((await fetch(`${first.url}/__admin/health`)).status).toBe(200);
    } finally {
      await first.close();
    }
    expect(existsSync(`${db}.lock`)).toBe(false);
    const second = await createMockServer({ db });
    expect(second.meta.seeded).toBe(false);
    await second.close();
  });

  it("takes over a lock whose process is gone, or an earlier process's lock with this process's pid, saying so", async () => {
    const db = tempDb();
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const pid = await deadPid();
    writeFileSync(`${db}.lock`, JSON.stringify({ pid, host: (await import("node:os")).hostname(), startedAt: "2020-01-01T00:00:00.000Z", token: "x" }));
    let mock = await createMockServer({ db, log });
    expect(lines).toEqual([`calcom-mock: ${db} was locked by process ${pid}, which is no longer running; lock taken over (its journal is replayed now)`]);
    expect(JSON.parse(readFileSync(`${db}.lock`, "utf8"))).toMatchObject({ pid: process.pid, url: mock.url });
    await mock.close();

    // Pids start again from 1 in a container: a lock of this pid that no server of this process holds is stale.
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: process.pid, host: (await import("node:os")).hostname(), startedAt: "2020-01-01T00:00:00.000Z", token: "y" }));
    lines.length = 0;
    mock = await createMockServer({ db, log });
    expect(lines[0]).toMatch(/was locked by process \d+, which is no longer running \(its pid now belongs to another process\); lock taken over/);
    await mock.close();

    // A damaged lock file is stale too.
    writeFileSync(`${db}.lock`, "garbage");
    mock = await createMockServer({ db, log: () => {} });
    await mock.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it("takes over the lock of a zombie server (killed, never reaped), says so, and keeps its acknowledged writes", async () => {
    const db = tempDb();
    // The server runs in the background of a shell that then becomes `sleep`: sleep never reaps it, so once the
    // server is killed it stays a zombie until sleep goes, as under a container's first process that is no init.
    const holder = spawn("sh", ["-c", `"${process.execPath}" --import tsx src/cli.ts --port 0 --db "${db}" --quiet >/dev/null 2>&1 & exec sleep 120`], {
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      stdio: "ignore",
    });
    try {
      let lock: { pid: number; url?: string } | undefined;
      for (let i = 0; i < 400 && !lock?.url; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (existsSync(`${db}.lock`)) lock = JSON.parse(readFileSync(`${db}.lock`, "utf8")) as { pid: number; url?: string };
      }
      expect(lock?.url, "the background server took the lock").toBeDefined();
      const { pid, url } = lock as { pid: number; url: string };
      const facts = scenarioFacts((await getState(url)).state);
      const skills = facts.attr("skills");
      expect((await call(url, "POST", `/v2/organizations/${facts.org.id}/attributes/${skills.id}/options`, { value: "zombie", slug: "zombie" })).status).toBe(201);
      process.kill(pid, "SIGKILL");
      let state = "";
      for (let i = 0; i < 100 && state !== "Z"; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!;
      }
      expect(state, "the killed server is a zombie").toBe("Z");
      // kill(pid, 0) still succeeds on it: what the lock used to go by.
      expect(() => process.kill(pid, 0)).not.toThrow();

      const lines: string[] = [];
      const mock = await createMockServer({ db, log: (line) => lines.push(line) });
      try {
        expect(lines).toContain(`calcom-mock: ${db} was locked by process ${pid}, which is no longer running (a zombie: it was killed and nothing reaped it); lock taken over (its journal is replayed now)`);
        expect(mock.state().attributeOptions.map((o) => o.slug)).toContain("zombie");
      } finally {
        await mock.close();
      }
    } finally {
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
    }
  }, 60_000);

  it("takes over a lock whose pid a later process reuses, and refuses while its live holder serves", async () => {
    const db = tempDb();
    const { hostname } = await import("node:os");
    // A live process that is not the lock's holder: the lock names its pid with another start.
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      await new Promise((r) => other.once("spawn", r));
      const pid = other.pid!;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
      const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
      const lines: string[] = [];
      const log = (line: string) => lines.push(line);
      const reused = `calcom-mock: ${db} was locked by process ${pid}, which is no longer running (its pid now belongs to another process); lock taken over (its journal is replayed now)`;

      writeFileSync(`${db}.lock`, JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), token: "a", processStart: `linux:${bootId}:${ticks - 1}` }));
      let mock = await createMockServer({ db, log });
      await mock.close();
      expect(lines).toEqual([reused]);

      // A lock of an earlier version records no start: it went by the time the lock was taken, which was before
      // the process with that pid started.
      lines.length = 0;
      writeFileSync(`${db}.lock`, JSON.stringify({ pid, host: hostname(), startedAt: "2020-01-01T00:00:00.000Z", token: "b" }));
      mock = await createMockServer({ db, log });
      await mock.close();
      expect(lines).toEqual([reused]);

      // The same pid and start as the live process: that is its holder, and the lock stands.
      writeFileSync(`${db}.lock`, JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), token: "c", processStart: `linux:${bootId}:${ticks}` }));
      await expect(createMockServer({ db, log })).rejects.toThrow(`${db} is already served by process ${pid}`);
    } finally {
      other.kill("SIGKILL");
    }

    // A live server in another process is refused, whatever the lock records of it.
    const db2 = tempDb();
    const live = await startServer(db2);
    const recorded = JSON.parse(readFileSync(`${db2}.lock`, "utf8")) as { pid: number; processStart?: string };
    expect(recorded.processStart).toMatch(/^linux:[0-9a-f-]+:\d+$/);
    const refused = await runToExit(db2);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`is already served by process ${live.process.pid}`);
    await live.kill("SIGKILL");
  }, 60_000);
});
