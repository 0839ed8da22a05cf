// Bookings: every booking of the state, filtered as Cal.com's list filters them (upcoming, unconfirmed, past and
// cancelled relative to the mock's clock), by event type, by a host's or attendee's e-mail and by dates; one
// booking's page. BookingDetail is the calendar's too.
import { useEffect, useRef, useState } from "preact/hooks";
import {
  BookingStatus,
  Card,
  ClockLine,
  Empty,
  ErrorNote,
  Json,
  Pager,
  Segmented,
  dateTimeIn,
  fmt,
  html,
  navigate,
  qs,
  useAdmin,
  useClock,
  useDebounced,
} from "../lib.js";

const PAGE = 25;
const DAY_MS = 86_400_000;
const LISTS = [
  ["all", "All"],
  ["upcoming", "Upcoming"],
  ["unconfirmed", "Unconfirmed"],
  ["past", "Past"],
  ["cancelled", "Cancelled"],
];

/** A host's week, at the week holding `start`. */
export const weekHref = (userId, start) => `#/calendar/${userId}/${encodeURIComponent(start)}`;
export const bookingHref = (uid) => `#/bookings/${encodeURIComponent(uid)}`;

/** The list's query ("status=all" for every booking) as it was last shown, so a booking's page leads back to the same list. */
let lastListQuery = "";

export function BookingsView({ params, query }) {
  if (params[0]) return html`<${BookingPage} uid=${params[0]} />`;
  // A new query in the address (typed, or a link from elsewhere) starts the list again from it.
  return html`<${BookingsList} key=${JSON.stringify(query)} initial=${query} />`;
}

/** The end of a UTC date (a date input's value), as the instant the next day starts: Cal.com's beforeEnd. */
const endOfUtcDay = (date) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString();

function BookingsList({ initial }) {
  const clock = useClock();
  const [status, setStatus] = useState(initial.status ?? "upcoming");
  const [eventType, setEventType] = useState(initial.eventTypeId ?? "");
  const [email, setEmail] = useState(initial.email ?? "");
  const [from, setFrom] = useState(initial.from ?? "");
  const [to, setTo] = useState(initial.to ?? "");
  const [skip, setSkip] = useState(Number(initial.skip) || 0);
  const typedEventType = useDebounced(eventType.trim(), 250);
  const typedEmail = useDebounced(email.trim(), 250);
  const eventTypeId = /^\d+$/.test(typedEventType) ? typedEventType : "";
  const filters = { status, eventTypeId, email: typedEmail, from, to };
  const key = JSON.stringify(filters);
  // Other filters start the list again from its first page (not on the first render: the URL may name a page).
  const firstKey = useRef(key);
  useEffect(() => {
    if (key !== firstKey.current) {
      firstKey.current = undefined;
      setSkip(0);
    }
  }, [key]);
  useEffect(() => {
    lastListQuery = qs({ ...filters, skip: skip || undefined });
    history.replaceState(null, "", `#/bookings${lastListQuery}`);
  }, [key, skip]);
  const api = `/inspector/bookings${qs({ status: status === "all" ? "" : status, eventTypeId, email: typedEmail, afterStart: from, beforeEnd: to ? endOfUtcDay(to) : "", skip, take: PAGE })}`;
  const bookings = useAdmin(api, clock.token);
  // Suggestions for what is typed; for an id, the event type it names.
  const suggestions = useAdmin(typedEventType ? `/inspector/event-types${qs({ q: typedEventType, take: 20 })}` : null);
  const chosen = eventTypeId ? suggestions.data?.items.find((e) => String(e.id) === eventTypeId) : undefined;
  const counts = bookings.data?.counts;
  const choices = LISTS.map(([value, label]) => [value, counts ? `${label} ${fmt.format(counts[value])}` : label]);
  return html`
    <div class="page-head">
      <div>
        <h1>Bookings</h1>
        <div class="muted">Every booking of the state. Upcoming, unconfirmed, past and cancelled are Cal.com's lists, read at the mock's clock.</div>
      </div>
      <div class="muted small"><${ClockLine} clock=${clock} /></div>
    </div>
    <${Card}>
      <div class="toolbar">
        <${Segmented} label="Status" class="wrap" choices=${choices} value=${status} onChange=${setStatus} />
      </div>
      <form class="form wrap" onSubmit=${(e) => e.preventDefault()} data-testid="booking-filters">
        <label class="field grow"><span>Host or attendee e-mail</span>
          <input name="email" type="search" placeholder="someone@example.com" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field grow"><span>Event type (id, or search by title)</span>
          <input name="eventType" type="search" list="event-type-options" placeholder="30 min meeting" value=${eventType} onInput=${(e) => setEventType(e.currentTarget.value)} />
        </label>
        <datalist id="event-type-options">
          ${(suggestions.data?.items ?? []).map((e) => html`<option key=${e.id} value=${String(e.id)}>${e.title} · ${e.team ?? e.owner ?? ""} · ${fmt.format(e.bookings)} bookings</option>`)}
        </datalist>
        <label class="field"><span>Starts from (UTC)</span><input name="from" type="date" value=${from} onInput=${(e) => setFrom(e.currentTarget.value)} /></label>
        <label class="field"><span>Ends by (UTC)</span><input name="to" type="date" value=${to} onInput=${(e) => setTo(e.currentTarget.value)} /></label>
      </form>
      ${chosen ? html`<div class="muted small" data-testid="event-type-chosen">Event type ${chosen.id}: <strong>${chosen.title}</strong> (${chosen.team ? `team ${chosen.team}` : chosen.owner})</div>` : null}
      <${ErrorNote} error=${bookings.error} />
      <div class="table-scroll">
        <table class="table clickable bookings" data-testid="bookings">
          <thead><tr><th>When (UTC)</th><th>Booking</th><th>Host</th><th>Attendees</th><th>Status</th><th></th></tr></thead>
          <tbody>
            ${(bookings.data?.items ?? []).map(
              (b) => html`<tr key=${b.uid} data-uid=${b.uid} onClick=${(e) => e.target.closest("a") || navigate(bookingHref(b.uid))}>
                <td class="col-when nowrap mono small">${dateTimeIn(b.start, "UTC")}<div class="muted">→ ${dateTimeIn(b.end, "UTC").slice(11)}</div></td>
                <td class="col-booking"><a class="strong" href=${bookingHref(b.uid)}>${b.eventType?.title ?? b.title}</a><div class="muted small mono">${b.uid}</div></td>
                <td class="col-host">${b.host ? html`<a href=${weekHref(b.host.id, b.start)} title="This host's week">${b.host.name ?? b.host.username}</a><div class="muted small">${b.host.email}</div>` : html`<span class="muted">—</span>`}</td>
                <td class="col-attendees small">${b.attendees.map((a) => html`<div key=${a.email}>${a.email}</div>`)}</td>
                <td class="col-status"><${BookingStatus} status=${b.status} /></td>
                <td class="col-actions num nowrap">${b.host ? html`<a class="btn small" href=${weekHref(b.host.id, b.start)}>Week</a>` : null}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${bookings.data?.total === 0 ? html`<${Empty}>No booking matches.<//>` : null}
      <${Pager} page=${bookings.data} onSkip=${setSkip} noun="bookings" />
    <//>`;
}

function BookingPage({ uid }) {
  return html`
    <div class="crumbs"><a href=${`#/bookings${lastListQuery}`}>Bookings</a> <span>/</span> <span class="mono">${uid}</span></div>
    <${Card}><${BookingDetail} uid=${uid} zone="UTC" /><//>`;
}

function Row({ label, children, testid }) {
  return html`<div class="dl-row" data-testid=${testid}><dt>${label}</dt><dd>${children}</dd></div>`;
}

const uidLink = (uid) => html`<a class="mono" href=${bookingHref(uid)}>${uid}</a>`;

/** One booking whole: who, when (in `zone` and UTC), its status and lists, reasons, and the reschedule links. */
export function BookingDetail({ uid, zone, onClose }) {
  const clock = useClock();
  const detail = useAdmin(`/inspector/bookings/${encodeURIComponent(uid)}`, clock.token);
  const b = detail.data;
  if (detail.error) return html`<${ErrorNote} error=${detail.error} />`;
  if (!b) return html`<div class="loading">Loading…</div>`;
  return html`<div class="booking-detail" data-testid="booking-detail" data-uid=${b.uid}>
    <div class="detail-head">
      <div>
        <h2>${b.title}</h2>
        <div class="badges"><${BookingStatus} status=${b.status} />${b.lists.map((l) => html`<span key=${l} class="tag">${l}</span>`)}</div>
      </div>
      ${onClose ? html`<button class="btn small ghost" onClick=${onClose} aria-label="Close">✕</button>` : null}
    </div>
    <dl class="dl">
      <${Row} label="uid" testid="detail-uid"><span class="mono">${b.uid}</span><//>
      <${Row} label="When" testid="detail-when">
        ${dateTimeIn(b.start, zone)} – ${dateTimeIn(b.end, zone).slice(11)} <span class="muted">${zone}</span>
        <div class="muted small mono">${b.start} → ${b.end}</div>
      <//>
      <${Row} label="Event type" testid="detail-event-type">
        ${b.eventType
          ? html`<a href=${`#/bookings?status=all&eventTypeId=${b.eventType.id}`}>${b.eventType.title}</a> <span class="muted">#${b.eventType.id} · ${b.eventType.slug} · ${b.eventType.length} min${b.eventType.teamId ? ` · team ${b.eventType.teamId}` : ""}</span>`
          : html`<span class="muted">none (deleted)</span>`}
      <//>
      <${Row} label="Host" testid="detail-host">
        ${b.host
          ? html`${b.host.name ?? b.host.username} <span class="muted">${b.host.email}</span> · <a href=${weekHref(b.host.id, b.start)}>week</a>`
          : html`<span class="muted">none</span>`}
      <//>
      <${Row} label="Attendees" testid="detail-attendees">
        ${b.attendees.map(
          (a) => html`<div key=${a.id}>${a.name} <span class="muted">${a.email} · ${a.timeZone}</span>${a.noShow ? html` <span class="badge amber">no-show</span>` : null}</div>`,
        )}
      <//>
      ${b.rescheduledFromUid ? html`<${Row} label="Rescheduled from" testid="detail-from">${uidLink(b.rescheduledFromUid)}<//>` : null}
      ${b.rescheduled ? html`<${Row} label="Rescheduled to" testid="detail-to">${b.rescheduledToUid ? uidLink(b.rescheduledToUid) : html`<span class="muted">(no booking names it)</span>`}${b.rescheduledBy ? html` <span class="muted">by ${b.rescheduledBy}</span>` : null}<//>` : null}
      ${b.cancellationReason || b.cancelledBy ? html`<${Row} label="Cancelled">${b.cancellationReason ?? ""}${b.cancelledBy ? html` <span class="muted">by ${b.cancelledBy}</span>` : null}<//>` : null}
      ${b.rejectionReason ? html`<${Row} label="Rejected">${b.rejectionReason}<//>` : null}
      ${b.recurringEventId ? html`<${Row} label="Recurring">${b.occurrences} occurrences · <span class="mono small">${b.recurringEventId}</span><//>` : null}
      ${b.seats ? html`<${Row} label="Seats">${b.seats} taken<//>` : null}
      ${b.noShowHost ? html`<${Row} label="Host">marked absent<//>` : null}
      <${Row} label="Location">${b.location ?? html`<span class="muted">—</span>`}<//>
      <${Row} label="Created"><span class="mono small">${b.createdAt}</span>${b.updatedAt ? html` <span class="muted small">updated ${b.updatedAt}</span>` : null}<//>
    </dl>
    <details><summary class="muted small">Booking-field answers</summary><${Json} value=${b.responses ?? undefined} /></details>
  </div>`;
}
