import { afterAll, describe, expect, it } from "vitest";
import { scenarioFacts } from "../support/harness.js";
import { call, checkFiles, checkIntegrity, cleanup, getState, killAll, sleep, startServer, tempDb } from "./support.js";

/**
 * A restart after a crash replays the journal and compacts it into the JSON file before it listens. Killing that
 * start-up at various moments must lose nothing either: the files stay readable and every write acknowledged
 * before the first crash is there once a start completes.
 */

afterAll(cleanup);

const SLUG_PREFIX = "durable-";

describe("SIGKILL during start-up", () => {
  it("a kill during start-up (journal replay and compaction) loses nothing", async () => {
    const db = tempDb();
    let server = await startServer(db);
    const state = (await getState(server.url)).state;
    const facts = scenarioFacts(state);
    const skills = facts.attr("skills");
    const slugs: string[] = [];
    for (let i = 0; i < 60; i++) {
      const slug = `${SLUG_PREFIX}startup-${i}`;
      const reply = await call(server.url, "POST", `/v2/organizations/${facts.org.id}/attributes/${skills.id}/options`, { value: slug, slug });
      expect(reply.status).toBe(201);
      slugs.push(slug);
    }
    const started = Date.now();
    await server.kill("SIGKILL");
    // The next start replays 60 entries and compacts them into the JSON file before it listens: kill it at
    // moments spread over its start-up, then let one start finish.
    const startup = Date.now() - started + 900;
    for (const fraction of [0.4, 0.75, 0.95]) {
      const attempt = startServer(db).catch(() => undefined);
      await sleep(Math.round(startup * fraction));
      await killAll();
      await attempt;
      checkFiles(db);
    }
    server = await startServer(db);
    const after = (await getState(server.url)).state;
    checkIntegrity(after);
    const held = new Set(after.attributeOptions.map((o) => o.slug));
    expect(slugs.filter((s) => !held.has(s))).toEqual([]);
    await server.kill("SIGKILL");
  }, 60_000);
});
