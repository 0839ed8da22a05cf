import { request as httpRequest, type IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { MAX_JOURNALED_BODY, type LoggedRequest } from "../../src/admin/request-log.js";
import { MEMBER_KEY, expectError, freshScenarioEachTest, type FreshScenario } from "../support/harness.js";
import { admin, waitFor } from "./helpers.js";

// The read endpoints under /__admin that the web inspector is built from, and the live journal.

let f: FreshScenario;
freshScenarioEachTest((fresh) => {
  f = fresh;
});

const read = async <T = any>(path: string): Promise<T> => {
  const res = await admin(f.mock.url, "GET", path);
  expect(res.status, res.text).toBe(200);
  expect(res.body.status).toBe("success");
  return res.body.data as T;
};

describe("organization, teams and members", () => {
  it("GET /__admin/organizations counts each organization's teams, members, invitations and attributes", async () => {
    const { org, teams, memberUserIds, pendingUserIds } = f.facts;
    expect(await read("/organizations")).toEqual([
      {
        id: org.id,
        name: org.name,
        slug: org.slug,
        teams: teams.length,
        members: memberUserIds.length,
        pendingInvitations: pendingUserIds.length,
        attributes: f.state.attributes.filter((a) => a.teamId === org.id).length,
      },
    ]);
  });

  it("GET …/teams lists the organization's teams with their member counts", async () => {
    const { org, teams } = f.facts;
    const listed = await read<Array<{ id: number; name: string; members: number }>>(`/organizations/${org.id}/teams`);
    expect(listed.map((t) => t.id)).toEqual(teams.map((t) => t.id));
    for (const team of listed) {
      expect(team.members).toBe(f.state.memberships.filter((m) => m.teamId === team.id && m.accepted).length);
    }
  });

  it("GET …/members pages members and invitations, and filters by text, status, role and team", async () => {
    const { org, memberUserIds, pendingUserIds, teams } = f.facts;
    const everyone = [...memberUserIds, ...pendingUserIds].sort((a, b) => a - b);
    const first = await read(`/organizations/${org.id}/members?take=10`);
    expect(first).toMatchObject({ total: everyone.length, skip: 0, take: 10 });
    const second = await read(`/organizations/${org.id}/members?take=10&skip=10`);
    const third = await read(`/organizations/${org.id}/members?take=10&skip=20`);
    const ids = [...first.items, ...second.items, ...third.items].map((m: { userId: number }) => m.userId);
    expect([...ids].sort((a, b) => a - b)).toEqual(everyone);

    const pending = await read(`/organizations/${org.id}/members?status=pending`);
    expect(pending.items.map((m: { userId: number }) => m.userId).sort()).toEqual([...pendingUserIds].sort());
    expect(pending.items.every((m: { accepted: boolean }) => !m.accepted)).toBe(true);

    const member = f.state.users.find((u) => u.id === f.facts.memberId)!;
    const found = await read(`/organizations/${org.id}/members?q=${encodeURIComponent(member.email.toUpperCase())}`);
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ userId: member.id, name: member.name, email: member.email, role: "MEMBER", accepted: true });
    expect((await read(`/organizations/${org.id}/members?q=${member.id}`)).items.map((m: { userId: number }) => m.userId)).toContain(member.id);

    const owners = await read(`/organizations/${org.id}/members?role=owner`);
    expect(owners.items.map((m: { role: string }) => m.role)).toEqual(["OWNER"]);

    const team = teams[0]!;
    const inTeam = await read(`/organizations/${org.id}/members?teamId=${team.id}&take=500`);
    const teamUserIds = f.state.memberships.filter((m) => m.teamId === team.id).map((m) => m.userId);
    expect(inTeam.items.map((m: { userId: number }) => m.userId).sort()).toEqual([...teamUserIds].sort());
    for (const m of inTeam.items) expect(m.teams.map((t: { id: number }) => t.id)).toContain(team.id);
  });

  it("GET …/members/{userId} gives the options a member holds, with weights, as the API lists them", async () => {
    const { org, memberId, base } = { ...f.facts, base: f.base };
    const held = (await f.api.get(`${base}/attributes/options/${memberId}`, MEMBER_KEY)).body.data as Array<{ id: string; value: string }>;
    const detail = await read(`/organizations/${org.id}/members/${memberId}`);
    expect(detail.options.map((o: { option: { id: string } }) => o.option.id)).toEqual(held.map((o) => o.id));
    const membership = f.facts.orgMembership(memberId)!;
    for (const o of detail.options) {
      const assignment = f.state.attributeAssignments.find((a) => a.memberId === membership.id && a.attributeOptionId === o.option.id)!;
      expect(o.weight).toBe(assignment.weight);
      expect(o.attribute.name).toBe(f.state.attributes.find((a) => a.id === o.attribute.id)!.name);
    }
    const pendingId = f.facts.pendingUserIds[0]!;
    expect(await read(`/organizations/${org.id}/members/${pendingId}`)).toMatchObject({ userId: pendingId, accepted: false, options: [] });
  });

  it("GET …/members/{userId}/history pages the history newest first", async () => {
    const { org, memberId, attr } = f.facts;
    const dept = attr("department");
    const options = f.facts.optionsOf(dept.id);
    const held = new Set(f.state.attributeAssignments.filter((a) => a.memberId === f.facts.orgMembership(memberId)!.id).map((a) => a.attributeOptionId));
    for (const option of options.filter((o) => !held.has(o.id)).slice(0, 3)) {
      await f.api.post(`${f.base}/attributes/options/${memberId}`, { attributeId: dept.id, attributeOptionId: option.id });
    }
    const page = await read(`/organizations/${org.id}/members/${memberId}/history?take=2`);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items).toHaveLength(2);
    const api = (await f.api.get(`${f.base}/attributes/assignments/${memberId}/history?limit=2`)).body.data;
    expect(page.items.map((e: { id: string }) => e.id)).toEqual(api.auditLogs.map((e: { id: string }) => e.id));
    const next = await read(`/organizations/${org.id}/members/${memberId}/history?take=2&skip=2`);
    expect(next.items[0].id).not.toBe(page.items[1].id);
  });
});

describe("attributes, options and holders", () => {
  it("GET …/attributes lists attributes with option and assignment counts, filterable", async () => {
    const { org } = f.facts;
    const page = await read(`/organizations/${org.id}/attributes`);
    const attributes = f.state.attributes.filter((a) => a.teamId === org.id);
    expect(page.items.map((a: { name: string }) => a.name)).toEqual(attributes.map((a) => a.name));
    for (const a of page.items) {
      const optionIds = new Set(f.state.attributeOptions.filter((o) => o.attributeId === a.id).map((o) => o.id));
      expect(a.options).toBe(optionIds.size);
      expect(a.assignments).toBe(f.state.attributeAssignments.filter((x) => optionIds.has(x.attributeOptionId)).length);
    }
    expect((await read(`/organizations/${org.id}/attributes?q=skil`)).items.map((a: { slug: string }) => a.slug)).toEqual(["skills"]);
  });

  it("GET …/options counts holders under teamIds and assignedOptionIds exactly as the API's assigned options list them", async () => {
    const { org, attr, teams } = f.facts;
    const skills = attr("skills");
    const typescript = f.facts.optionsOf(skills.id).find((o) => o.slug === "typescript")!;
    const filters = ["", `teamIds=${teams[0]!.id}`, `teamIds=${teams[1]!.id},${teams[2]!.id}`, `assignedOptionIds=${typescript.id}`, `teamIds=${teams[0]!.id}&assignedOptionIds=${typescript.id}`];
    for (const filter of filters) {
      const view = await read(`/organizations/${org.id}/attributes/${skills.id}/options?${filter}`);
      const api = (await f.api.get(`${f.base}/attributes/${skills.id}/options/assigned?${filter}`, MEMBER_KEY)).body.data as Array<{ id: string; assignedUserIds: number[] }>;
      // An option is in the API's answer exactly when some holder is left under the filters.
      expect(view.items.filter((o: { matchingHolders: number }) => o.matchingHolders > 0).map((o: { id: string }) => o.id), filter).toEqual(api.map((o) => o.id));
      for (const o of api) expect(view.items.find((v: { id: string }) => v.id === o.id).holders).toBe(o.assignedUserIds.length);
    }
  });

  it("GET …/options/{optionId}/holders lists the holders the filters keep, with their weights, paged", async () => {
    const { org, attr, teams } = f.facts;
    const skills = attr("skills");
    const typescript = f.facts.optionsOf(skills.id).find((o) => o.slug === "typescript")!;
    const all = await read(`/organizations/${org.id}/attributes/${skills.id}/options/${typescript.id}/holders?take=500`);
    const assignments = f.state.attributeAssignments.filter((a) => a.attributeOptionId === typescript.id);
    expect(all.total).toBe(assignments.length);
    const byUser = new Map(f.state.memberships.filter((m) => m.teamId === org.id).map((m) => [m.userId, m.id]));
    for (const h of all.items) {
      expect(h.weight).toBe(assignments.find((a) => a.memberId === byUser.get(h.userId))!.weight);
    }
    const team = teams[0]!;
    const inTeam = await read(`/organizations/${org.id}/attributes/${skills.id}/options/${typescript.id}/holders?teamIds=${team.id}&take=2`);
    const teamUsers = new Set(f.state.memberships.filter((m) => m.teamId === team.id).map((m) => m.userId));
    expect(inTeam.total).toBe(all.items.filter((h: { userId: number }) => teamUsers.has(h.userId)).length);
    expect(inTeam.items.length).toBe(Math.min(2, inTeam.total));
  });

  it("refuses bad paging, unknown organizations, attributes and options in the error envelope", async () => {
    const { org, attr } = f.facts;
    const skills = attr("skills");
    const cases: Array<[string, number, RegExp]> = [
      [`/organizations/${org.id}/members?take=0`, 400, /take/],
      [`/organizations/${org.id}/members?take=501`, 400, /take/],
      [`/organizations/${org.id}/members?skip=-1`, 400, /skip/],
      [`/organizations/${org.id}/members?status=gone`, 400, /status/],
      [`/organizations/${org.id}/members?role=king`, 400, /role/],
      [`/organizations/${org.id}/members?teamId=999`, 404, /team/],
      [`/organizations/abc/members`, 400, /orgId/],
      [`/organizations/999/members`, 404, /organization/],
      [`/organizations/${org.id}/members/999`, 404, /User 999/],
      [`/organizations/${org.id}/attributes/nope/options`, 404, /Attribute not found/],
      [`/organizations/${org.id}/attributes/${skills.id}/options?teamIds=2,`, 400, /teamIds/],
      [`/organizations/${org.id}/attributes/${skills.id}/options?assignedOptionIds=nope`, 404, /assignedOptionIds/],
      [`/organizations/${org.id}/attributes/${skills.id}/options/nope/holders`, 404, /option not found/],
    ];
    for (const [path, status, message] of cases) {
      const res = await admin(f.mock.url, "GET", path);
      expectError({ status: res.status, headers: res.headers, body: res.body }, status, status === 400 ? "BadRequestException" : "NotFoundException", message);
    }
  });
});

describe("GET /__admin/scenarios", () => {
  it("names the current scenario and seed and the built-in scenarios", async () => {
    const data = await read("/scenarios");
    expect(data.current).toEqual({ scenario: "default", seed: 42 });
    expect(data.available).toEqual(expect.arrayContaining(["default", "empty-org", "large-org", "multi-org"]));
  });
});

describe("the journal for the inspector: answers, newest first, live", () => {
  it("keeps the answer's body, and a note of its size when it is over the limit", async () => {
    const { org, attr } = f.facts;
    await admin(f.mock.url, "DELETE", "/requests");
    const long = "x".repeat(200);
    const created = [];
    // Enough options that listing them answers more than the journal keeps.
    for (let i = 0; i < Math.ceil(MAX_JOURNALED_BODY / 250) + 5; i++) {
      created.push(f.api.post(`${f.base}/attributes/${attr("skills").id}/options`, { value: `${long}${i}`, slug: `long-${i}` }));
    }
    await Promise.all(created);
    await admin(f.mock.url, "DELETE", "/requests");
    await f.api.get(`${f.base}/attributes/${attr("skills").id}/options`, MEMBER_KEY);
    await f.api.get(`/v2/organizations/${org.id}/nope`, MEMBER_KEY);
    await fetch(`${f.mock.url}${f.base}/attributes`, { method: "HEAD", headers: { authorization: `Bearer ${MEMBER_KEY}` } });
    const [big, missing, head] = await read<LoggedRequest[]>("/requests");
    expect(big!.responseBody).toEqual({ truncated: true, bytes: expect.any(Number) });
    expect((big!.responseBody as { bytes: number }).bytes).toBeGreaterThan(MAX_JOURNALED_BODY);
    expect(missing!.responseBody).toMatchObject({ status: "error", error: { code: "NotFoundException" } });
    // A HEAD's answer has no body, and the journal says so.
    expect(head).toMatchObject({ method: "HEAD", status: 200 });
    expect(head!.responseBody).toBeUndefined();
  });

  it("order=desc, limit and before page the journal newest first", async () => {
    await admin(f.mock.url, "DELETE", "/requests");
    for (let i = 0; i < 5; i++) await f.api.get(`${f.base}/attributes?take=${i + 1}`, MEMBER_KEY);
    const all = await read<LoggedRequest[]>("/requests");
    const newest = await read<LoggedRequest[]>("/requests?order=desc&limit=2");
    expect(newest.map((e) => e.id)).toEqual([all[4]!.id, all[3]!.id]);
    const older = await read<LoggedRequest[]>(`/requests?order=desc&limit=2&before=${newest[1]!.id}`);
    expect(older.map((e) => e.id)).toEqual([all[2]!.id, all[1]!.id]);
    expect((await read<LoggedRequest[]>("/requests?limit=1")).map((e) => e.id)).toEqual([all[0]!.id]);
    for (const bad of ["order=up", "limit=0", "limit=x", "before=-1"]) {
      expect((await admin(f.mock.url, "GET", `/requests?${bad}`)).status, bad).toBe(400);
    }
  });

  it("GET /__admin/requests/stream sends each request as it is recorded, filtered, and a state event on reset", async () => {
    const stream = await openStream(`${f.mock.url}/__admin/requests/stream?method=POST`);
    try {
      expect(stream.response.headers["content-type"]).toMatch(/^text\/event-stream/);
      await f.api.get(`${f.base}/attributes`, MEMBER_KEY); // filtered out: not a POST
      const skills = f.facts.attr("skills");
      await f.api.post(`${f.base}/attributes/${skills.id}/options`, { value: "Rust", slug: "rust" });
      const event = await waitFor(() => stream.events.find((e) => e.event === "request"), "a request event", 2000);
      const entry = JSON.parse(event.data) as LoggedRequest;
      expect(entry).toMatchObject({ method: "POST", path: `${f.base}/attributes/${skills.id}/options`, status: 201, body: { value: "Rust", slug: "rust" } });
      expect(entry.responseBody).toMatchObject({ status: "success", data: { slug: "rust" } });
      expect(stream.events.filter((e) => e.event === "request")).toHaveLength(1);
      expect(event.id).toBe(String(entry.id));

      await admin(f.mock.url, "POST", "/reset", { seed: 7 });
      const state = await waitFor(() => stream.events.find((e) => e.event === "state"), "a state event", 2000);
      expect(JSON.parse(state.data)).toEqual({ seed: 7, scenario: "default" });
    } finally {
      stream.close();
    }
  });

  it("a reconnecting viewer's Last-Event-ID brings the requests it missed, with its filters", async () => {
    await admin(f.mock.url, "DELETE", "/requests");
    await f.api.get(`${f.base}/attributes?take=1`, MEMBER_KEY);
    const [seen] = await read<LoggedRequest[]>("/requests");
    await f.api.get(`${f.base}/attributes?take=2`, MEMBER_KEY);
    await f.api.post(`${f.base}/attributes/${f.facts.attr("skills").id}/options`, { value: "Rust", slug: "rust" });
    await f.api.get(`${f.base}/attributes?take=3`, MEMBER_KEY);
    const stream = await openStream(`${f.mock.url}/__admin/requests/stream?method=GET`, { "last-event-id": String(seen!.id) });
    try {
      await waitFor(() => stream.events.length >= 2, "the missed requests", 2000);
      expect(stream.events.map((e) => JSON.parse(e.data).query)).toEqual([{ take: "2" }, { take: "3" }]);
    } finally {
      stream.close();
    }
  });

  it("brief=1 sends each request without its headers and bodies", async () => {
    const stream = await openStream(`${f.mock.url}/__admin/requests/stream?brief=1`);
    try {
      await f.api.get(`${f.base}/attributes?take=1`, MEMBER_KEY);
      const event = await waitFor(() => stream.events.find((e) => e.event === "request"), "a request event", 2000);
      expect(Object.keys(JSON.parse(event.data)).sort()).toEqual(["durationMs", "id", "method", "path", "status", "timestamp"]);
    } finally {
      stream.close();
    }
  });

  it("refuses a stream with a filter it cannot read", async () => {
    for (const query of ["status=abc", "brief=yes"]) {
      const res = await admin(f.mock.url, "GET", `/requests/stream?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});

describe("GET /__inspector", () => {
  it("serves the page, its modules and the vendored libraries, offline", async () => {
    const page = await fetch(`${f.mock.url}/__inspector`);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${f.mock.url}/__inspector/`);
    const html = await page.text();
    expect(html).toContain('<script type="importmap">');
    expect(html).not.toMatch(/https?:\/\//);
    for (const file of ["app.js", "lib.js", "style.css", "vendor/preact.mjs", "vendor/preact-hooks.mjs", "vendor/htm.mjs", "views/requests.js"]) {
      const res = await fetch(`${f.mock.url}/__inspector/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toMatch(file.endsWith(".css") ? /text\/css/ : /javascript/);
      expect(await res.text(), file).not.toMatch(/from\s*["']https?:/);
    }
    expect((await fetch(`${f.mock.url}/__inspector/nope.js`)).status).toBe(404);
  });
});

interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Reads a server-sent-events stream into a list of events until closed. */
async function openStream(url: string, headers: Record<string, string> = {}): Promise<{ response: IncomingMessage; events: SseEvent[]; close(): void }> {
  const events: SseEvent[] = [];
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split("\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) continue;
            fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
          if (fields.event) events.push({ event: fields.event, data: fields.data ?? "", ...(fields.id && { id: fields.id }) });
        }
      });
      response.on("error", () => {});
      resolve({ response, events, close: () => req.destroy() });
    });
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    req.end();
  });
}
