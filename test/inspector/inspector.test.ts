import { describe, expect, it } from "vitest";
import { ADMIN_KEY, MEMBER_KEY, scenarioFacts } from "../support/harness.js";
import { ARTIFACTS, inspectorSession, type InspectorSession } from "./browser.js";

let s: InspectorSession;
inspectorSession((session) => {
  s = session;
});

const facts = () => scenarioFacts(s.mock.state());
const v2 = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${s.mock.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? ADMIN_KEY}`, ...(init.body ? { "content-type": "application/json" } : {}) },
  });

/** The `data` of a success envelope. */
const data = async <T>(res: Response | Promise<Response>): Promise<T> => ((await (await res).json()) as { data: T }).data;
const adminData = <T>(path: string) => data<T>(fetch(`${s.mock.url}/__admin${path}`));

/** The texts of the cells of one column of a table, row by row. */
const column = (testid: string, index: number) =>
  s.page.locator(`[data-testid="${testid}"] tbody tr:not(.expanded) td:nth-child(${index})`).allInnerTexts();

describe("the inspector in a browser, on the default scenario", () => {
  it("Organization: counts, teams, members and pending invitations, searchable and paged", async () => {
    const { org, teams, memberUserIds, pendingUserIds } = facts();
    await s.page.goto("/__inspector/");
    await expect.poll(() => s.page.getByTestId("stat-members").innerText()).toContain(String(memberUserIds.length));
    expect(await s.page.getByTestId("stat-pending").innerText()).toContain(String(pendingUserIds.length));
    expect(await s.page.locator("h1").innerText()).toBe(org.name);
    for (const team of teams) await expect.poll(() => s.page.getByTestId("teams").innerText()).toContain(team.name);
    // 27 people, 25 a page.
    await expect.poll(() => s.page.locator('[data-testid="members"] tbody tr').count()).toBe(25);
    expect(await s.page.locator(".pager").first().innerText()).toContain("1–25 of 27 people");
    await s.screenshot("organization");
    await s.page.getByRole("button", { name: "Next ›" }).click();
    await expect.poll(() => s.page.locator('[data-testid="members"] tbody tr').count()).toBe(2);
    expect(await s.page.locator(".pager").first().innerText()).toContain("26–27 of 27 people");

    await s.page.getByRole("button", { name: "Pending" }).click();
    await expect.poll(() => column("members", 4)).toEqual(pendingUserIds.map(() => "pending"));

    await s.page.getByRole("button", { name: "All" }).click();
    await s.page.getByPlaceholder("Search name, username, email or user id").fill("member@");
    await expect.poll(() => column("members", 2)).toEqual([`member@${org.slug}.example`]);
  });

  it("Organization: with several organizations, a switcher moves every view to the one chosen", async () => {
    await s.mock.reset({ scenario: "multi-org" });
    const [acme, globex] = s.mock.state().organizations;
    await s.page.goto("/__inspector/#/organization");
    await expect.poll(() => s.page.locator("h1").innerText()).toBe(acme!.name);
    await s.page.getByLabel("Organization").selectOption(String(globex!.id));
    await expect.poll(() => s.page.locator("h1").innerText()).toBe(globex!.name);
    expect(s.page.url()).toContain(`#/organization/${globex!.id}`);
    const globexMembers = s.mock.state().memberships.filter((m) => m.teamId === globex!.id && m.accepted).length;
    await expect.poll(() => s.page.getByTestId("stat-members").innerText()).toMatch(new RegExp(`^${globexMembers}\\s`));
    const attributes = s.mock.state().attributes.filter((a) => a.teamId === globex!.id).map((a) => a.name);
    await s.page.goto(`/__inspector/#/attributes/${globex!.id}`);
    await expect.poll(() => s.page.locator('[data-testid="attribute-list"] .nav-title').allInnerTexts()).toEqual(attributes);
  });

  it("a member's page: teams, attribute options with weights, and assignment history", async () => {
    const { org, memberId, attr } = facts();
    const skills = attr("skills");
    // The options the API says the member holds, and a weight change that the history must show.
    const held = await data<Array<{ value: string; attributeId: string; id: string }>>(v2(`/v2/organizations/${org.id}/attributes/options/${memberId}`));
    expect(held.length).toBeGreaterThan(0);
    const skill = held.find((o) => o.attributeId === skills.id)!;
    expect((await v2(`/v2/organizations/${org.id}/attributes/options/${memberId}/${skill.id}`, { method: "PATCH", body: JSON.stringify({ weight: 7 }) })).status).toBe(200);

    await s.page.goto(`/__inspector/#/organization/${org.id}/members/${memberId}`);
    await expect.poll(() => column("member-options", 3)).toEqual(held.map((o) => o.value));
    const rows = await s.page.locator('[data-testid="member-options"] tbody tr').allInnerTexts();
    expect(rows.find((r) => r.includes(skill.value))).toMatch(/\t7$/);
    await expect.poll(() => s.page.getByTestId("member-history").innerText()).toContain("weight changed");
    expect(await s.page.getByTestId("member-history").innerText()).toContain("Skills");
    await s.screenshot("member");
  });

  it("Attributes: names, holder counts per option, and the API's teamIds / assignedOptionIds filters", async () => {
    const { org, attr, teams } = facts();
    const skills = attr("skills");
    await s.page.goto(`/__inspector/#/attributes/${org.id}/${skills.id}`);
    const names = (await data<Array<{ name: string }>>(v2(`/v2/organizations/${org.id}/attributes`, { key: MEMBER_KEY }))).map((a) => a.name);
    await expect.poll(() => s.page.locator('[data-testid="attribute-list"] .nav-title').allInnerTexts()).toEqual(
      names.map((n) => (n === "Legacy region" ? `${n} disabled` : n)),
    );
    // Holder counts: what the API's assigned-options listing gives each option.
    const assigned = async (query = "") =>
      data<Array<{ value: string; slug: string; assignedUserIds: number[] }>>(
        v2(`/v2/organizations/${org.id}/attributes/${skills.id}/options/assigned${query}`, { key: MEMBER_KEY }),
      );
    const all = await assigned();
    await expect.poll(() => s.page.locator('[data-testid="options"] tbody tr[data-option] td:nth-child(2) strong').allInnerTexts()).toContain(all[0]!.value);
    for (const option of all) {
      const row = s.page.locator(`[data-testid="options"] tbody tr[data-option="${option.slug}"]`);
      expect(await row.getByTestId("holder-count").innerText()).toBe(String(option.assignedUserIds.length));
    }
    await s.screenshot("attributes");

    // teamIds: the options the API lists for the team are exactly those that keep a holder.
    const sales = teams.find((t) => t.name === "Sales")!;
    await s.page.locator(".filters").getByRole("button", { name: new RegExp(`^${sales.name}`) }).click();
    await expect.poll(() => s.page.getByTestId("api-url").innerText()).toContain(`teamIds=${sales.id}`);
    const listed = (await assigned(`?teamIds=${sales.id}`)).map((o) => o.value).sort();
    await expect
      .poll(async () => (await s.page.locator('[data-testid="options"] tbody tr[data-option]:not(.dim) td:nth-child(2) strong').allInnerTexts()).sort())
      .toEqual(listed);

    // The holders of one option, filtered to the team, listed under it.
    const ts = all.find((o) => o.value === "TypeScript")!;
    const tsRow = s.page.locator('[data-testid="options"] tbody tr[data-option="typescript"]');
    const [matching] = (await tsRow.getByTestId("holder-count").innerText()).split(" / ");
    await tsRow.getByRole("button", { name: "Holders" }).click();
    await expect.poll(() => s.page.locator('[data-testid="holders"] tbody tr').count()).toBe(Number(matching));
    expect(Number(matching)).toBeLessThanOrEqual(ts.assignedUserIds.length);
    await s.screenshot("attributes-filtered");

    // assignedOptionIds: tick TypeScript; the URL names it and the counts follow.
    const tsId = (await optionIds(org.id, skills.id))["TypeScript"]!;
    await tsRow.getByRole("checkbox").check();
    await expect.poll(() => s.page.getByTestId("api-url").innerText()).toContain(`assignedOptionIds=${tsId}`);
    const both = (await assigned(`?teamIds=${sales.id}&assignedOptionIds=${tsId}`)).map((o) => o.value).sort();
    await expect
      .poll(async () => (await s.page.locator('[data-testid="options"] tbody tr[data-option]:not(.dim) td:nth-child(2) strong').allInnerTexts()).sort())
      .toEqual(both);
  });

  it("Requests: a request sent with fetch appears in the live journal within a second, with its bodies and as curl", async () => {
    const { org } = facts();
    await s.page.goto("/__inspector/#/requests");
    await expect.poll(() => s.page.getByTestId("requests-live").innerText()).toBe("Streaming");
    const sent = Date.now();
    const res = await v2(`/v2/organizations/${org.id}/attributes`, {
      method: "POST",
      body: JSON.stringify({ name: "Languages", slug: "languages", type: "MULTI_SELECT", options: [{ value: "English", slug: "english" }] }),
    });
    expect(res.status).toBe(201);
    const row = s.page.locator('[data-testid="requests"] tbody tr[data-id]', { hasText: `/v2/organizations/${org.id}/attributes` }).first();
    await row.waitFor({ timeout: 1000 });
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(await row.innerText()).toMatch(/POST[\s\S]*201/);
    // An option of an attribute the organization does not have: Cal.com's 404 "Attribute option not found".
    await v2(`/v2/organizations/${org.id}/attributes/nope/options/nope`, { method: "DELETE" });

    // Newest first.
    await expect.poll(() => column("requests", 4)).toEqual(["404", "201"]);
    // Click: the request's and the answer's bodies.
    await s.page.locator('[data-testid="requests"] tbody tr[data-id]', { hasText: "201" }).click();
    const detail = s.page.locator('[data-testid="requests"] tr.expanded');
    await expect.poll(() => detail.innerText()).toContain('"slug": "languages"');
    expect(await detail.innerText()).toContain('"status": "success"');
    expect(await detail.getByTestId("curl").innerText()).toContain(`curl -s -X POST '${s.mock.url}/v2/organizations/${org.id}/attributes'`);
    await s.screenshot("requests");

    // The curl button copies the request as a command.
    await s.page.locator('[data-testid="requests"] tbody tr[data-id]', { hasText: "201" }).getByRole("button", { name: "curl" }).click();
    const copied = await s.page.evaluate<string>("navigator.clipboard.readText()");
    expect(copied).toContain(`curl -s -X POST '${s.mock.url}/v2/organizations/${org.id}/attributes'`);
    // The mock's well-known keys are in the journal as sent, so the command carries the key itself.
    expect(copied).toContain(`-H 'Authorization: Bearer ${ADMIN_KEY}'`);
    expect(copied).toContain(`-d '{"name":"Languages"`);

    // Filters are the journal's: status class, method, path pattern.
    await s.page.getByLabel("Status").fill("4xx");
    await expect.poll(() => column("requests", 4)).toEqual(["404"]);
    await s.page.getByLabel("Status").fill("");
    await s.page.getByLabel("Method").selectOption("POST");
    await expect.poll(() => column("requests", 2)).toEqual(["POST"]);
    await s.page.getByLabel("Method").selectOption("");
    await s.page.getByLabel("Path pattern").fill("/v2/organizations/*/attributes/*/options/*");
    await expect.poll(() => column("requests", 4)).toEqual(["404"]);
  });

  it("Requests: a 400's diagnostics under its path and in its detail, a hint on a success, and whose key each request carried", async () => {
    const { org } = facts();
    await s.page.goto("/__inspector/#/requests");
    await expect.poll(() => s.page.getByTestId("requests-live").innerText()).toBe("Streaming");
    // A 400: the diagnostics header's text is what the view shows.
    const refused = await v2(`/v2/organizations/${org.id}/attributes?take=300`, { key: MEMBER_KEY });
    expect(refused.status).toBe(400);
    const why = refused.headers.get("x-calcom-mock-diagnostics")!;
    expect(why).toBe("query take: must be <= 250");
    // A body sent without its Content-Type, as curl -d does: Cal.com's 400, and the hint.
    await fetch(`${s.mock.url}/v2/organizations/${org.id}/attributes`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ name: "Languages", slug: "languages", type: "TEXT", options: [] }),
    });
    await expect.poll(() => column("requests", 4)).toEqual(["400", "400"]);
    const rows = s.page.locator('[data-testid="requests"] tbody tr[data-id]');
    expect(await rows.nth(1).getByTestId("row-diagnostics").innerText()).toBe(why);
    expect(await rows.nth(0).getByTestId("row-diagnostics").innerText()).toMatch(/^the body was sent with Content-Type application\/x-www-form-urlencoded/);
    await rows.nth(1).click();
    const detail = s.page.locator('[data-testid="requests"] tr.expanded');
    expect(await detail.getByTestId("diagnostics").innerText()).toBe(`Why calcom-mock refused it: ${why}`);
    expect(await detail.getByTestId("caller").innerText()).toBe("Key of user 3 (member) · MEMBER of organization 1 (Acme), MEMBER of team 4 (Support)");
    expect(await detail.innerText()).toContain(`"authorization": "Bearer ${MEMBER_KEY}"`);
    await s.screenshot("requests-diagnostics");
    // A success without a hint shows none; an unknown key stays masked and names nobody.
    await fetch(`${s.mock.url}/v2/organizations/${org.id}/attributes`, { headers: { authorization: "Bearer cal_not_a_key_of_this_state" } });
    await expect.poll(() => column("requests", 4)).toEqual(["401", "400", "400"]);
    await rows.nth(0).click();
    await expect.poll(() => detail.innerText()).toContain('"authorization": "Bearer cal_not_a***"');
    expect(await detail.getByTestId("caller").count()).toBe(0);
  });

  it("at a phone's width (390 px): every tab in view, a member's error once, counts in the singular, a 400's diagnostics", async () => {
    const context = await s.context.browser()!.newContext({ baseURL: s.mock.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    // The 404 of the unknown member below is expected; any other console error is not.
    page.on("console", (msg) => msg.type() === "error" && !/404/.test(msg.text()) && errors.push(msg.text()));
    try {
      await page.goto("/__inspector/");
      await expect.poll(() => page.getByTestId("stat-members").innerText()).toContain(String(facts().memberUserIds.length));
      // Every tab lies inside the window, none cut off or scrolled away; the page does not scroll sideways.
      const tabs = await Promise.all((await page.locator(".tabs a").all()).map(async (a) => (await a.boundingBox())!));
      expect(tabs.length).toBe(7);
      for (const tab of tabs) expect([tab.x >= 0, tab.x + tab.width <= 390, tab.width > 0]).toEqual([true, true, true]);
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${ARTIFACTS}/phone-organization.png`, fullPage: false });

      // An unknown member: its error once (not once more for its history).
      await page.goto("/__inspector/#/organization/1/members/999");
      await expect.poll(() => page.locator('[role="alert"]').count()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await page.locator('[role="alert"]').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/phone-unknown-member.png` });

      // An attribute with one option says "1 option".
      const created = await v2("/v2/organizations/1/attributes", {
        method: "POST",
        body: JSON.stringify({ name: "Badge", slug: "badge", type: "SINGLE_SELECT", options: [{ value: "Gold", slug: "gold" }] }),
      });
      expect(created.status).toBe(201);
      await page.goto("/__inspector/#/attributes");
      const badge = page.locator('[data-testid="attribute-list"] a', { hasText: "Badge" });
      await expect.poll(() => badge.innerText()).toMatch(/· 1 option ·/);

      // The Requests view at this width: a 400's diagnostics are on screen.
      await page.goto("/__inspector/#/requests");
      await expect.poll(() => page.getByTestId("requests-live").innerText()).toBe("Streaming");
      await v2("/v2/organizations/1/attributes?take=300");
      const diagnostics = page.getByTestId("row-diagnostics").first();
      await expect.poll(() => diagnostics.innerText()).toBe("query take: must be <= 250");
      const box = (await diagnostics.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await page.locator('[data-testid="requests"] tbody tr[data-id]').first().click();
      await expect.poll(() => page.getByTestId("diagnostics").innerText()).toContain("query take: must be <= 250");
      await page.screenshot({ path: `${ARTIFACTS}/phone-requests.png` });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("Operations: every operation, answered from state or from the spec, with its request count", async () => {
    const { org } = facts();
    for (let i = 0; i < 3; i++) await v2(`/v2/organizations/${org.id}/attributes`, { key: MEMBER_KEY });
    const operations = await adminData<Array<{ operationId: string }>>("/operations");
    await s.page.goto("/__inspector/#/operations");
    await expect.poll(() => s.page.locator('[data-testid="operations"] tbody tr').count()).toBe(operations.length);
    const list = s.page.locator('[data-testid="operations"] tr[data-operation="OrganizationsAttributesController_getOrganizationAttributes"]');
    expect(await list.getByTestId("op-requests").innerText()).toBe("3");
    expect(await list.innerText()).toContain("state");
    // Counts follow requests while the page is open.
    await v2(`/v2/organizations/${org.id}/attributes`, { key: MEMBER_KEY });
    await expect.poll(() => list.getByTestId("op-requests").innerText()).toBe("4");
    // Most requests first: the operation used comes to the top.
    await s.page.getByLabel("Order").selectOption("requests");
    await expect.poll(() => s.page.locator('[data-testid="operations"] tbody tr').first().getAttribute("data-operation")).toBe(
      "OrganizationsAttributesController_getOrganizationAttributes",
    );
    await s.screenshot("operations");
  });

  it("Controls: snapshot, a write, restore, and reset with another scenario change what the views show", async () => {
    const { org } = facts();
    await s.page.goto("/__inspector/#/controls");
    await s.page.getByTestId("snapshot-form").getByLabel("Name").fill("before-demo");
    await s.page.getByRole("button", { name: "Take snapshot" }).click();
    await expect.poll(() => s.page.getByTestId("snapshots").innerText()).toContain("before-demo");

    // A fault rule, added and removed in the page.
    await s.page.getByTestId("fault-form").getByLabel("Status").fill("503");
    await s.page.getByRole("button", { name: "Add rule" }).click();
    await expect.poll(() => s.page.getByTestId("faults").innerText()).toContain("/v2/organizations/*/attributes/**");
    expect(await adminData<unknown[]>("/faults")).toHaveLength(1);
    await s.screenshot("controls");
    await s.page.getByTestId("faults").getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => adminData<unknown[]>("/faults")).toEqual([]);

    // A write through the API shows in the open Attributes view; restoring the snapshot takes it away again.
    await s.page.goto(`/__inspector/#/attributes/${org.id}`);
    const list = s.page.locator('[data-testid="attribute-list"] .nav-title');
    await expect.poll(() => list.count()).toBe(5);
    await v2(`/v2/organizations/${org.id}/attributes`, { method: "POST", body: JSON.stringify({ name: "Languages", slug: "languages", type: "TEXT", options: [] }) });
    await expect.poll(() => list.allInnerTexts()).toContain("Languages");
    await s.page.goto("/__inspector/#/controls");
    await s.page.getByTestId("snapshots").getByRole("button", { name: "Restore" }).click();
    await s.page.goto(`/__inspector/#/attributes/${org.id}`);
    await expect.poll(() => list.count()).toBe(5);
    expect(await list.allInnerTexts()).not.toContain("Languages");

    // Reset to another scenario and seed: the organization shown changes, and so does the header.
    await s.page.goto("/__inspector/#/controls");
    await s.page.getByTestId("reset-form").getByLabel("Scenario").selectOption("empty-org");
    await s.page.getByTestId("reset-form").getByLabel("Seed").fill("7");
    await s.page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(() => s.page.getByTestId("scenario").innerText()).toBe("empty-org · seed 7");
    await s.page.goto("/__inspector/#/organization");
    await expect.poll(() => s.page.getByTestId("stat-members").innerText()).toMatch(/^1\s/);
    expect(await s.page.getByTestId("stat-attributes").innerText()).toMatch(/^0\s/);
  });

  it("Controls: the clock is shown, set, advanced and given back to real time", async () => {
    await s.page.goto("/__inspector/#/controls");
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain("real time");
    const form = s.page.getByTestId("clock-form");
    await form.getByLabel("Set to (UTC)").fill("2026-12-07T09:00");
    await form.getByRole("button", { name: "Set", exact: true }).click();
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain("2026-12-07T09:00:00.000Z");
    expect(await adminData<{ now: string; mode: string }>("/clock")).toMatchObject({ now: "2026-12-07T09:00:00.000Z", mode: "frozen" });
    await form.getByRole("button", { name: "+1 day" }).click();
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain("2026-12-08T09:00:00.000Z");
    await s.screenshot("controls-clock");
    await form.getByRole("button", { name: "Real time" }).click();
    await expect.poll(() => adminData<{ mode: string }>("/clock")).toMatchObject({ mode: "real" });
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain("real time");
  });
});

/** Option ids of an attribute by value, from the API. */
async function optionIds(orgId: number, attributeId: string): Promise<Record<string, string>> {
  const options = await data<Array<{ id: string; value: string }>>(v2(`/v2/organizations/${orgId}/attributes/${attributeId}/options`, { key: MEMBER_KEY }));
  return Object.fromEntries(options.map((o) => [o.value, o.id]));
}
