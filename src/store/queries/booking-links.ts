/**
 * What Cal.com derives from a booking without changing it: its "add to calendar" links (built as Cal.com's
 * getCalendarLinks builds them), its references (the mock keeps no calendar or video references) and its Cal Video
 * recordings, transcripts and sessions (the mock runs no video rooms).
 */
import { DateTime } from "luxon";
import { badRequest, notFound } from "../../errors.js";
import type { Booking, EventType, User } from "../schema.js";
import type { Store } from "../store.js";
import { bookingOr404 } from "./booking-actions.js";
import { guardedBooking } from "./booking-attendees.js";
import { eventName } from "./booking-event-name.js";

export interface CalendarLink {
  label: "Google Calendar" | "Microsoft Office" | "Microsoft Outlook" | "ICS";
  id: "googleCalendar" | "microsoftOffice" | "microsoftOutlook" | "ics";
  link: string;
}

/** rrule's frequency names by Cal.com's stored number. */
const FREQUENCIES = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"];

/** The event type's recurrence as rrule writes it (`RRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=1`, in the stored order). */
function rrule(recurring: EventType["recurringEvent"]): string | undefined {
  if (!recurring) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(recurring)) {
    if (value === null || value === undefined) continue;
    if (key === "freq") parts.push(`FREQ=${FREQUENCIES[Number(value)] ?? String(value)}`);
    else if (key === "count" || key === "interval") parts.push(`${key.toUpperCase()}=${String(value)}`);
  }
  return parts.length ? `RRULE:${parts.join(";")}` : undefined;
}

/** Text escaped for an iCalendar value. */
const icsText = (text: string) => text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");

/** iCalendar folds lines at 75 octets (the `ics` package Cal.com uses continues them with a tab). */
function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 75;
    while (Buffer.byteLength(rest.slice(0, cut)) > 75) cut--;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out.join("\r\n\t");
}

const icsTime = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyyMMdd'T'HHmmss'Z'");

/**
 * The ICS event the `ics` package writes for Cal.com. Its UID (a random one in Cal.com) is the booking's uid and
 * its DTSTAMP (the time of the request there) the booking's last change, so the same booking gives the same link.
 */
function icsFile(b: Booking, title: string, description: string, location: string | undefined): string {
  const start = Date.parse(b.startTime);
  const minutes = Math.round((Date.parse(b.endTime) - start) / 60_000);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "PRODID:adamgibbons/ics",
    "METHOD:PUBLISH",
    "X-PUBLISHED-TTL:PT1H",
    "BEGIN:VEVENT",
    `UID:${b.uid}`,
    `SUMMARY:${icsText(title)}`,
    `DTSTAMP:${icsTime(Date.parse(b.updatedAt ?? b.createdAt))}`,
    `DTSTART:${icsTime(start)}`,
    ...(description ? [`DESCRIPTION:${icsText(description)}`] : []),
    ...(location ? [`LOCATION:${icsText(location)}`] : []),
    `DURATION:PT${minutes}M`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/** The organizer side of the event name in links: the team's name, else the event type's first user's. */
function linkHost(store: Store, et: EventType): string {
  const team = et.teamId == null ? undefined : store.get("teams", et.teamId) ?? store.get("organizations", et.teamId);
  if (team?.name) return team.name;
  const owner: User | undefined = et.userId == null ? undefined : store.get("users", et.userId);
  return owner?.name || "Nameless";
}

/**
 * Cal.com's calendar links: Google (event name unencoded, as Cal.com puts it), Office, Outlook (the whole link
 * through encodeURI, so its path's %2F become %252F, as Cal.com's do) and an ICS data URL. The location is the
 * booking's video call URL only; the description the event type's.
 */
export function calendarLinks(store: Store, uid: string): CalendarLink[] {
  const b = bookingOr404(store, uid, (u) => notFound(`Booking with uid ${u} not found`));
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (!et) throw badRequest(`Booking with uid ${uid} has no event type`);
  const name = eventName(et, b, { host: linkHost(store, et), location: b.location, forAttendeeView: true });
  const description = et.description ?? "";
  const videoCallUrl = typeof b.metadata?.videoCallUrl === "string" ? b.metadata.videoCallUrl : undefined;
  const location = videoCallUrl ? encodeURIComponent(videoCallUrl) : "";
  const start = Date.parse(b.startTime);
  const end = Date.parse(b.endTime);
  const compact = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyyMMdd'T'HHmmss'Z'");
  const plain = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
  const recurrence = rrule(et.recurringEvent);
  const google =
    `https://calendar.google.com/calendar/r/eventedit?dates=${compact(start)}/${compact(end)}&text=${name}&details=${encodeURIComponent(description)}` +
    (location ? `&location=${location}` : "") +
    (recurrence ? `&recur=${encodeURIComponent(recurrence)}` : "");
  const office =
    `https://outlook.office.com/calendar/0/deeplink/compose?body=${encodeURIComponent(description)}&enddt=${plain(end)}&path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&startdt=${plain(start)}&subject=${name}` +
    (location ? `&location=${location}` : "");
  const outlook =
    encodeURI(
      `https://outlook.live.com/calendar/0/deeplink/compose?body=${description}&enddt=${plain(end)}&path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&startdt=${plain(start)}&subject=${name}`,
    ) + (location ? `&location=${location}` : "");
  const ics = `data:text/calendar,${encodeURIComponent(icsFile(b, name, description, videoCallUrl))}`;
  return [
    { label: "Google Calendar", id: "googleCalendar", link: google },
    { label: "Microsoft Office", id: "microsoftOffice", link: office },
    { label: "Microsoft Outlook", id: "microsoftOutlook", link: outlook },
    { label: "ICS", id: "ics", link: ics },
  ];
}

/**
 * GET /v2/bookings/{uid}/references: Cal.com answers the organizer only (anyone else: 400). The mock keeps no
 * references, so the answer is empty whatever the type asked for.
 */
export function bookingReferences(store: Store, user: User, uid: string): never[] {
  const b = bookingOr404(store, uid, (u) => notFound(`Booking with uid ${u} not found`));
  if (b.userId !== user.id) throw badRequest(`Booking with uid ${uid} does not belong to user`);
  return [];
}

/** The organization team route: the booking is looked up by uid alone, as Cal.com does. */
export function orgBookingReferences(store: Store, uid: string): never[] {
  bookingOr404(store, uid, (u) => notFound(`Booking with uid ${u} not found`));
  return [];
}

/**
 * Whether Cal.com would hold a Cal Video (Daily) reference for the booking: one booked with Cal Video as its
 * location, or whose video call URL is a Cal Video room.
 */
export function hasCalVideo(b: Booking): boolean {
  if (typeof b.location === "string" && b.location.startsWith("integrations:daily")) return true;
  const url = b.metadata?.videoCallUrl;
  return typeof url === "string" && /\/video\/[^/]+/.test(url);
}

/**
 * Recordings, transcripts and sessions read the booking's Cal Video room: a booking without one is Cal.com's 404;
 * the mock's rooms hold nothing, so a booking with one answers [].
 */
export function calVideoArtifacts(store: Store, uid: string): never[] {
  const b = bookingOr404(store, uid);
  if (!hasCalVideo(b)) throw notFound(`No Cal Video reference found with booking uid ${uid}`);
  return [];
}

/** Sessions also need the caller to have access to the booking (Cal.com's booking access guard). */
export function conferencingSessions(store: Store, user: User, uid: string): never[] {
  guardedBooking(store, user, uid);
  return calVideoArtifacts(store, uid);
}
