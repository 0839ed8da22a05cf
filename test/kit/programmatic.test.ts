import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/index.js";
import { ADMIN_KEY, client, expectSuccess, makeTempDir, scenarioFacts } from "../support/harness.js";
import { admin, canListen } from "./helpers.js";

// Every server a test starts is closed after it, even when the test fails half-way.
const started: MockServer[] = [];
async function start(options: Parameters<typeof createMockServer>[0] = {}): Promise<MockServer> {
  const mock = await createMockServer({ port: 0, ...options });
  started.push(mock);
  return mock;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((m) => m.close()));
});

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("createMockServer", () => {
  it("starts on a free port with the seed and scenario asked for, and answers {url, close, reset, state}", async () => {
    const mock = await start({ seed: 7, scenario: "default", db: "memory" });
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.meta).toEqual({ seed: 7, scenario: "default", seeded: true });
    expect(typeof mock.close).toBe("function");
    expect(typeof mock.reset).toBe("function");
    const state = mock.state();
    expect(state.meta).toEqual({ seed: 7, scenario: "default" });
    expect(state.organizations).toHaveLength(1);

    const api = client(mock.url);
    const facts = scenarioFacts(state);
    const data = expectSuccess(await api.get(`/v2/organizations/${facts.org.id}/attributes`));
    expect(data.map((a: { id: string }) => a.id)).toEqual(state.attributes.map((a) => a.id));
  });

  it("defaults to the default scenario, seed 42, in memory", async () => {
    const mock = await start();
    expect(mock.meta).toEqual({ seed: 42, scenario: "default", seeded: true });
    expect(mock.database().location).toBe("memory");
  });

  it("keeps its state in a JSON file with db: <path>, and finds it again on the next start", async () => {
    const dir = makeTempDir();
    tempDirs.push(dir);
    const file = join(dir, "nested", "db.json");
    const first = await start({ db: file, seed: 3 });
    expect(first.meta.seeded).toBe(true);
    expect(existsSync(file)).toBe(true);
    const facts = scenarioFacts(first.state());
    const created = expectSuccess(
      await client(first.url).post(`/v2/organizations/${facts.org.id}/attributes`, { name: "Kept", slug: "kept", type: "TEXT", options: [] }),
      201,
    );
    await first.close();
    expect(JSON.parse(readFileSync(file, "utf8")).attributes.map((a: { id: string }) => a.id)).toContain(created.id);

    const second = await start({ db: file, seed: 3 });
    expect(second.meta).toEqual({ seed: 3, scenario: "default", seeded: false });
    expect(second.state().attributes.map((a) => a.id)).toContain(created.id);
  });

  describe("two servers in one process", () => {
    it("share nothing: a write to one is invisible in the other", async () => {
      const [a, b] = await Promise.all([start({ seed: 42 }), start({ seed: 42 })]);
      expect(a.port).not.toBe(b.port);
      expect(JSON.stringify(a.state())).toBe(JSON.stringify(b.state()));
      const orgId = scenarioFacts(a.state()).org.id;

      const created = expectSuccess(
        await client(a.url).post(`/v2/organizations/${orgId}/attributes`, { name: "Only in A", slug: "only-in-a", type: "TEXT", options: [] }),
        201,
      );
      expect(a.state().attributes.map((x) => x.slug)).toContain("only-in-a");
      expect(b.state().attributes.map((x) => x.slug)).not.toContain("only-in-a");
      const listB = expectSuccess(await client(b.url).get(`/v2/organizations/${orgId}/attributes`));
      expect(listB.map((x: { id: string }) => x.id)).not.toContain(created.id);
      await client(b.url).get(`/v2/organizations/${orgId}/attributes`);

      // Journals, faults and snapshots are per server too.
      expect((await admin(a.url, "GET", "/requests/count")).body.data.count).toBe(1);
      expect((await admin(b.url, "GET", "/requests/count")).body.data.count).toBe(2);
      await admin(a.url, "POST", "/faults", { path: "/v2/**", status: 503 });
      expect((await client(b.url).get(`/v2/organizations/${orgId}/attributes`)).status).toBe(200);
      expect((await client(a.url).get(`/v2/organizations/${orgId}/attributes`)).status).toBe(503);
      await admin(a.url, "POST", "/snapshot", { name: "a-only" });
      expect((await admin(b.url, "GET", "/snapshots")).body.data).toEqual([]);
    });

    it("made from different seeds hold different data", async () => {
      const [a, b] = await Promise.all([start({ seed: 1 }), start({ seed: 2 })]);
      const sa = a.state();
      const sb = b.state();
      expect(sa.meta.seed).toBe(1);
      expect(sb.meta.seed).toBe(2);
      expect(JSON.stringify(sa)).not.toBe(JSON.stringify(sb));
      expect(sa.attributes.map((x) => x.id)).not.toEqual(sb.attributes.map((x) => x.id));
      // The keyed users are the same people in both, so the same keys work on both.
      for (const mock of [a, b]) {
        const orgId = mock.state().organizations[0]!.id;
        expect((await client(mock.url).get(`/v2/organizations/${orgId}/attributes`, ADMIN_KEY)).status).toBe(200);
      }
    });
  });

  it("close() stops answering and frees the port", async () => {
    const mock = await start();
    const { port, url } = mock;
    expect(await canListen(port)).toBe(false);
    await mock.close();
    await mock.close(); // a second close is harmless
    await expect(fetch(`${url}/__admin/state`)).rejects.toThrow();
    expect(await canListen(port)).toBe(true);
    // The same port can serve a new mock at once.
    const again = await start({ port });
    expect(again.url).toBe(url);
    expect((await fetch(`${again.url}/__admin/snapshots`)).status).toBe(200);
  });

  it("close() ends open keep-alive connections instead of waiting for them", async () => {
    const mock = await start();
    const orgId = mock.state().organizations[0]!.id;
    // fetch keeps the connection open for reuse.
    expect((await client(mock.url).get(`/v2/organizations/${orgId}/attributes`)).status).toBe(200);
    await mock.close();
    expect(await canListen(mock.port)).toBe(true);
  });

  it("close({graceMs}) lets a request in flight finish, refuses new connections, and cuts what outlasts the grace", async () => {
    const mock = await start();
    const orgId = mock.state().organizations[0]!.id;
    const slow = (ms: number) =>
      fetch(`${mock.url}/v2/organizations/${orgId}/attributes`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, prefer: `delay=${ms}` } });
    const finishing = slow(300);
    const outlasting = slow(10_000).then(
      (res) => res.status,
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // both are in flight
    const t0 = Date.now();
    const closed = mock.close({ graceMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${mock.url}/__admin/health`)).rejects.toThrow(); // no new connections
    expect((await finishing).status).toBe(200);
    await closed;
    const took = Date.now() - t0;
    expect(await outlasting).toBe("cut");
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
  });

  it("close({graceMs}) does not wait out the grace for an open inspector's live stream: the stream ends", async () => {
    const mock = await start();
    const stream = await fetch(`${mock.url}/__admin/requests/stream`);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const ended = stream.text().then(
      () => "ended",
      () => "cut",
    );
    const t0 = Date.now();
    await mock.close({ graceMs: 3000 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await ended).toBe("ended");
  });

  it("answers GET /__admin/health once ready, and GET / with where everything is", async () => {
    const mock = await start({ seed: 7, scenario: "multi-org" });
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const health = await admin(mock.url, "GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: "success",
      data: { status: "ok", version, pid: process.pid, uptimeMs: expect.any(Number), db: "memory", scenario: "multi-org", seed: 7 },
    });
    const res = await fetch(`${mock.url}/`);
    expect(res.status).toBe(200);
    const home = (await res.json()) as { status: string; data: Record<string, string> };
    expect(home.status).toBe("success");
    expect(home.data).toMatchObject({
      name: "calcom-mock",
      version,
      apiBase: `${mock.url}/v2`,
      controlApi: `${mock.url}/__admin`,
      inspector: `${mock.url}/__inspector/`,
      operations: `${mock.url}/__admin/operations`,
      openapi: `${mock.url}/__admin/openapi.json`,
      health: `${mock.url}/__admin/health`,
    });
    // The links lead somewhere: the operations list and the contract answer.
    expect((await admin(mock.url, "GET", "/operations")).status).toBe(200);
    expect((await fetch(home.data.inspector!)).status).toBe(200);
    const contract = await fetch(home.data.openapi!);
    expect(contract.status).toBe(200);
    expect(((await contract.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    // The links are the address the client used.
    const viaLocalhost = (await (await fetch(`http://localhost:${mock.port}/`)).json()) as typeof home;
    expect(viaLocalhost.data.apiBase).toBe(`http://localhost:${mock.port}/v2`);
  });

  it("verbose: one line per request, the reason of a 4xx, and a line for each change of the data", async () => {
    const lines: string[] = [];
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const mock = await start({ verbose: true, log: (line) => lines.push(line) });
      const api = client(mock.url);
      await api.get("/v2/organizations/1/attributes");
      await api.get("/v2/organizations/1/nope");
      await api.post("/v2/organizations/1/attributes", { name: "" });
      await mock.reset({ scenario: "empty-org" });
      await admin(mock.url, "POST", "/snapshot", { name: "a" });
      await admin(mock.url, "POST", "/restore", { name: "a" });
      await admin(mock.url, "PUT", "/state", mock.state());
      await new Promise((resolve) => setImmediate(resolve));
      const out = written.join("").split("\n").filter(Boolean);
      expect(out[0]).toMatch(/^GET \/v2\/organizations\/1\/attributes 200 \d+\.\d ms$/);
      expect(out[1]).toMatch(/^GET \/v2\/organizations\/1\/nope 404 \d+\.\d ms  NotFoundException: .+/);
      expect(out[2]).toMatch(/^POST \/v2\/organizations\/1\/attributes 400 \d+\.\d ms  BadRequestException: body .+/);
      expect(out.slice(3).map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(["POST /__admin/snapshot 201", "POST /__admin/restore 200", "PUT /__admin/state 200"]);
      expect(lines).toEqual([
        "calcom-mock: state reset: scenario empty-org, seed 42; keys: cal_test_mock_admin_key (org 1)",
        'calcom-mock: snapshot "a" restored: scenario empty-org, seed 42; keys: cal_test_mock_admin_key (org 1)',
        "calcom-mock: state loaded (PUT /__admin/state): scenario empty-org, seed 42; keys: cal_test_mock_admin_key (org 1)",
      ]);
    } finally {
      process.stdout.write = write;
    }
  });

  it("reset() restores the seeded state after writes", async () => {
    const mock = await start({ seed: 11 });
    const seeded = JSON.stringify(mock.state());
    const api = client(mock.url);
    const facts = scenarioFacts(mock.state());
    const base = `/v2/organizations/${facts.org.id}`;
    const dept = facts.attr("department");
    const option = facts.optionsOf(dept.id)[0]!;
    expectSuccess(await api.post(`${base}/attributes`, { name: "Temp", slug: "temp", type: "TEXT", options: [] }), 201);
    expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${option.id}`, { value: "Renamed" }));
    expectSuccess(await api.del(`${base}/attributes/${facts.attr("skills").id}`));
    expect(JSON.stringify(mock.state())).not.toBe(seeded);

    expect(await mock.reset()).toEqual({ seed: 11, scenario: "default" });
    expect(JSON.stringify(mock.state())).toBe(seeded);
    const list = expectSuccess(await api.get(`${base}/attributes`));
    expect(list.map((a: { slug: string }) => a.slug)).toEqual(["department", "skills", "job-title", "years-of-experience", "legacy-region"]);
  });

  it("reset({seed, scenario}) switches to another seed or scenario, and reset() then keeps that choice", async () => {
    const mock = await start({ seed: 11 });
    const other = await start({ seed: 12, scenario: "multi-org" });
    expect(await mock.reset({ seed: 12, scenario: "multi-org" })).toEqual({ seed: 12, scenario: "multi-org" });
    expect(JSON.stringify(mock.state())).toBe(JSON.stringify(other.state()));
    await mock.reset();
    expect(mock.state().meta).toEqual({ seed: 12, scenario: "multi-org" });
    await expect(mock.reset({ scenario: "no-such-scenario" })).rejects.toThrow(/Unknown scenario "no-such-scenario"/);
    expect(mock.state().meta).toEqual({ seed: 12, scenario: "multi-org" });
  });

  it("state() is a copy: changing it does not change the server", async () => {
    const mock = await start();
    const before = JSON.stringify(mock.state());
    const copy = mock.state();
    copy.attributes[0]!.name = "Mutated";
    copy.attributes.splice(1, 1);
    copy.users.length = 0;
    copy.apiKeys[0]!.key = "cal_mutated";
    copy.organizations[0]!.id = 999;
    expect(JSON.stringify(mock.state())).toBe(before);

    const orgId = JSON.parse(before).organizations[0].id as number;
    const list = expectSuccess(await client(mock.url).get(`/v2/organizations/${orgId}/attributes`));
    expect(list[0].name).toBe("Department");
    expect(list).toHaveLength(5);
    // Two calls answer two distinct objects.
    expect(mock.state()).not.toBe(mock.state());
    expect(mock.state()).toEqual(mock.state());
  });

  it("refuses a bad option up front instead of starting", async () => {
    await expect(createMockServer({ scenario: "nope" })).rejects.toThrow(/Unknown scenario "nope"/);
    await expect(createMockServer({ rateLimit: "fast" })).rejects.toThrow(/rate limit/);
  });

  it("answers a clear error when the port is taken", async () => {
    const mock = await start();
    await expect(createMockServer({ port: mock.port })).rejects.toThrow(/port \d+ on 127.0.0.1 is already in use \(EADDRINUSE\)/);
  });
});
