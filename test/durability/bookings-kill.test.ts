import { afterAll, describe, expect, it } from "vitest";
import { computeSlots } from "../../src/scheduling/index.js";
import { slotsInputFor } from "../../src/store/queries/availability.js";
import type { State } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import { checkFiles, checkIntegrity, cleanup, getState, REQUEST_TIMEOUT_MS, sleep, startServer, tempDb, type Child, type Reply } from "./support.js";

/**
 * SIGKILL in the middle of a stream of bookings and cancellations, on one file db, again and again: after each
 * restart every booking acknowledged (201) is there as it was answered, every acknowledged cancellation too;
 * an unanswered one may or may not be, and no booking appears that nobody asked for.
 */

afterAll(cleanup);

const NOW = "2030-01-07T08:00:00Z";
const WORKERS = 6;

interface Attempt {
  eventTypeId: number;
  start: string;
  email: string;
  /** The answer's uid, once acknowledged. */
  uid?: string;
  booked: "acked" | "pending" | "no";
  cancel: "acked" | "pending" | "no";
}

async function send(url: string, path: string, body: unknown): Promise<Reply> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cal-api-version": "2024-08-13" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe("SIGKILL during a stream of bookings", () => {
  it("keeps every acknowledged booking and cancellation, over several kills, on one file", async () => {
    const db = tempDb();
    let server: Child = await startServer(db, ["--now", NOW]);
    // No seeded bookings: every booking in the file is one this test asked for.
    const seeded = (await getState(server.url)).state;
    const load = await fetch(`${server.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...seeded, bookings: [] }) });
    expect(load.status).toBe(200);
    const state: State = { ...seeded, bookings: [] };
    const store = new Store(state);
    // Each worker books its own host's free slots in order, so every refusal would be a failure.
    const queues = state.eventTypes
      .filter((e) => e.userId != null && e.slug === "thirty-minutes")
      .slice(0, WORKERS)
      .map((et, w) =>
        computeSlots(slotsInputFor(store, et, { start: Date.parse(NOW), end: Date.parse("2030-03-29T00:00:00Z"), now: Date.parse(NOW) })).map(
          (s): Attempt => ({ eventTypeId: et.id, start: new Date(s.start).toISOString(), email: `w${w}-${s.start}@durable.example`, booked: "no", cancel: "no" }),
        ),
      );
    expect(queues).toHaveLength(WORKERS);
    const failures: string[] = [];
    let acknowledged = 0;

    async function worker(url: string, queue: Attempt[], stop: { now: boolean }): Promise<void> {
      for (let step = 0; !stop.now; step++) {
        // Every third step cancels the last booking this worker made, if it has not been cancelled yet.
        const mine = queue.filter((a) => a.booked === "acked" && a.cancel === "no");
        if (step % 3 === 2 && mine.length > 0) {
          const a = mine.at(-1)!;
          a.cancel = "pending";
          let reply: Reply;
          try {
            reply = await send(url, `/v2/bookings/${a.uid}/cancel`, { cancellationReason: "durability" });
          } catch {
            return;
          }
          if (reply.status !== 200) {
            failures.push(`cancel ${a.uid} → ${reply.status} ${JSON.stringify(reply.body)}`);
            return;
          }
          a.cancel = "acked";
          acknowledged++;
          continue;
        }
        const a = queue.find((x) => x.booked === "no");
        if (!a) return;
        a.booked = "pending";
        let reply: Reply;
        try {
          reply = await send(url, "/v2/bookings", { start: a.start, eventTypeId: a.eventTypeId, attendee: { name: "Durable", email: a.email, timeZone: "Europe/London" } });
        } catch {
          return;
        }
        if (reply.status !== 201) {
          failures.push(`book ${a.start} → ${reply.status} ${JSON.stringify(reply.body)}`);
          return;
        }
        Object.assign(a, { uid: reply.body.data.uid as string, booked: "acked" });
        acknowledged++;
      }
    }

    function verify(after: State, when: string): void {
      checkIntegrity(after);
      const byKey = new Map(after.bookings.map((b) => [`${b.eventTypeId} ${b.startTime} ${b.attendees[0]?.email}`, b]));
      for (const a of queues.flat()) {
        const key = `${a.eventTypeId} ${new Date(a.start).toISOString()} ${a.email}`;
        const found = byKey.get(key);
        byKey.delete(key);
        if (a.booked === "acked") {
          expect(found?.uid, `${when}: acknowledged booking ${key}`).toBe(a.uid);
        } else if (a.booked === "pending") {
          // Unanswered: either outcome, settled from what the file holds.
          Object.assign(a, found ? { booked: "acked", uid: found.uid } : { booked: "no" });
        }
        if (a.cancel === "acked") expect(found?.status, `${when}: acknowledged cancel of ${key}`).toBe("CANCELLED");
        else if (a.cancel === "pending") a.cancel = found?.status === "CANCELLED" ? "acked" : "no";
        else if (found) expect(found.status, `${when}: ${key} was never cancelled`).toBe("ACCEPTED");
      }
      expect([...byKey.keys()], `${when}: bookings nobody made`).toEqual([]);
    }

    const endings: Array<{ acks: number; how: "kill" | "term" }> = [
      { acks: 0, how: "kill" },
      { acks: 20, how: "kill" },
      { acks: 80, how: "kill" },
      { acks: 40, how: "term" },
      { acks: 150, how: "kill" },
    ];
    for (const [cycle, ending] of endings.entries()) {
      const stop = { now: false };
      const target = acknowledged + ending.acks;
      const work = queues.map((queue) => worker(server.url, queue, stop));
      const deadline = Date.now() + 30_000;
      while (acknowledged < target && failures.length === 0 && Date.now() < deadline) await sleep(1);
      await server.kill(ending.how === "kill" ? "SIGKILL" : "SIGTERM");
      stop.now = true;
      await Promise.all(work);
      expect(failures, server.output()).toEqual([]);
      expect(acknowledged, `cycle ${cycle}: writes acknowledged before the kill`).toBeGreaterThanOrEqual(target);
      checkFiles(db);
      server = await startServer(db, ["--now", NOW]);
      verify((await getState(server.url)).state, `after cycle ${cycle} (${ending.how} after ${ending.acks} acknowledged writes)`);
    }
    await server.kill("SIGKILL");
  }, 120_000);
});
