// The inspector's shell: hash routes, the live feed that tells views the state changed, the header and toasts.
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html, Live, admin } from "./lib.js";
import { OrganizationView } from "./views/organization.js";
import { AttributesView } from "./views/attributes.js";
import { RequestsView } from "./views/requests.js";
import { OperationsView } from "./views/operations.js";
import { ControlsView } from "./views/controls.js";
import { CalendarView } from "./views/calendar.js";
import { BookingsView } from "./views/bookings.js";

const VIEWS = [
  { id: "organization", label: "Organization", view: OrganizationView },
  { id: "calendar", label: "Calendar", view: CalendarView },
  { id: "bookings", label: "Bookings", view: BookingsView },
  { id: "attributes", label: "Attributes", view: AttributesView },
  { id: "requests", label: "Requests", view: RequestsView },
  { id: "operations", label: "Operations", view: OperationsView },
  { id: "controls", label: "Controls", view: ControlsView },
];

/** `#/view/param/param?key=value`: the view, its path parameters and its query (filters a view keeps in the URL). */
function parseHash() {
  const [path, search = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [id = "organization", ...rest] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { id: VIEWS.some((v) => v.id === id) ? id : "organization", params: rest, query: Object.fromEntries(new URLSearchParams(search)) };
}

/**
 * One EventSource for the whole page: a "state" event (reset, restore, load) or a successful write through the
 * API bumps `version`, which every view's data depends on; any request bumps `requests` (for counters).
 */
function useLiveFeed() {
  const [version, setVersion] = useState(0);
  const [requests, setRequests] = useState(0);
  const [connected, setConnected] = useState(false);
  const timers = useRef({});
  useEffect(() => {
    const later = (key, fn) => {
      if (timers.current[key]) return;
      timers.current[key] = setTimeout(() => {
        timers.current[key] = undefined;
        fn();
      }, 250);
    };
    const source = new EventSource("/__admin/requests/stream?brief=1");
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("state", () => setVersion((v) => v + 1));
    source.addEventListener("request", (event) => {
      const entry = JSON.parse(event.data);
      later("requests", () => setRequests((n) => n + 1));
      if (entry.method !== "GET" && entry.method !== "HEAD" && entry.status < 400) later("version", () => setVersion((v) => v + 1));
    });
    return () => {
      source.close();
      for (const timer of Object.values(timers.current)) clearTimeout(timer);
    };
  }, []);
  return { version, requests, connected };
}

function Toasts({ toasts }) {
  return html`<div class="toasts" aria-live="polite">
    ${toasts.map((t) => html`<div key=${t.id} class="toast ${t.tone}">${t.text}</div>`)}
  </div>`;
}

function App() {
  const [route, setRoute] = useState(parseHash);
  const live = useLiveFeed();
  const [toasts, setToasts] = useState([]);
  const [meta, setMeta] = useState(null);
  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    admin("/scenarios").then((s) => setMeta(s.current), () => setMeta(null));
  }, [live.version]);
  const context = useMemo(
    () => ({
      version: live.version,
      requests: live.requests,
      notify(text, tone = "ok") {
        const id = Math.random();
        setToasts((list) => [...list, { id, text, tone }]);
        setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 2600);
      },
    }),
    [live.version, live.requests],
  );
  const current = VIEWS.find((v) => v.id === route.id);
  const View = current.view;
  return html`<${Live.Provider} value=${context}>
    <header class="topbar">
      <div class="brand"><span class="logo">cal</span><span>calcom-mock</span><span class="brand-sub">Inspector</span></div>
      <nav class="tabs">
        ${VIEWS.map((v) => html`<a key=${v.id} href="#/${v.id}" class=${v.id === route.id ? "active" : ""} aria-current=${v.id === route.id ? "page" : undefined}>${v.label}</a>`)}
      </nav>
      <div class="topbar-meta">
        ${meta ? html`<span class="pill" data-testid="scenario">${meta.scenario} · seed ${meta.seed}</span>` : null}
        <span class="live ${live.connected ? "on" : ""}" title=${live.connected ? "Live: connected to the request feed" : "Connecting to the request feed"}>
          <i></i>${live.connected ? "Live" : "Offline"}
        </span>
      </div>
    </header>
    <main class="page" data-view=${route.id}>
      <${View} params=${route.params} query=${route.query} />
    </main>
    <${Toasts} toasts=${toasts} />
  <//>`;
}

render(html`<${App} />`, document.getElementById("app"));
