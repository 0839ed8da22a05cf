// Calendar: a member's week in a time zone: the availability the slot engine reads (shaded), their bookings by
// status, the reservations held for them until they expire, today and now from the mock's clock. A click on a
// booking shows it whole beside the week.
import { useEffect, useRef, useState } from "preact/hooks";
import { Card, ClockLine, Empty, ErrorNote, SearchBox, count, hhmm, html, inZone, navigate, qs, useAdmin, useClock, useDebounced } from "../lib.js";
import { BookingDetail } from "./bookings.js";
import { useOrgId } from "./organization.js";

const HOUR_PX = 44;
const MINUTE_PX = HOUR_PX / 60;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/**
 * `#/calendar/{userId}/{a date or instant of the week, or "today"}/{zone}`: the week holding that day, today by
 * the mock's clock; no zone: the schedule's.
 */
export function weekPath(userId, date, zone) {
  const parts = [userId];
  if (date || zone) parts.push(date ?? "today");
  if (zone) parts.push(zone);
  return `#/calendar/${parts.map((p) => encodeURIComponent(p)).join("/")}`;
}

export function CalendarView({ params }) {
  const [userId, date, zone] = params;
  if (!userId) return html`<${MemberPicker} />`;
  return html`<${Week} userId=${Number(userId)} date=${date && date !== "today" ? date : undefined} zone=${zone || undefined} />`;
}

/** Whose week: a member of the organization, found by name, username, e-mail or id. */
function MemberPicker() {
  const { org, error, loading } = useOrgId(undefined);
  const [search, setSearch] = useState("");
  const q = useDebounced(search, 200);
  const members = useAdmin(org ? `/organizations/${org.id}/members${qs({ q, status: "accepted", take: 12 })}` : null);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (loading) return html`<div class="loading">Loading…</div>`;
  return html`
    <div class="page-head"><div><h1>Calendar</h1><div class="muted">A member's week: availability, bookings and reservations. Choose whose.</div></div></div>
    <${Card}>
      <${SearchBox} value=${search} onInput=${setSearch} placeholder="Search name, username, email or user id" />
      <ul class="nav-list" data-testid="calendar-members">
        ${(members.data?.items ?? []).map(
          (m) => html`<li key=${m.userId}><a href=${weekPath(m.userId)}><span class="nav-title">${m.name || m.username}</span><span class="muted small">${m.email} · user ${m.userId}</span></a></li>`,
        )}
      </ul>
      ${members.data?.total === 0 ? html`<${Empty}>No member matches.<//>` : null}
    <//>`;
}

/** Where a block sits in its day's column. */
const place = (startMinute, endMinute) => ({ top: `${startMinute * MINUTE_PX}px`, height: `${Math.max(endMinute - startMinute, 12) * MINUTE_PX}px` });

/**
 * Side by side where they overlap: each item of a day gets a lane (the first whose last item has ended) and the
 * width of the widest run of overlapping items it belongs to.
 */
function lanes(items) {
  const sorted = [...items].sort((a, b) => a.startMinute - b.startMinute || b.endMinute - a.endMinute);
  const out = [];
  let group = [];
  let groupEnd = -1;
  const close = () => {
    const width = Math.max(1, ...group.map((g) => g.lane + 1));
    for (const g of group) out.push({ ...g, lanes: width });
    group = [];
  };
  for (const item of sorted) {
    if (item.startMinute >= groupEnd && group.length) close();
    const ends = [];
    for (const g of group) ends[g.lane] = Math.max(ends[g.lane] ?? -1, g.endMinute);
    let lane = ends.findIndex((end) => end <= item.startMinute);
    if (lane < 0) lane = ends.length;
    group.push({ ...item, lane });
    groupEnd = Math.max(groupEnd, item.endMinute);
  }
  if (group.length) close();
  return out;
}

/** Under 45 minutes a block has one line: its start and a title cut short (its whole range is in the tooltip). */
const short = (e) => e.endMinute - e.startMinute < 45;
/** How many lines of title a taller block has room for under its times (11.5 px text, 15 px lines). */
const titleLines = (e) => Math.max(1, Math.floor(((e.endMinute - e.startMinute) * MINUTE_PX - 6) / 15) - 1);
const times = (e, zone) => (short(e) ? hhmm(e.item.start, zone) : html`${hhmm(e.item.start, zone)}<span class="event-end">–${hhmm(e.item.end, zone)}</span>`);

const LEGEND = [
  ["available", "Available"],
  ["accepted", "Accepted"],
  ["pending", "Pending"],
  ["cancelled", "Cancelled"],
  ["rejected", "Rejected"],
  ["reservation", "Reserved"],
];

function Legend() {
  return html`<ul class="legend" data-testid="legend">
    ${LEGEND.map(([kind, label]) => html`<li key=${kind}><i class="swatch swatch-${kind}"></i>${label}</li>`)}
  </ul>`;
}

const ORDINAL_DAYS = { Monday: "Mon", Tuesday: "Tue", Wednesday: "Wed", Thursday: "Thu", Friday: "Fri", Saturday: "Sat", Sunday: "Sun" };

/** Every IANA zone the browser knows, with the week's own (schedule, user, attendees, UTC) first. */
function zoneChoices(week) {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const first = [...week.zones, week.zone].filter((z, i, all) => all.indexOf(z) === i);
  return [...first, ...known.filter((z) => !first.includes(z))];
}

function scheduleText(schedule) {
  if (schedule.availability.length === 0) return "no working hours";
  return schedule.availability.map((row) => `${row.days.map((d) => ORDINAL_DAYS[d]).join(", ")} ${row.startTime}–${row.endTime}`).join("; ");
}

const SOURCE = {
  default: "the user's default schedule",
  first: "the user's first schedule (no default is set)",
  fallback: "no schedule: Cal.com's fallback, Monday to Friday 09:00–17:00 in the user's time zone",
};

function Week({ userId, date, zone }) {
  const clock = useClock();
  const week = useAdmin(`/inspector/week${qs({ userId, date, zone })}`, clock.token);
  const [selected, setSelected] = useState(null);
  const scroller = useRef(null);
  const w = week.data;
  const firstDay = w?.days[0]?.date;
  // On a new week, scroll to an hour before its first available time or booking.
  useEffect(() => {
    if (!w || !scroller.current) return;
    const starts = [...w.days.flatMap((d) => d.available.map((a) => a.startMinute)), ...w.bookings.flatMap((b) => b.segments.map((s) => s.startMinute))];
    const first = starts.length ? Math.min(...starts) : 8 * 60;
    scroller.current.scrollTop = Math.max(0, (first - 60) * MINUTE_PX - 8);
  }, [firstDay, w?.user.id, w?.zone]);
  if (week.error) return html`<${ErrorNote} error=${week.error} />`;
  if (!w) return html`<div class="loading">Loading…</div>`;
  const name = w.user.name || w.user.username;
  const go = (d, z = zone) => navigate(weekPath(userId, d, z));
  const byDay = w.days.map(() => []);
  for (const b of w.bookings) for (const s of b.segments) byDay[s.day].push({ kind: "booking", item: b, ...s });
  for (const r of w.reservations) for (const s of r.segments) byDay[s.day].push({ kind: "reservation", item: r, ...s });
  const last = w.days[6];
  return html`
    <div class="crumbs">
      <a href="#/calendar">Calendar</a> <span>/</span>
      ${w.user.organizationId ? html`<a href=${`#/organization/${w.user.organizationId}/members/${w.user.id}`}>${name}</a>` : html`<span>${name}</span>`}
    </div>
    <div class="page-head">
      <div>
        <h1>${name}'s week</h1>
        <div class="muted" data-testid="week-range">${inZone(w.days[0].date + "T12:00:00Z", "UTC", { weekday: "short", day: "numeric", month: "short" })} – ${inZone(last.date + "T12:00:00Z", "UTC", { weekday: "short", day: "numeric", month: "short", year: "numeric" })} · <span class="mono">${w.zone}</span> · ${w.user.email}</div>
      </div>
      <div class="muted small"><${ClockLine} clock=${clock} /></div>
    </div>
    <div class="toolbar week-toolbar">
      <div class="segmented" role="group" aria-label="Week">
        <button onClick=${() => go(w.previous)} aria-label="Previous week">‹ Previous</button>
        <button onClick=${() => go(undefined)} data-testid="week-today">Today</button>
        <button onClick=${() => go(w.next)} aria-label="Next week">Next ›</button>
      </div>
      <label class="field inline"><span>Time zone</span>
        <select name="zone" value=${w.zone} onChange=${(e) => go(w.days[0].date, e.currentTarget.value)}>
          ${zoneChoices(w).map((z) => html`<option key=${z} value=${z}>${z}${z === w.schedule.timeZone ? " (schedule)" : ""}</option>`)}
        </select>
      </label>
      <a class="btn small" href=${`#/bookings${qs({ status: "all", email: w.user.email })}`}>Their bookings</a>
      <${Legend} />
    </div>
    <div class="week-layout">
      <div class="card week-card">
        <div class="week-scroll-x">
          <div class="week" data-testid="week">
            <div class="week-head">
              <div class="hour-gutter"></div>
              ${w.days.map(
                (d) => html`<div key=${d.date} class="day-head ${d.isToday ? "today" : ""}" data-date=${d.date} aria-current=${d.isToday ? "date" : undefined}>
                  <span class="day-name">${ORDINAL_DAYS[d.weekday]}</span> <span class="day-num">${Number(d.date.slice(8))}</span>
                  ${d.override ? html`<span class="badge amber override" title="A date override replaces this day's working hours">override</span>` : null}
                </div>`,
              )}
            </div>
            <div class="week-scroll" ref=${scroller}>
              <div class="week-body" style=${{ height: `${24 * HOUR_PX}px` }}>
                <div class="hour-gutter">
                  ${HOURS.map((h) => html`<div key=${h} class="hour-label" style=${{ top: `${h * HOUR_PX}px` }}>${String(h).padStart(2, "0")}:00</div>`)}
                </div>
                ${w.days.map(
                  (d, i) => html`<div key=${d.date} class="day-col ${d.isToday ? "today" : ""}" data-date=${d.date} data-testid="day">
                    ${HOURS.map((h) => html`<div key=${h} class="hour-line" style=${{ top: `${h * HOUR_PX}px` }}></div>`)}
                    ${d.available.map(
                      (a) => html`<div key=${a.start} class="available" data-testid="available" data-start=${a.start} data-end=${a.end} style=${place(a.startMinute, a.endMinute)}
                        title=${`Available ${hhmm(a.start, w.zone)}–${hhmm(a.end, w.zone)}`}></div>`,
                    )}
                    ${lanes(byDay[i]).map((e) =>
                      e.kind === "booking"
                        ? html`<button key=${`b${e.item.uid}`} class="event ${e.item.status} ${short(e) ? "short" : ""} ${selected === e.item.uid ? "selected" : ""}" data-testid="booking" data-uid=${e.item.uid} data-status=${e.item.status}
                            style=${{ ...place(e.startMinute, e.endMinute), left: `${(e.lane / e.lanes) * 100}%`, width: `${100 / e.lanes}%` }}
                            title=${`${hhmm(e.item.start, w.zone)}–${hhmm(e.item.end, w.zone)} ${e.item.title} (${e.item.status.replace("_", " ")}${e.item.role === "attendee" ? ", as attendee" : ""})`}
                            aria-label=${`${e.item.status.replace("_", " ")}: ${e.item.title}, ${hhmm(e.item.start, w.zone)} to ${hhmm(e.item.end, w.zone)}`}
                            onClick=${() => setSelected(e.item.uid)}>
                            <span class="event-time">${times(e, w.zone)}</span>${" "}
                            <span class="event-title" style=${{ WebkitLineClamp: String(titleLines(e)) }}>${e.item.role === "attendee" ? `with ${e.item.host?.name ?? "the host"}` : (e.item.attendees[0]?.name ?? e.item.title)} · ${e.item.eventType?.title ?? ""}</span>
                          </button>`
                        : html`<div key=${`r${e.item.id}`} class="event reservation ${short(e) ? "short" : ""}" data-testid="reservation" data-uid=${e.item.uid}
                            style=${{ ...place(e.startMinute, e.endMinute), left: `${(e.lane / e.lanes) * 100}%`, width: `${100 / e.lanes}%` }}
                            title=${`${hhmm(e.item.start, w.zone)}–${hhmm(e.item.end, w.zone)} reserved (${e.item.eventType?.title ?? "an event type"}) until ${e.item.releaseAt}`}>
                            <span class="event-time">${times(e, w.zone)}</span>${" "}
                            <span class="event-title">reserved until ${hhmm(e.item.releaseAt, w.zone)}</span>
                          </div>`,
                    )}
                    ${w.nowMark?.day === i ? html`<div class="now-line" data-testid="now-line" style=${{ top: `${w.nowMark.minute * MINUTE_PX}px` }}></div>` : null}
                  </div>`,
                )}
              </div>
            </div>
          </div>
        </div>
      </div>
      <aside class="week-side">
        ${selected
          ? html`<${Card}><${BookingDetail} uid=${selected} zone=${w.zone} onClose=${() => setSelected(null)} /><//>`
          : html`<${Card} title="Availability">
              <p data-testid="schedule">
                <strong>${w.schedule.name}</strong>${w.schedule.id ? html` <span class="muted">#${w.schedule.id}</span>` : null} · <span class="mono">${w.schedule.timeZone}</span><br />
                <span class="muted small">${SOURCE[w.schedule.source]}, as a slots request without an event type schedule reads it</span>
              </p>
              <p>${scheduleText(w.schedule)}</p>
              ${w.schedule.overrides.length
                ? html`<ul class="rows" data-testid="overrides">${w.schedule.overrides.map(
                    (o) => html`<li key=${o.date + o.startTime}><span class="mono">${o.date}</span><span>${o.startTime === o.endTime ? "unavailable" : `${o.startTime}–${o.endTime}`}</span></li>`,
                  )}</ul>`
                : html`<p class="muted small">No date override this week.</p>`}
              <p class="muted small">${count(w.bookings.length, "bookings")} and ${count(w.reservations.length, "live reservations")} this week. Click a booking for its details.</p>
            <//>`}
      </aside>
    </div>`;
}
