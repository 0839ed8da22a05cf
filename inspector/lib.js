// What every view shares: the /__admin client, Preact bound to htm, hooks and small components.
import { h, createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);

/** Calls the control API; answers `data`, or throws the error envelope's message. */
export async function admin(path, init = {}) {
  const res = await fetch(`/__admin${path}`, {
    ...init,
    headers: init.body !== undefined ? { "content-type": "application/json", ...init.headers } : init.headers,
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || body.status !== "success") {
    const error = new Error(body.error?.message ?? `${res.status} ${res.statusText}`);
    error.status = res.status;
    throw error;
  }
  return body.data;
}

export const post = (path, body) => admin(path, { method: "POST", body: JSON.stringify(body ?? {}) });

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** What the shell hands every view: the state's version (bumped when it changes) and a toast. */
export const Live = createContext({ version: 0, requests: 0, notify: () => {} });
export const useLive = () => useContext(Live);

/**
 * Loads `path` from /__admin, again whenever it or the state's version changes. Keeps showing the last answer
 * while the next one loads, so paging and live refreshes do not flicker.
 */
export function useAdmin(path, extraKey = 0) {
  const { version } = useLive();
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    if (path === null) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    admin(path).then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, version, extraKey, reloads]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { ...state, reload };
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced(value, ms = 200) {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export function useInterval(fn, ms) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    const timer = setInterval(() => saved.current(), ms);
    return () => clearInterval(timer);
  }, [ms]);
}

export function navigate(hash) {
  if (location.hash !== hash) location.hash = hash;
}

export const fmt = new Intl.NumberFormat("en");

/** A moment as "2026-11-26 14:03:07", in the viewer's time zone: the same on every machine's locale. */
export function dateTime(iso) {
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A plural noun for a count: "1 option", "2 options", "1 entry", "1 person". */
export function nounFor(n, plural) {
  if (n !== 1) return plural;
  if (plural === "people") return "person";
  return plural.endsWith("ies") ? `${plural.slice(0, -3)}y` : plural.replace(/s$/, "");
}

/** A count with its noun: `count(1, "options")` is "1 option". */
export const count = (n, plural) => `${fmt.format(n)} ${nounFor(n, plural)}`;

export function Pager({ page, onSkip, noun = "rows" }) {
  if (!page) return null;
  const { total, skip, take } = page;
  const last = Math.min(skip + take, total);
  return html`<div class="pager">
    <span class="muted">${total === 0 ? `No ${noun}` : `${fmt.format(skip + 1)}–${fmt.format(last)} of ${count(total, noun)}`}</span>
    <span class="pager-buttons">
      <button class="btn small" disabled=${skip === 0} onClick=${() => onSkip(Math.max(0, skip - take))}>‹ Previous</button>
      <button class="btn small" disabled=${last >= total} onClick=${() => onSkip(skip + take)}>Next ›</button>
    </span>
  </div>`;
}

export function SearchBox({ value, onInput, placeholder, label }) {
  return html`<label class="search">
    <span class="visually-hidden">${label ?? placeholder}</span>
    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M8.5 3a5.5 5.5 0 0 1 4.38 8.83l3.65 3.64-1.06 1.06-3.64-3.65A5.5 5.5 0 1 1 8.5 3Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z" /></svg>
    <input type="search" placeholder=${placeholder} value=${value} onInput=${(e) => onInput(e.currentTarget.value)} />
  </label>`;
}

/** A row of mutually exclusive buttons; `choices` are [value, label] pairs. */
export function Segmented({ label, choices, value, onChange, class: cls = "" }) {
  return html`<div class="segmented ${cls}" role="group" aria-label=${label}>
    ${choices.map(([v, text]) => html`<button key=${v} class=${value === v ? "on" : ""} aria-pressed=${value === v} onClick=${() => onChange(v)}>${text}</button>`)}
  </div>`;
}

export function ErrorNote({ error }) {
  return error ? html`<div class="note error" role="alert">${error.message}</div>` : null;
}

export function Empty({ children }) {
  return html`<div class="empty">${children}</div>`;
}

const ROLE_CLASS = { OWNER: "violet", ADMIN: "blue", MEMBER: "gray" };
export const RoleBadge = ({ role }) => html`<span class="badge ${ROLE_CLASS[role] ?? "gray"}">${role.toLowerCase()}</span>`;

export function StatusBadge({ status }) {
  const tone = status >= 500 ? "red" : status >= 400 ? "amber" : status >= 300 ? "blue" : "green";
  return html`<span class="badge ${tone} mono">${status}</span>`;
}

export const MethodBadge = ({ method }) => html`<span class="method ${method.toLowerCase()}">${method}</span>`;

export const TYPE_LABEL = {
  SINGLE_SELECT: "Single select",
  MULTI_SELECT: "Multi select",
  TEXT: "Text",
  NUMBER: "Number",
  USER_RELATIONSHIP: "User relationship",
};

export function Json({ value }) {
  if (value === undefined) return html`<div class="muted small">none</div>`;
  return html`<pre class="json">${typeof value === "string" ? value : JSON.stringify(value, null, 2)}</pre>`;
}

export function Card({ title, actions, children, class: cls = "" }) {
  return html`<section class="card ${cls}">
    ${title || actions ? html`<header class="card-head"><h2>${title}</h2>${actions ? html`<div class="card-actions">${actions}</div>` : null}</header>` : null}
    <div class="card-body">${children}</div>
  </section>`;
}

const CLOCK_MODE = { real: "real time", frozen: "frozen", shifted: "running, shifted from real time" };

/**
 * The mock's clock (GET /__admin/clock), read again every few seconds and whenever the state changes. `token`
 * changes when views that depend on now should load again: at each setting of a frozen clock, and once a minute
 * while it runs.
 */
export function useClock() {
  const { version } = useLive();
  const [reading, setReading] = useState(null);
  const [error, setError] = useState(undefined);
  const read = useCallback(() => {
    const asked = performance.now();
    admin("/clock").then(
      (r) => {
        setReading({ ...r, at: asked });
        setError(undefined);
      },
      (err) => setError(err),
    );
  }, []);
  useEffect(read, [version, read]);
  useInterval(read, 5000);
  // The first reading changes nothing: what a view loaded alongside it was already read at that time.
  const first = useRef(undefined);
  if (!reading) return { reading: null, error, token: "", reload: read };
  const running = reading.mode !== "frozen";
  const token = running ? `${reading.mode}:${Math.floor(Date.parse(reading.now) / 60000)}` : `frozen:${reading.now}`;
  first.current ??= token;
  return { reading, error, token: token === first.current ? "" : token, reload: read };
}

/** The clock's now as an instant: the reading, moved on by the time since it was taken unless it stands still. */
const clockNow = (r) => Date.parse(r.now) + (r.mode === "frozen" ? 0 : performance.now() - r.at);

/** The clock as Controls shows it: the instant, and whether it stands still, runs in real time or shifted. */
export function ClockLine({ clock, label = "Now" }) {
  const [, setTick] = useState(0);
  useInterval(() => clock.reading?.mode !== "frozen" && setTick((n) => n + 1), 1000);
  const r = clock.reading;
  if (!r) return html`<span class="muted" data-testid="clock">…</span>`;
  const shown = r.mode === "frozen" ? r.now : new Date(clockNow(r)).toISOString();
  return html`<span class="clock-line" data-testid="clock" data-mode=${r.mode}>
    <i class=${`clock-dot ${r.mode}`}></i>${label}: <strong class="mono">${shown}</strong> (${CLOCK_MODE[r.mode] ?? r.mode}${r.mode !== "real" ? `, ${Math.round(r.offsetMs / 60000)} min from real time` : ""})
  </span>`;
}

const zoneFormats = new Map();

/** Intl's formatter for a zone and options, made once: making one is far slower than formatting with it. */
function zoneFormat(zone, options, locale = "en-GB") {
  const key = `${locale}|${zone}|${JSON.stringify(options)}`;
  let format = zoneFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: zone, hourCycle: "h23", ...options });
    zoneFormats.set(key, format);
  }
  return format;
}

/** An instant's wall clock in an IANA zone ("09:30", "Mon 7 Jan", …) through Intl; `options` are Intl's. */
export const inZone = (iso, zone, options) => zoneFormat(zone, options).format(new Date(iso));

export const hhmm = (iso, zone) => inZone(iso, zone, { hour: "2-digit", minute: "2-digit" });

const NUMERIC = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };

/** "2030-01-07 09:00" in the zone. */
export function dateTimeIn(iso, zone) {
  const parts = {};
  for (const p of zoneFormat(zone, NUMERIC, "en-CA").formatToParts(new Date(iso))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A booking's status as a badge: the tone each status has in the calendar's legend. */
export const STATUS_TONE = { accepted: "green", pending: "amber", cancelled: "gray", rejected: "red", awaiting_host: "violet" };
export const BookingStatus = ({ status }) => html`<span class="badge ${STATUS_TONE[status] ?? "gray"}" data-status=${status}>${status.replace("_", " ")}</span>`;
