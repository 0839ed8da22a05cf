import { describe, expect, it } from "vitest";
import { ADMIN_KEY } from "../support/harness.js";
import { inspectorSession, type InspectorSession } from "./browser.js";

/** The inspector shows stubs: the Controls view lists them (and removes them), the Requests view marks their answers. */

let s: InspectorSession;
inspectorSession((session) => {
  s = session;
});

const addStub = (definition: unknown) =>
  fetch(`${s.mock.url}/__admin/stubs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(definition) });

describe("stubs in the inspector", () => {
  it("Requests marks an answer a stub gave; Controls lists the stubs with their counts and removes one", async () => {
    s.mock.clearStubs();
    expect((await addStub({ id: "empty-webhooks", request: { method: "GET", path: "/v2/webhooks" }, response: { body: { status: "success", data: [] } }, count: 3 })).status).toBe(201);
    await fetch(`${s.mock.url}/v2/webhooks`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    await fetch(`${s.mock.url}/v2/me`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

    await s.page.goto("/__inspector/#/requests");
    const marks = s.page.getByTestId("stub-mark");
    await expect.poll(() => marks.count()).toBe(1);
    expect(await marks.innerText()).toBe("stub empty-webhooks");
    expect(await s.page.locator('[data-testid="requests"] tbody tr', { has: marks }).innerText()).toContain("/v2/webhooks");
    await s.screenshot("requests-stub");

    await s.page.goto("/__inspector/#/controls");
    const row = s.page.locator('[data-testid="stubs"] tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator("td").allInnerTexts();
    expect(cells.slice(0, 7)).toEqual(["empty-webhooks", "GET", "/v2/webhooks", "200", "5", "1", "2"]);
    await s.screenshot("controls-stubs");
    await row.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => s.page.locator('[data-testid="stubs"]').count()).toBe(0);
    expect(s.mock.stubs()).toEqual([]);
  });
});
