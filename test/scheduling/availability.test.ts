import { describe, expect, it } from "vitest";
import { computeSlots } from "../../src/scheduling/index.js";
import { hostsOfEventType, slotsInputFor } from "../../src/store/queries/availability.js";
import { scenarioState } from "../../src/store/scenarios.js";
import { Store } from "../../src/store/store.js";

/**
 * The store-to-engine gathering on the seeded default scenario: every personal event type's slots avoid its
 * owner's blocking bookings, and a team event type's hosts are its team's members.
 */
const NOW = Date.parse("2030-01-07T06:00:00Z");
const store = new Store(scenarioState("default", 42, NOW));

describe("gathering availability from the store", () => {
  it("gives each personal event type its owner as the one host, and slots that miss the owner's accepted bookings", () => {
    const personal = [...store.rows.eventTypes.values()].filter((e) => e.userId != null && e.teamId == null && !e.seatsPerTimeSlot);
    expect(personal.length).toBeGreaterThan(0);
    let checked = 0;
    for (const et of personal) {
      expect(hostsOfEventType(store, et).map((h) => h.userId)).toEqual([et.userId]);
      const input = slotsInputFor(store, et, { start: NOW, end: NOW + 14 * 86_400_000, now: NOW });
      const slots = computeSlots(input);
      const busy = store.busyBookings(et.userId!, NOW, NOW + 14 * 86_400_000).filter((b) => b.status === "ACCEPTED");
      for (const s of slots) {
        for (const b of busy) expect(s.start < Date.parse(b.endTime) && s.end > Date.parse(b.startTime), `${et.slug} ${new Date(s.start).toISOString()} overlaps ${b.uid}`).toBe(false);
      }
      checked += slots.length;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("takes a team event type's hosts from the team's accepted members", () => {
    const team = [...store.rows.eventTypes.values()].filter((e) => e.teamId != null);
    expect(team.length).toBeGreaterThan(0);
    for (const et of team) {
      for (const h of hostsOfEventType(store, et)) expect(store.membershipByTeamUser.get(`${et.teamId}:${h.userId}`)?.accepted).toBe(true);
    }
  });
});
