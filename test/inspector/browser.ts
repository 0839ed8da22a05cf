import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { startMock, type Client } from "../support/harness.js";
import type { MockServer } from "../../src/server.js";

/** Debian's chromium package; another executable can be named with CHROMIUM_PATH. No browser is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where each view's screenshot is written (git-ignored): test artifacts to look at after a run. */
export const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts/inspector");

export interface InspectorSession {
  mock: MockServer;
  api: Client;
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions of the page during the test; each test ends by expecting none. */
  errors: string[];
  screenshot(name: string): Promise<void>;
}

/**
 * One headless Chromium and one mock for the test file; each test gets a fresh page (clipboard allowed) on a
 * mock reset to the default scenario, and fails on any console error of the page. With `now`, the clock is set
 * (frozen) there before each reset, so the seeded bookings lie around that day in every test.
 */
export function inspectorSession(use: (s: InspectorSession) => void, options: { now?: string } = {}): void {
  let browser: Browser;
  let started: { mock: MockServer; api: Client };
  let session: InspectorSession | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    [browser, started] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--disable-gpu", "--disable-dev-shm-usage"] }),
      startMock(options.now === undefined ? {} : { now: options.now }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await started?.mock.close();
  });
  beforeEach(async () => {
    if (options.now !== undefined) {
      await fetch(`${started.mock.url}/__admin/clock`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ now: options.now }) });
    }
    // Explicitly: a bare reset keeps the scenario a test switched to.
    await started.mock.reset({ scenario: "default", seed: 42 });
    await fetch(`${started.mock.url}/__admin/requests`, { method: "DELETE" });
    await fetch(`${started.mock.url}/__admin/faults`, { method: "DELETE" });
    const context = await browser.newContext({
      baseURL: started.mock.url,
      viewport: { width: 1280, height: 800 },
      permissions: ["clipboard-read", "clipboard-write"],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`page: ${err.message}`));
    session = {
      ...started,
      page,
      context,
      errors,
      screenshot: async (name) => {
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
      },
    };
    use(session);
  });
  afterEach(async () => {
    if (!session) return;
    // Leave the page before checking, so that errors from closing its streams would count too.
    await session.page.goto("about:blank");
    await session.context.close();
    expect(session.errors).toEqual([]);
    session = undefined;
  });
}
