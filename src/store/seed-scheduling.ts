import { DateTime } from "luxon";
import type { Faker } from "@faker-js/faker";
import { bookingUid, uuid } from "./ids.js";
import type { Attendee, Booking, EventType, Schedule, SelectedSlot, State } from "./schema.js";
import { englishFaker, type OrganizationRecipe, type ScenarioRecipe } from "./seed.js";

const DAY_MS = 86_400_000;
/** Seeded bookings lie this many days before and after the seeding day. */
const SPAN_DAYS = 14;
const DEFAULT_BOOKINGS_PER_MEMBER = 8;
const DEFAULT_MAX_HOSTS = 50;
/** The zones seeded schedules are in, beside the keyed users' Europe/London (Cal.com's default). */
const ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"];
const CAL_VIDEO = [{ type: "integration", integration: "cal-video" }];
const DAILY = "integrations:daily";

/** The start of the UTC day of `now`: what seeded dates are laid around, so a day's restarts seed the same state. */
export function seedingDay(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Adds the scheduling core to a seeded directory: for each organization's accepted members a default schedule
 * (Mon–Fri working hours in one of a few zones, some with a date override or a second schedule) and personal event
 * types (the keyed users' include one that needs confirmation, a seated one, a recurring one and one with booking
 * limits and a booking window); for each team a collective and a round-robin event type whose hosts are its
 * members; and bookings in every status (accepted, pending, cancelled, rejected, rescheduled pairs, a recurring
 * series, a seated booking, absences) in the weeks around `now`, each inside its host's working hours. Drawn from a
 * generator of its own, after the directory, so the directory's rows are the same as without it.
 */
export function seedScheduling(state: State, recipe: ScenarioRecipe, seed: number, now: number): void {
  const english = englishFaker();
  const faker = new (english.constructor as typeof Faker)({ locale: english.rawDefinitions });
  faker.seed([seed, 0x5ced]);
  const random = (n: number) => faker.number.int({ min: 0, max: n - 1 });
  const day0 = seedingDay(now);
  let scheduleId = 0;
  let eventTypeId = 0;
  let bookingId = 0;
  let attendeeId = 0;
  const usersById = new Map(state.users.map((u) => [u.id, u]));
  const zoneOf = new Map<number, string>();
  const hoursOf = new Map<number, Schedule>();
  const personal = new Map<number, EventType[]>();
  const eventTypes = new Map<number, EventType>();

  const addSchedule = (userId: number, name: string, timeZone: string, availability: Schedule["availability"], overrides: Schedule["overrides"] = []) => {
    const schedule: Schedule = { id: ++scheduleId, userId, name, timeZone, availability, overrides };
    state.schedules.push(schedule);
    return schedule;
  };
  const addEventType = (row: Omit<EventType, "id">) => {
    const eventType = { id: ++eventTypeId, ...row } as EventType;
    state.eventTypes.push(eventType);
    eventTypes.set(eventType.id, eventType);
    return eventType;
  };

  for (const [orgIndex, org] of recipe.organizations.entries()) {
    const orgRow = state.organizations[orgIndex];
    if (!orgRow) continue;
    const options: NonNullable<OrganizationRecipe["scheduling"]> = org.scheduling ?? {};
    const perMember = options.bookingsPerMember ?? DEFAULT_BOOKINGS_PER_MEMBER;
    const maxHosts = options.maxHostsPerTeamEventType ?? DEFAULT_MAX_HOSTS;
    const keyed = org.keyedUsers?.length ?? 0;
    const members = state.memberships.filter((m) => m.teamId === orgRow.id && m.accepted).map((m) => m.userId);

    // Schedules and personal event types.
    members.forEach((userId, i) => {
      const isKeyed = i < keyed;
      const zone = isKeyed ? "Europe/London" : ZONES[random(ZONES.length)]!;
      zoneOf.set(userId, zone);
      const split = !isKeyed && i % 5 === 4;
      const availability: Schedule["availability"] = split
        ? [
            { days: [1, 2, 3, 4, 5], startTime: "09:00", endTime: "12:00" },
            { days: [1, 2, 3, 4, 5], startTime: "13:00", endTime: "17:00" },
          ]
        : [{ days: [1, 2, 3, 4, 5], startTime: "09:00", endTime: "17:00" }];
      if (i % 7 === 3) availability.push({ days: [6], startTime: "10:00", endTime: "14:00" });
      const overrides: Schedule["overrides"] = [];
      if (i % 4 === 1) {
        // A day off, and a short day, in the fortnight ahead.
        const off = DateTime.fromMillis(day0 + (1 + random(SPAN_DAYS)) * DAY_MS, { zone });
        overrides.push({ date: off.toISODate()!, startTime: "00:00", endTime: "00:00" });
        const short = off.plus({ days: 1 });
        overrides.push({ date: short.toISODate()!, startTime: "10:00", endTime: "13:00" });
      }
      const hours = addSchedule(userId, "Working hours", zone, availability, overrides);
      hoursOf.set(userId, hours);
      const user = usersById.get(userId);
      if (user) user.defaultScheduleId = hours.id;
      if (i % 6 === 2) addSchedule(userId, "Evenings", zone, [{ days: [1, 2, 3, 4], startTime: "18:00", endTime: "21:00" }]);

      const own: EventType[] = [
        addEventType({ title: "30 min meeting", slug: "thirty-minutes", length: 30, userId, teamId: null, locations: CAL_VIDEO }),
        addEventType({ title: "60 min meeting", slug: "sixty-minutes", length: 60, userId, teamId: null, locations: CAL_VIDEO, slotInterval: 30 }),
      ];
      if (isKeyed && i === 0) {
        own.push(
          addEventType({
            title: "Intro call", slug: "intro-call", length: 30, userId, teamId: null, locations: CAL_VIDEO,
            requiresConfirmation: true, requiresConfirmationWillBlockSlot: true,
            metadata: { requiresConfirmationThreshold: { time: 24, unit: "hours" } },
            description: "Needs the host's confirmation when booked less than a day ahead.",
          }),
          addEventType({
            title: "Weekly check-in", slug: "weekly-check-in", length: 30, userId, teamId: null, locations: CAL_VIDEO,
            recurringEvent: { freq: 2, count: 4, interval: 1 }, minimumBookingNotice: 60,
          }),
        );
      } else if (isKeyed && i === 1) {
        own.push(
          addEventType({
            title: "Workshop", slug: "workshop", length: 90, userId, teamId: null, locations: [{ type: "address", address: "1 Market Street, Room 4", public: true }],
            seatsPerTimeSlot: 5, seatsShowAttendees: true, seatsShowAvailabilityCount: true, beforeEventBuffer: 15, afterEventBuffer: 15,
          }),
        );
      } else if (isKeyed && i === 2) {
        own.push(
          addEventType({
            title: "Office hours", slug: "office-hours", length: 20, userId, teamId: null, locations: CAL_VIDEO,
            bookingLimits: { PER_DAY: 2, PER_WEEK: 6 }, durationLimits: { PER_DAY: 60 },
            periodType: "ROLLING", periodDays: 14, periodCountCalendarDays: false, minimumBookingNotice: 240, afterEventBuffer: 10,
          }),
        );
      } else if (i % 10 === 5) {
        own.push(addEventType({ title: "Quick chat", slug: "quick-chat", length: 15, userId, teamId: null, locations: CAL_VIDEO, hidden: true }));
      }
      personal.set(userId, own);
    });

    // Team event types: hosts are the team's members (accepted team memberships).
    const teamEventTypes = new Map<number, EventType[]>();
    for (const team of state.teams.filter((t) => t.parentId === orgRow.id)) {
      const teamMembers = state.memberships.filter((m) => m.teamId === team.id && m.accepted).map((m) => m.userId);
      if (teamMembers.length === 0) continue;
      const slug = team.slug ?? `team-${team.id}`;
      const list = [
        addEventType({
          title: `${team.name} sync`, slug: `${slug}-sync`, length: 30, userId: null, teamId: team.id, schedulingType: "COLLECTIVE",
          hosts: teamMembers.slice(0, 3).map((userId) => ({ userId, isFixed: true, priority: 2 })), locations: CAL_VIDEO,
        }),
        addEventType({
          title: `${team.name} intro`, slug: `${slug}-intro`, length: 30, userId: null, teamId: team.id, schedulingType: "ROUND_ROBIN",
          hosts: teamMembers.slice(0, maxHosts).map((userId, j) => ({ userId, isFixed: false, priority: 2, weight: 100 - (j % 5) * 10 })),
          locations: CAL_VIDEO, minimumBookingNotice: 60,
        }),
      ];
      teamEventTypes.set(team.id, list);
    }

    // Bookings, in the hosts' working hours, around the seeding day.
    const attendeeFor = (userId: number | undefined): Omit<Attendee, "id"> => {
      const colleague = userId === undefined ? undefined : usersById.get(userId);
      if (colleague) return { email: colleague.email, name: colleague.name ?? colleague.username, timeZone: zoneOf.get(colleague.id) ?? "Europe/London" };
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const email = `${first}.${last}${random(100)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, "");
      return { email, name: `${first} ${last}`, timeZone: ZONES[random(ZONES.length)]! };
    };
    /** A start inside the host's working hours on the given day, on the event type's grid; undefined when none. */
    const startOn = (hostId: number, dayOffset: number, length: number): number | undefined => {
      const schedule = hoursOf.get(hostId);
      if (!schedule) return undefined;
      const zone = schedule.timeZone ?? "Europe/London";
      const { date, weekday, at } = zonedDay(zone, day0 + dayOffset * DAY_MS);
      const override = schedule.overrides.filter((o) => o.date === date);
      const rules = override.length > 0 ? override : schedule.availability.filter((r) => r.days.includes(weekday));
      const windows = rules
        .map((r) => [toMinutes(r.startTime), toMinutes(r.endTime)] as const)
        .filter(([s, e]) => e - s >= length);
      if (windows.length === 0) return undefined;
      const [from, to] = windows[random(windows.length)]!;
      const steps = Math.floor((to - from - length) / 30) + 1;
      return at(from + random(steps) * 30);
    };
    const taken = new Map<number, Array<[number, number]>>();
    const free = (hostId: number, start: number, end: number) => !(taken.get(hostId) ?? []).some(([s, e]) => s < end && start < e);
    const take = (hostId: number, start: number, end: number) => {
      const list = taken.get(hostId) ?? [];
      list.push([start, end]);
      taken.set(hostId, list);
    };
    const addBooking = (b: Omit<Booking, "id" | "uid" | "attendees" | "createdAt"> & { attendees: Array<Omit<Attendee, "id">>; uid?: string; createdAt?: string }) => {
      const uid = b.uid ?? bookingUid(random);
      const row: Booking = {
        id: ++bookingId,
        uid,
        ...b,
        attendees: b.attendees.map((a) => ({ id: ++attendeeId, ...a })),
        createdAt: b.createdAt ?? iso(Math.min(Date.parse(b.startTime), day0) - (1 + random(7 * 24)) * 3_600_000),
      } as Booking;
      state.bookings.push(row);
      return row;
    };
    const responsesOf = (a: Omit<Attendee, "id">, guests: string[]) => ({
      name: a.name,
      email: a.email,
      ...(guests.length > 0 && { guests }),
      location: { value: DAILY, optionValue: "" },
    });

    members.forEach((hostId) => {
      const host = usersById.get(hostId);
      const own = personal.get(hostId) ?? [];
      const plain = own.filter((e) => !e.recurringEvent && !e.seatsPerTimeSlot);
      for (let n = 0; n < perMember; n++) {
        const eventType = plain[random(plain.length)];
        if (!eventType || !host) break;
        const offset = random(2 * SPAN_DAYS + 1) - SPAN_DAYS;
        const start = startOn(hostId, offset, eventType.length);
        if (start === undefined) continue;
        const end = start + eventType.length * 60_000;
        if (!free(hostId, start, end)) continue;
        take(hostId, start, end);
        const past = end <= day0;
        // A colleague attends now and then, so a booking makes an attendee busy too.
        const colleagueId = random(6) === 0 ? members[random(members.length)] : undefined;
        const attendee = attendeeFor(colleagueId === hostId ? undefined : colleagueId);
        const guests = random(5) === 0 ? [`guest${random(10_000)}@example.org`] : [];
        const roll = random(100);
        const status: Booking["status"] = eventType.requiresConfirmation && !past && roll < 60 ? "PENDING" : roll < 70 ? "ACCEPTED" : roll < 85 ? "CANCELLED" : roll < 92 ? "REJECTED" : "ACCEPTED";
        const base = {
          userId: hostId,
          eventTypeId: eventType.id,
          title: `${eventType.title} between ${host.name ?? host.username} and ${attendee.name}`,
          startTime: iso(start),
          endTime: iso(end),
          status,
          attendees: [attendee],
          responses: responsesOf(attendee, guests),
          location: DAILY,
        };
        if (status === "CANCELLED") {
          const byHost = random(2) === 0;
          addBooking({
            ...base,
            cancellationReason: byHost ? "Host unavailable" : "Attendee cannot make it",
            cancelledBy: byHost ? host.email : attendee.email,
            updatedAt: iso(Math.min(start, day0) - 3_600_000),
          });
        } else if (status === "REJECTED") {
          addBooking({ ...base, rejectionReason: "Outside the scope of this call", updatedAt: iso(Math.min(start, day0) - 3_600_000) });
        } else if (n % 9 === 4) {
          // Rescheduled: the old booking cancelled and pointing forward, the new one pointing back.
          const later = startOn(hostId, offset + 1 + random(3), eventType.length);
          if (later === undefined || !free(hostId, later, later + eventType.length * 60_000)) {
            addBooking(base);
            continue;
          }
          take(hostId, later, later + eventType.length * 60_000);
          const old = addBooking({ ...base, status: "CANCELLED", rescheduled: true, rescheduledBy: attendee.email, updatedAt: iso(Math.min(start, day0) - 1_800_000) });
          addBooking({
            ...base,
            status: "ACCEPTED",
            startTime: iso(later),
            endTime: iso(later + eventType.length * 60_000),
            fromReschedule: old.uid,
            rescheduledBy: attendee.email,
            responses: { ...base.responses, rescheduledReason: "Conflict with another meeting" },
            createdAt: old.updatedAt ?? old.createdAt,
          });
        } else {
          const absent = past && status === "ACCEPTED" && random(8) === 0;
          addBooking({
            ...base,
            ...(absent && { attendees: [{ ...attendee, noShow: true }] }),
            ...(past && status === "ACCEPTED" && random(15) === 0 && { noShowHost: true }),
          });
        }
      }
      // The keyed users' special event types get their own bookings.
      for (const eventType of own) {
        if (eventType.requiresConfirmation && host) {
          // Unconfirmed requests in the days ahead, waiting for the host.
          for (let offset = 1, made = 0; made < 2 && offset < 10; offset++) {
            const start = startOn(hostId, offset, eventType.length);
            if (start === undefined || !free(hostId, start, start + eventType.length * 60_000)) continue;
            take(hostId, start, start + eventType.length * 60_000);
            const attendee = attendeeFor(undefined);
            addBooking({
              userId: hostId, eventTypeId: eventType.id, title: `${eventType.title} between ${host.name ?? host.username} and ${attendee.name}`,
              startTime: iso(start), endTime: iso(start + eventType.length * 60_000), status: "PENDING", attendees: [attendee],
              responses: responsesOf(attendee, []), location: DAILY,
            });
            made++;
          }
        }
        if (eventType.recurringEvent && host) {
          const first = startOn(hostId, -7 + ((8 - DateTime.fromMillis(day0, { zone: "UTC" }).weekday) % 7), eventType.length);
          if (first === undefined) continue;
          const recurringEventId = bookingUid(random);
          const attendee = attendeeFor(undefined);
          for (let k = 0; k < eventType.recurringEvent.count; k++) {
            const start = first + k * 7 * DAY_MS;
            const end = start + eventType.length * 60_000;
            if (!free(hostId, start, end)) continue;
            take(hostId, start, end);
            addBooking({
              userId: hostId, eventTypeId: eventType.id, title: `${eventType.title} between ${host.name ?? host.username} and ${attendee.name}`,
              startTime: iso(start), endTime: iso(end), status: "ACCEPTED", attendees: [attendee], responses: responsesOf(attendee, []), location: DAILY, recurringEventId,
            });
          }
        } else if (eventType.seatsPerTimeSlot && host) {
          let start: number | undefined;
          for (let offset = 2; start === undefined && offset < 9; offset++) start = startOn(hostId, offset, eventType.length);
          if (start === undefined) continue;
          const end = start + eventType.length * 60_000;
          if (!free(hostId, start, end)) continue;
          take(hostId, start, end);
          const seated = [attendeeFor(undefined), attendeeFor(undefined), attendeeFor(undefined)];
          const firstAttendee = attendeeId + 1;
          addBooking({
            userId: hostId, eventTypeId: eventType.id, title: `${eventType.title} between ${host.name ?? host.username} and ${seated[0]!.name}`,
            startTime: iso(start), endTime: iso(end), status: "ACCEPTED", attendees: seated, responses: responsesOf(seated[0]!, []), location: "1 Market Street, Room 4",
            seatsReferences: seated.map((a, k) => ({ referenceUid: bookingUid(random), attendeeId: firstAttendee + k, data: { responses: { name: a.name, email: a.email } } })),
          });
        }
      }
    });

    // A few bookings of the team event types: collective ones have the other hosts as attendees, as Cal.com does.
    for (const list of teamEventTypes.values()) {
      for (const eventType of list) {
        const hosts = (eventType.hosts ?? []).map((h) => h.userId);
        for (let n = 0; n < Math.min(6, hosts.length * 2); n++) {
          const organizer = eventType.schedulingType === "ROUND_ROBIN" ? hosts[random(hosts.length)]! : hosts[0]!;
          const user = usersById.get(organizer);
          const offset = random(2 * SPAN_DAYS + 1) - SPAN_DAYS;
          const start = startOn(organizer, offset, eventType.length);
          if (start === undefined || !user) continue;
          const end = start + eventType.length * 60_000;
          const everyone = eventType.schedulingType === "COLLECTIVE" ? hosts : [organizer];
          if (!everyone.every((h) => free(h, start, end))) continue;
          for (const h of everyone) take(h, start, end);
          const attendee = attendeeFor(undefined);
          const coHosts = everyone.filter((h) => h !== organizer).map((h) => attendeeFor(h));
          addBooking({
            userId: organizer, eventTypeId: eventType.id, title: `${eventType.title} between ${user.name ?? user.username} and ${attendee.name}`,
            startTime: iso(start), endTime: iso(end), status: random(5) === 0 ? "CANCELLED" : "ACCEPTED", attendees: [attendee, ...coHosts],
            responses: responsesOf(attendee, []), location: DAILY,
          });
        }
      }
    }
  }
  seedReservation(state, seed, day0);
}

/**
 * One slot reservation, so the reservation operations have a row to read: the first member of the first
 * organization holds a 60-minute slot two weekdays after the seeding day at 10:00 in their zone, until that slot
 * begins. Drawn from a generator of its own, after everything else, so no other row changes with it.
 */
function seedReservation(state: State, seed: number, day0: number): void {
  const org = state.organizations[0];
  const hostId = org && state.memberships.find((m) => m.teamId === org.id && m.accepted)?.userId;
  const eventType = state.eventTypes.find((e) => e.userId === hostId && e.length === 60 && !e.seatsPerTimeSlot);
  if (hostId === undefined || !eventType) return;
  const english = englishFaker();
  const faker = new (english.constructor as typeof Faker)({ locale: english.rawDefinitions });
  faker.seed([seed, 0x5e1ec7]);
  const zone = state.schedules.find((s) => s.userId === hostId)?.timeZone ?? "Europe/London";
  let day = DateTime.fromMillis(day0, { zone: "UTC" }).setZone(zone, { keepLocalTime: true }).startOf("day").plus({ days: 2 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  const start = day.set({ hour: 10 }).toMillis();
  const reservation: SelectedSlot = {
    id: 1,
    uid: uuid((n) => faker.number.int({ min: 0, max: n - 1 })),
    eventTypeId: eventType.id,
    userId: hostId,
    slotUtcStartDate: iso(start),
    slotUtcEndDate: iso(start + eventType.length * 60_000),
    releaseAt: iso(start),
    isSeat: false,
  };
  (state.selectedSlots ??= []).push(reservation);
}

const zonedDays = new Map<string, { date: string; weekday: number; at: (minute: number) => number }>();

/**
 * The calendar day in a zone that has the date of the UTC day starting at `utcDayMs`: its date, weekday (0 =
 * Sunday) and the instant of a wall-clock minute on it (through luxon, so DST days come out right). Kept, since
 * seeding asks for the same few zones and days tens of thousands of times.
 */
function zonedDay(zone: string, utcDayMs: number) {
  const key = `${zone} ${utcDayMs}`;
  let day = zonedDays.get(key);
  if (!day) {
    const start = DateTime.fromMillis(utcDayMs, { zone: "UTC" }).setZone(zone, { keepLocalTime: true }).startOf("day");
    const minutes = new Map<number, number>();
    day = {
      date: start.toISODate()!,
      weekday: start.weekday % 7,
      at: (minute) => {
        let ms = minutes.get(minute);
        if (ms === undefined) {
          ms = start.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
          minutes.set(minute, ms);
        }
        return ms;
      },
    };
    if (zonedDays.size > 10_000) zonedDays.clear();
    zonedDays.set(key, day);
  }
  return day;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return hhmm === "23:59" ? 24 * 60 : h * 60 + m;
}
