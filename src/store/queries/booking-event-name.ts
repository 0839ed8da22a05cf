/**
 * A booking's event name as Cal.com's getEventName makes it: "{event type} between {host} and {booker}" by default,
 * or the event type's own template with its variables filled in. A new booking's title, a reassigned one's and
 * calendar links use it.
 */
import type { Booking, EventType } from "../schema.js";

export interface EventNameInput {
  /** The organizer's name, or the team's where Cal.com passes it. */
  host: string;
  location?: string | null | undefined;
  /** The attendee's view (calendar links): {HOST/ATTENDEE} names the host. */
  forAttendeeView?: boolean;
}

/** The booker's name from the booking's responses (a {firstName, lastName} object too); "Nameless" without one. */
export function bookerName(b: Pick<Booking, "responses">): string {
  const name = (b.responses as Record<string, unknown> | undefined)?.name;
  if (typeof name === "string") return name;
  if (name && typeof name === "object" && typeof (name as { firstName?: unknown }).firstName === "string") {
    const { firstName, lastName } = name as { firstName: string; lastName?: string };
    return `${firstName} ${lastName ?? ""}`.trim();
  }
  return "Nameless";
}

export function eventName(et: EventType, b: Pick<Booking, "responses">, input: EventNameInput): string {
  const attendee = bookerName(b);
  if (!et.eventName) return `${et.title} between ${input.host} and ${attendee}`;
  const location = input.location ?? "";
  const first = attendee.split(" ")[0] ?? attendee;
  return et.eventName
    .replace("{Location}", location)
    .replace("{LOCATION}", location)
    .replaceAll("{Event type title}", et.title)
    .replaceAll("{Scheduler}", attendee)
    .replaceAll("{Organiser}", input.host)
    .replaceAll("{Organiser first name}", input.host.split(" ")[0] ?? input.host)
    .replaceAll("{USER}", attendee)
    .replaceAll("{ATTENDEE}", attendee)
    .replaceAll("{HOST}", input.host)
    .replaceAll("{HOST/ATTENDEE}", input.forAttendeeView ? input.host : attendee)
    .replaceAll("{Event duration}", `${et.length} mins`)
    .replaceAll("{Scheduler first name}", first);
}
