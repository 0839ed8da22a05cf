import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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
    expect(lines[0]).toMatch(/was locked by process \d+, which is no longer running; lock taken over/);
    await mock.close();

    // A damaged lock file is stale too.
    writeFileSync(`${db}.lock`, "garbage");
    mock = await createMockServer({ db, log: () => {} });
    await mock.close();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
