import type { State } from "./schema.js";

interface Known {
  orgIds: Set<number>;
  teamIds: Set<number>;
  userIds: Set<number>;
}

/**
 * What spec/state.schema.json cannot say about the scheduling collections of a state document: unique ids and
 * keys, references that name existing rows, a booking that does not end before it starts. Links Cal.com itself
 * leaves dangling are not refused: a user's defaultScheduleId after the schedule is deleted, a booking's
 * fromReschedule after the booking it names went with its organizer.
 */
export function schedulingProblems(state: State, known: Known): string[] {
  const problems: string[] = [];
  const schedules = state.schedules ?? [];
  const eventTypes = state.eventTypes ?? [];
  const bookings = state.bookings ?? [];
  const selectedSlots = state.selectedSlots ?? [];
  const unique = <T>(collection: string, rows: T[], key: (row: T) => unknown, what = "id") => {
    const seen = new Set<unknown>();
    rows.forEach((row, i) => {
      const k = key(row);
      if (k === undefined) return;
      if (seen.has(k)) problems.push(`/${collection}/${i}: duplicate ${what} ${JSON.stringify(k)}`);
      seen.add(k);
    });
  };
  const dangling = (where: string, field: string, value: unknown, target: string) =>
    problems.push(`${where}: ${field} ${JSON.stringify(value)} does not name an existing ${target}`);

  unique("schedules", schedules, (r) => r.id);
  unique("eventTypes", eventTypes, (r) => r.id);
  unique("eventTypes", eventTypes, (r) => (r.userId != null ? `${r.userId}:${r.slug}` : undefined), "(userId, slug)");
  unique("eventTypes", eventTypes, (r) => (r.teamId != null ? `${r.teamId}:${r.slug}` : undefined), "(teamId, slug)");
  unique("bookings", bookings, (r) => r.id);
  unique("bookings", bookings, (r) => r.uid, "uid");
  unique("selectedSlots", selectedSlots, (r) => r.id);
  const attendeeIds = new Set<number>();
  const seatUids = new Set<string>();
  bookings.forEach((b, i) => {
    b.attendees.forEach((a, j) => {
      if (attendeeIds.has(a.id)) problems.push(`/bookings/${i}/attendees/${j}: duplicate attendee id ${a.id}`);
      attendeeIds.add(a.id);
    });
    (b.seatsReferences ?? []).forEach((s, j) => {
      if (seatUids.has(s.referenceUid)) problems.push(`/bookings/${i}/seatsReferences/${j}: duplicate referenceUid ${JSON.stringify(s.referenceUid)}`);
      seatUids.add(s.referenceUid);
      if (!b.attendees.some((a) => a.id === s.attendeeId)) dangling(`/bookings/${i}/seatsReferences/${j}`, "attendeeId", s.attendeeId, "attendee of the booking");
    });
  });

  const scheduleIds = new Set(schedules.map((s) => s.id));
  const eventTypeIds = new Set(eventTypes.map((e) => e.id));
  const memberOf = new Set(state.memberships.map((m) => `${m.teamId}:${m.userId}`));
  schedules.forEach((s, i) => {
    if (!known.userIds.has(s.userId)) dangling(`/schedules/${i}`, "userId", s.userId, "user");
  });
  eventTypes.forEach((e, i) => {
    const where = `/eventTypes/${i}`;
    if (e.userId == null && e.teamId == null) problems.push(`${where}: needs a userId (a personal event type) or a teamId (a team's)`);
    if (e.userId != null && !known.userIds.has(e.userId)) dangling(where, "userId", e.userId, "user");
    if (e.teamId != null && !known.teamIds.has(e.teamId) && !known.orgIds.has(e.teamId)) dangling(where, "teamId", e.teamId, "team");
    if (e.scheduleId != null && !scheduleIds.has(e.scheduleId)) dangling(where, "scheduleId", e.scheduleId, "schedule");
    if (e.parentId != null && !eventTypeIds.has(e.parentId)) dangling(where, "parentId", e.parentId, "event type");
    (e.hosts ?? []).forEach((h, j) => {
      if (!known.userIds.has(h.userId)) dangling(`${where}/hosts/${j}`, "userId", h.userId, "user");
      else if (e.teamId != null && !memberOf.has(`${e.teamId}:${h.userId}`)) problems.push(`${where}/hosts/${j}: user ${h.userId} has no membership of team ${e.teamId}`);
      if (h.scheduleId != null && !scheduleIds.has(h.scheduleId)) dangling(`${where}/hosts/${j}`, "scheduleId", h.scheduleId, "schedule");
    });
  });
  bookings.forEach((b, i) => {
    const where = `/bookings/${i}`;
    if (b.userId != null && !known.userIds.has(b.userId)) dangling(where, "userId", b.userId, "user");
    if (b.eventTypeId != null && !eventTypeIds.has(b.eventTypeId)) dangling(where, "eventTypeId", b.eventTypeId, "event type");
    if (Date.parse(b.endTime) < Date.parse(b.startTime)) problems.push(`${where}: endTime ${b.endTime} is before startTime ${b.startTime}`);
  });
  selectedSlots.forEach((r, i) => {
    const where = `/selectedSlots/${i}`;
    if (!eventTypeIds.has(r.eventTypeId)) dangling(where, "eventTypeId", r.eventTypeId, "event type");
    if (!known.userIds.has(r.userId)) dangling(where, "userId", r.userId, "user");
    if (Date.parse(r.slotUtcEndDate) < Date.parse(r.slotUtcStartDate)) problems.push(`${where}: slotUtcEndDate is before slotUtcStartDate`);
  });
  return problems;
}
