import { describe, expect, it } from "vitest";
import type { Booking, SelectedSlot, State } from "../../src/store/schema.js";
import { ARTIFACTS, inspectorSession, type InspectorSession } from "./browser.js";

/**
 * The inspector's scheduling views in Chromium: a member's week (availability shaded, bookings by status,
 * reservations until they expire, today and now from the mock's clock) and the bookings list (Cal.com's lists at
 * the mock's clock, filters, a booking's page), at a desktop's width and a phone's.
 */

/** A Wednesday; the owner's schedule is Europe/London (GMT in January), Monday to Friday 09:00–17:00. */
const NOW = "2030-01-09T10:00:00.000Z";

let s: InspectorSession;
inspectorSession(
  (session) => {
    s = session;
  },
  { now: NOW },
);

const adminData = async <T>(path: string): Promise<T> => ((await (await fetch(`${s.mock.url}/__admin${path}`)).json()) as { data: T }).data;

const at = (day: string, time: string) => `2030-01-${day}T${time}:00.000Z`;

/**
 * The owner's week of Sunday 6 to Saturday 12 January 2030, made to hold one booking of each status (the
 * accepted one the cancelled one was rescheduled to), a reservation that lasts past now and one already released,
 * and a date override on Thursday (10:00–13:00). The owner's own bookings that would overlap them are dropped.
 */
async function everyStatusWeek() {
  const state = s.mock.state();
  const owner = state.users.find((u) => u.username === "owner")!;
  const eventType = state.eventTypes.find((e) => e.userId === owner.id && e.slug === "thirty-minutes")!;
  const schedule = state.schedules.find((sc) => sc.id === owner.defaultScheduleId)!;
  schedule.overrides = [...schedule.overrides, { date: "2030-01-10", startTime: "10:00", endTime: "13:00" }];
  const made: Record<"accepted" | "pending" | "cancelled" | "rejected", { start: string; uid: string }> = {
    accepted: { start: at("07", "10:00"), uid: "inspAcceptedBooking01" },
    pending: { start: at("09", "14:00"), uid: "inspPendingBooking001" },
    cancelled: { start: at("10", "11:00"), uid: "inspCancelledBooking1" },
    rejected: { start: at("11", "15:00"), uid: "inspRejectedBooking01" },
  };
  const thirty = (iso: string) => new Date(Date.parse(iso) + 30 * 60_000).toISOString();
  const clash = (b: Booking) => Object.values(made).some((m) => Date.parse(b.startTime) < Date.parse(thirty(m.start)) && Date.parse(b.endTime) > Date.parse(m.start));
  state.bookings = state.bookings.filter((b) => !(b.userId === owner.id && clash(b)));
  let id = Math.max(...state.bookings.map((b) => b.id));
  let attendeeId = Math.max(...state.bookings.flatMap((b) => b.attendees.map((a) => a.id)));
  for (const [status, m] of Object.entries(made)) {
    const email = `${status}.guest@example.com`;
    state.bookings.push({
      id: ++id,
      uid: m.uid,
      userId: owner.id,
      eventTypeId: eventType.id,
      title: `30 min meeting between ${owner.name} and ${status} guest`,
      startTime: m.start,
      endTime: thirty(m.start),
      status: status.toUpperCase() as Booking["status"],
      attendees: [{ id: ++attendeeId, email, name: `${status[0]!.toUpperCase()}${status.slice(1)} Guest`, timeZone: "America/New_York" }],
      responses: { name: `${status} guest`, email },
      createdAt: at("01", "09:00"),
      ...(status === "cancelled" && { rescheduled: true, cancellationReason: "Moved", cancelledBy: email }),
      ...(status === "accepted" && { fromReschedule: made.cancelled.uid }),
      ...(status === "rejected" && { rejectionReason: "Not a fit" }),
    } as Booking);
  }
  const slotId = Math.max(0, ...state.selectedSlots.map((r) => r.id));
  const reservation = (n: number, start: string, releaseAt: string): SelectedSlot => ({
    id: slotId + n,
    uid: `insp-reservation-${n}`,
    eventTypeId: eventType.id,
    userId: owner.id,
    slotUtcStartDate: start,
    slotUtcEndDate: thirty(start),
    releaseAt,
  });
  // Only these two: the scenario's own reservations (one of the owner's is seeded) would be drawn too.
  state.selectedSlots = [reservation(1, at("09", "15:00"), at("09", "10:05")), reservation(2, at("09", "16:00"), at("09", "09:55"))];
  const res = await fetch(`${s.mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(state satisfies State) });
  expect(res.status).toBe(200);
  return { owner, eventType, made };
}

const week = () => s.page.getByTestId("week");
const day = (date: string) => s.page.locator(`[data-testid="day"][data-date="${date}"]`);
const booking = (uid: string) => s.page.locator(`[data-testid="booking"][data-uid="${uid}"]`);

describe("a member's week", () => {
  it("from the member's page: availability shaded, a booking of each status, a live reservation, today and now from the mock's clock", async () => {
    const { owner, made } = await everyStatusWeek();
    await s.page.goto(`/__inspector/#/organization/${owner.organizationId}/members/${owner.id}`);
    await s.page.getByTestId("member-week").click();
    await expect.poll(() => s.page.url()).toContain(`#/calendar/${owner.id}`);
    await week().waitFor();

    // The week holding the clock's today, from Cal.com's default week start (Sunday), today marked.
    expect(await s.page.locator(".day-head").evaluateAll((els) => els.map((e) => e.getAttribute("data-date")))).toEqual(
      ["06", "07", "08", "09", "10", "11", "12"].map((d) => `2030-01-${d}`),
    );
    expect(await s.page.locator('.day-head[aria-current="date"]').getAttribute("data-date")).toBe("2030-01-09");
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain(`${NOW} (frozen`);
    expect(await day("2030-01-09").getByTestId("now-line").count()).toBe(1);
    expect(await s.page.getByTestId("now-line").count()).toBe(1);

    // Availability: Monday to Friday 09:00–17:00 London (= UTC in January); none at the weekend; Thursday's
    // override (10:00–13:00) replaces its working hours.
    const shaded = async (date: string) =>
      day(date)
        .getByTestId("available")
        .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-start")}–${e.getAttribute("data-end")}`));
    expect(await shaded("2030-01-07")).toEqual([`${at("07", "09:00")}–${at("07", "17:00")}`]);
    expect(await shaded("2030-01-06")).toEqual([]);
    expect(await shaded("2030-01-12")).toEqual([]);
    expect(await shaded("2030-01-10")).toEqual([`${at("10", "10:00")}–${at("10", "13:00")}`]);
    expect(await s.page.locator('.day-head[data-date="2030-01-10"]').innerText()).toContain("override");

    // One booking of each status, on its day, told apart by class and by the legend.
    for (const [status, m] of Object.entries(made)) {
      const block = booking(m.uid);
      expect(await block.getAttribute("data-status")).toBe(status);
      expect(await block.evaluate((e) => e.closest("[data-date]")?.getAttribute("data-date"))).toBe(m.start.slice(0, 10));
      expect(await block.getAttribute("class")).toContain(status);
    }
    const styles = await Promise.all(Object.values(made).map((m) => booking(m.uid).evaluate((e) => { const style = e.ownerDocument.defaultView!.getComputedStyle(e); return style.backgroundImage + style.backgroundColor; })));
    expect(new Set(styles).size).toBe(4);
    expect(await s.page.getByTestId("legend").innerText()).toMatch(/Available[\s\S]*Accepted[\s\S]*Pending[\s\S]*Cancelled[\s\S]*Rejected[\s\S]*Reserved/);

    // The reservation released at 10:05 is drawn (now is 10:00); the one released at 09:55 is not.
    expect(await s.page.getByTestId("reservation").evaluateAll((els) => els.map((e) => e.getAttribute("data-uid")))).toEqual(["insp-reservation-1"]);
    expect(await s.page.getByTestId("reservation").innerText()).toContain("until 10:05");
    expect(await s.page.getByTestId("reservation").getAttribute("title")).toMatch(/^15:00–15:30 reserved/);
    await s.screenshot("calendar");

    // A click shows the booking whole, with the reschedule link back to the booking it replaced.
    await booking(made.accepted.uid).click();
    const detail = s.page.getByTestId("booking-detail");
    await expect.poll(() => detail.getAttribute("data-uid")).toBe(made.accepted.uid);
    expect(await detail.getByTestId("detail-uid").innerText()).toContain(made.accepted.uid);
    expect(await detail.innerText()).toContain(`30 min meeting between ${owner.name} and accepted guest`);
    expect(await detail.getByTestId("detail-attendees").innerText()).toContain("accepted.guest@example.com");
    expect(await detail.getByTestId("detail-event-type").innerText()).toContain("30 min meeting");
    expect(await detail.getByTestId("detail-when").innerText()).toContain("2030-01-07 10:00 – 10:30 Europe/London");
    expect(await detail.locator(".badge").first().innerText()).toBe("accepted");
    expect(await detail.getByTestId("detail-from").locator("dd").innerText()).toBe(made.cancelled.uid);
    await s.screenshot("calendar-booking");
    await detail.getByTestId("detail-from").getByRole("link").click();
    await expect.poll(() => s.page.url()).toContain(`#/bookings/${made.cancelled.uid}`);
    await expect.poll(() => s.page.getByTestId("detail-to").innerText()).toContain(made.accepted.uid);
    expect(await s.page.getByTestId("booking-detail").locator(".badge").first().innerText()).toBe("cancelled");
  });

  it("in another zone, week by week, and back to the clock's today", async () => {
    const { owner, made } = await everyStatusWeek();
    await s.page.goto(`/__inspector/#/calendar/${owner.id}`);
    await week().waitFor();
    // New York is five hours behind London in January: Monday's 09:00–17:00 London is 04:00–12:00 there.
    await s.page.getByLabel("Time zone").selectOption("America/New_York");
    await expect.poll(() => s.page.url()).toContain(`/${encodeURIComponent("America/New_York")}`);
    await expect.poll(() => day("2030-01-07").getByTestId("available").getAttribute("title")).toBe("Available 04:00–12:00");
    expect(await booking(made.pending.uid).getAttribute("title")).toMatch(/^09:00–09:30 /);
    expect(await s.page.getByTestId("week-range").innerText()).toContain("America/New_York");

    await s.page.getByRole("button", { name: "Next week" }).click();
    await expect.poll(() => s.page.locator(".day-head").first().getAttribute("data-date")).toBe("2030-01-13");
    expect(await s.page.getByTestId("now-line").count()).toBe(0);
    expect(await s.page.locator('.day-head[aria-current="date"]').count()).toBe(0);
    await s.page.getByRole("button", { name: "Previous week" }).click();
    await s.page.getByRole("button", { name: "Previous week" }).click();
    await expect.poll(() => s.page.locator(".day-head").first().getAttribute("data-date")).toBe("2029-12-30");
    await s.page.getByTestId("week-today").click();
    await expect.poll(() => s.page.locator(".day-head").first().getAttribute("data-date")).toBe("2030-01-06");
    expect(await s.page.locator('.day-head[aria-current="date"]').getAttribute("data-date")).toBe("2030-01-09");
    // Still New York: the zone stays as chosen.
    expect(await s.page.getByLabel("Time zone").inputValue()).toBe("America/New_York");

    // The clock moves: a day later, today is Thursday, and the clock line says so in every view, as Controls does.
    await fetch(`${s.mock.url}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "1d" }) });
    await expect.poll(() => s.page.locator('.day-head[aria-current="date"]').getAttribute("data-date"), { timeout: 8000 }).toBe("2030-01-10");
    const calendarClock = await s.page.getByTestId("clock").innerText();
    expect(calendarClock).toContain("2030-01-10T10:00:00.000Z (frozen");
    await s.page.goto("/__inspector/#/controls");
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toBe(calendarClock);
  });
});

describe("the bookings list", () => {
  it("filters by Cal.com's lists at the mock's clock, e-mail, event type and dates; opens a booking and its host's week", async () => {
    const { owner, eventType, made } = await everyStatusWeek();
    const state = s.mock.state();
    const now = Date.parse(NOW);
    const gone = (b: Booking) => b.status === "CANCELLED" || b.status === "REJECTED";
    // Cal.com's upcoming: not over, and (a recurring occurrence) accepted or (any other) neither cancelled nor rejected.
    const upcoming = state.bookings.filter((b) => Date.parse(b.endTime) >= now && (b.recurringEventId ? b.status === "ACCEPTED" : !gone(b)));
    await s.page.goto("/__inspector/#/bookings");
    const rows = s.page.locator('[data-testid="bookings"] tbody tr');
    await expect.poll(() => s.page.locator(".pager").innerText()).toContain(`of ${upcoming.length} bookings`);
    expect(await rows.count()).toBe(Math.min(25, upcoming.length));
    // Soonest first.
    const firstStarts = [...upcoming].sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime) || a.id - b.id).slice(0, 3).map((b) => b.uid);
    expect(await rows.evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute("data-uid")))).toEqual(firstStarts);
    await expect.poll(() => s.page.getByTestId("clock").innerText()).toContain(`${NOW} (frozen`);
    await s.screenshot("bookings");

    // Cancelled holds the rejected ones too.
    await s.page.getByRole("button", { name: /^Cancelled/ }).click();
    const cancelled = state.bookings.filter(gone);
    await expect.poll(() => s.page.locator(".pager").innerText()).toContain(`of ${cancelled.length} bookings`);
    expect(new Set(await rows.locator(".badge").allInnerTexts())).toEqual(new Set(["cancelled", "rejected"]));

    // Unconfirmed: pending and not over.
    await s.page.getByRole("button", { name: /^Unconfirmed/ }).click();
    const unconfirmed = state.bookings.filter((b) => b.status === "PENDING" && Date.parse(b.endTime) >= now);
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-uid")).sort())).toEqual(unconfirmed.map((b) => b.uid).sort());

    // All, for one person (host or attendee), of one event type, within dates (UTC).
    await s.page.getByRole("button", { name: /^All/ }).click();
    await s.page.getByLabel("Host or attendee e-mail").fill(owner.email.toUpperCase());
    const mine = state.bookings.filter((b) => b.userId === owner.id || b.attendees.some((a) => a.email === owner.email));
    await expect.poll(() => s.page.locator(".pager").innerText()).toContain(`of ${mine.length} bookings`);
    await s.page.getByLabel("Event type (id, or search by title)").fill(String(eventType.id));
    const ofType = mine.filter((b) => b.eventTypeId === eventType.id);
    await expect.poll(() => s.page.locator(".pager").innerText()).toContain(`of ${ofType.length} bookings`);
    expect(await s.page.getByTestId("event-type-chosen").innerText()).toContain(eventType.title);
    await s.page.getByLabel("Starts from (UTC)").fill("2030-01-08");
    await s.page.getByLabel("Ends by (UTC)").fill("2030-01-10");
    const within = ofType.filter((b) => b.startTime >= "2030-01-08" && b.endTime <= "2030-01-11");
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-uid")).sort())).toEqual(within.map((b) => b.uid).sort());
    expect(within.map((b) => b.uid)).toContain(made.pending.uid);
    // The filters are in the URL: the list can be linked to.
    expect(decodeURIComponent(s.page.url())).toContain(`email=${owner.email.toUpperCase()}`);
    await s.screenshot("bookings-filtered");

    // A row opens the booking; its host link opens the week holding it, with the booking drawn.
    await s.page.locator(`tr[data-uid="${made.pending.uid}"] td`).first().click();
    await expect.poll(() => s.page.url()).toContain(`#/bookings/${made.pending.uid}`);
    const detail = s.page.getByTestId("booking-detail");
    await expect.poll(() => detail.locator(".badge").first().innerText()).toBe("pending");
    expect(await detail.innerText()).toMatch(/upcoming[\s\S]*unconfirmed/);
    expect(await detail.getByTestId("detail-when").innerText()).toContain("2030-01-09 14:00 – 14:30 UTC");
    await detail.getByTestId("detail-host").getByRole("link", { name: "week" }).click();
    await expect.poll(() => s.page.url()).toContain(`#/calendar/${owner.id}/`);
    await expect.poll(() => booking(made.pending.uid).getAttribute("data-status")).toBe("pending");
    // Back to the list as it was filtered.
    await s.page.goBack();
    await s.page.goBack();
    await expect.poll(() => rows.count()).toBe(within.length);
  });

  it("follows the clock: a day later, yesterday's upcoming bookings are past", async () => {
    await s.page.goto("/__inspector/#/bookings?status=past");
    const pager = s.page.locator(".pager");
    const now = Date.parse(NOW);
    const state = s.mock.state();
    const pastAt = (t: number) => state.bookings.filter((b) => Date.parse(b.endTime) <= t && b.status !== "CANCELLED" && b.status !== "REJECTED").length;
    await expect.poll(() => pager.innerText()).toContain(`of ${pastAt(now)} bookings`);
    await fetch(`${s.mock.url}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "1d" }) });
    await expect.poll(() => pager.innerText(), { timeout: 8000 }).toContain(`of ${pastAt(now + 86_400_000)} bookings`);
    expect(pastAt(now + 86_400_000)).toBeGreaterThan(pastAt(now));
    // Latest first, as Cal.com orders the past list.
    const starts = (await s.page.locator('[data-testid="bookings"] tbody tr td:first-child').allInnerTexts()).map((t) => t.slice(0, 16));
    expect([...starts].sort().reverse()).toEqual(starts);
    expect((await adminData<{ counts: { past: number } }>("/inspector/bookings?take=1")).counts.past).toBe(pastAt(now + 86_400_000));
  });
});

describe("at a phone's width (390 px)", () => {
  it("the whole week fits the width, the bookings list turns into cards, and the page never scrolls sideways", async () => {
    const { owner, made } = await everyStatusWeek();
    const context = await s.context.browser()!.newContext({ baseURL: s.mock.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
    try {
      await page.goto(`/__inspector/#/calendar/${owner.id}`);
      await page.getByTestId("week").waitFor();
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      // Saturday's column ends inside the window.
      const saturday = (await page.locator('.day-head[data-date="2030-01-12"]').boundingBox())!;
      expect(saturday.x + saturday.width).toBeLessThanOrEqual(390);
      const tabs = await Promise.all((await page.locator(".tabs a").all()).map(async (a) => (await a.boundingBox())!));
      for (const tab of tabs) expect(tab.x + tab.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${ARTIFACTS}/phone-calendar.png` });
      await page.locator(`[data-testid="booking"][data-uid="${made.rejected.uid}"]`).click();
      await expect.poll(() => page.getByTestId("booking-detail").getAttribute("data-uid")).toBe(made.rejected.uid);
      await page.getByTestId("booking-detail").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${ARTIFACTS}/phone-calendar-booking.png` });
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);

      await page.goto("/__inspector/#/bookings");
      await expect.poll(() => page.locator('[data-testid="bookings"] tbody tr').count()).toBe(25);
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      await expect.poll(() => page.getByTestId("clock").innerText()).toContain(NOW);
      await page.screenshot({ path: `${ARTIFACTS}/phone-bookings.png` });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
