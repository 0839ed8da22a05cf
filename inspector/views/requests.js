// Requests: the journal, live over server-sent events, newest first, filtered on the server.
import { useEffect, useRef, useState } from "preact/hooks";
import { Card, Empty, ErrorNote, Json, MethodBadge, SearchBox, StatusBadge, admin, html, qs, useDebounced, useLive } from "../lib.js";

/** How many requests the view keeps in memory; older ones are a click on "Load older" away. */
const KEEP = 500;
const PAGE = 100;

const shellQuote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`;

/**
 * The request as a curl command. The journal shows the mock's well-known keys as sent; a key it masked (one the
 * state does not hold) is read from $CALCOM_API_KEY.
 */
export function curlOf(entry) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(entry.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  const query = search.toString();
  const url = `${location.origin}${entry.path}${query ? `?${query}` : ""}`;
  const parts = ["curl -s"];
  if (entry.method !== "GET") parts.push(`-X ${entry.method}`);
  parts.push(shellQuote(url));
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    if (name === "authorization") parts.push(String(value).endsWith("***") ? `-H "Authorization: Bearer $CALCOM_API_KEY"` : `-H ${shellQuote(`Authorization: ${value}`)}`);
    else if (["content-type", "cal-api-version", "prefer", "x-cal-client-id"].includes(name)) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (entry.body !== undefined && entry.body !== null && !(typeof entry.body === "object" && entry.body.truncated)) {
    parts.push(`-d ${shellQuote(JSON.stringify(entry.body))}`);
  }
  return parts.join(" ");
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without the async clipboard (an insecure origin), a selected textarea and execCommand still copy.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

/** Whose key a request carried: `user 3 (member) · MEMBER of organization 1 (Acme)`. */
export const callerOf = (c) => `user ${c.userId}${c.username ? ` (${c.username})` : ""}${c.roles.length ? ` · ${c.roles.join(", ")}` : ""}`;

const time = (iso) => {
  const d = new Date(iso);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
};

export function RequestsView() {
  const { notify } = useLive();
  const [method, setMethod] = useState("");
  const [pathInput, setPathInput] = useState("");
  const [statusInput, setStatusInput] = useState("");
  const path = useDebounced(pathInput.trim(), 300);
  const status = useDebounced(statusInput.trim(), 300);
  const [entries, setEntries] = useState([]);
  const [error, setError] = useState(null);
  const [connected, setConnected] = useState(false);
  const [open, setOpen] = useState(null);
  const [more, setMore] = useState(false);
  const [cleared, setCleared] = useState(0);
  const filters = qs({ method, path, status });
  const seen = useRef(new Set());

  // Connect first, then load the page: a request recorded in between arrives on the stream and is not lost;
  // the ids drop what arrives twice.
  useEffect(() => {
    let live = true;
    seen.current = new Set();
    setEntries([]);
    setError(null);
    const add = (list) => {
      const fresh = list.filter((e) => !seen.current.has(e.id));
      for (const e of fresh) seen.current.add(e.id);
      return fresh;
    };
    const source = new EventSource(`/__admin/requests/stream${filters}`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("request", (event) => {
      const entry = JSON.parse(event.data);
      setEntries((list) => [...add([entry]), ...list].sort((a, b) => b.id - a.id).slice(0, KEEP));
    });
    admin(`/requests${qs({ method, path, status, order: "desc", limit: PAGE })}`).then(
      (page) => {
        if (!live) return;
        setMore(page.length === PAGE);
        setEntries((list) => [...list, ...add(page)].sort((a, b) => b.id - a.id).slice(0, KEEP));
      },
      (err) => live && setError(err),
    );
    return () => {
      live = false;
      source.close();
    };
  }, [filters, cleared]);

  const loadOlder = async () => {
    const oldest = entries.at(-1);
    if (!oldest) return;
    const page = await admin(`/requests${qs({ method, path, status, order: "desc", limit: PAGE, before: oldest.id })}`);
    setMore(page.length === PAGE);
    setEntries((list) => [...list, ...page.filter((e) => !seen.current.has(e.id) && seen.current.add(e.id))]);
  };

  const clear = async () => {
    await admin("/requests", { method: "DELETE" });
    setCleared((n) => n + 1);
    notify("Journal emptied");
  };

  const copy = async (entry, event) => {
    event.stopPropagation();
    await copyText(curlOf(entry));
    notify(`Copied ${entry.method} ${entry.path} as curl`);
  };

  return html`
    <div class="page-head">
      <div><h1>Requests</h1><div class="muted">Every request to /v2, newest first, as it happens. Click a row for its bodies; “curl” copies it.</div></div>
      <span class="live ${connected ? "on" : ""}" data-testid="requests-live"><i></i>${connected ? "Streaming" : "Connecting…"}</span>
    </div>
    <${Card}>
      <div class="toolbar">
        <label class="field inline"><span>Method</span>
          <select value=${method} onChange=${(e) => setMethod(e.currentTarget.value)} aria-label="Method">
            <option value="">Any</option>${["GET", "POST", "PATCH", "PUT", "DELETE"].map((m) => html`<option key=${m} value=${m}>${m}</option>`)}
          </select>
        </label>
        <${SearchBox} value=${pathInput} onInput=${setPathInput} placeholder="Path pattern: /v2/organizations/*/attributes/**" label="Path pattern" />
        <label class="field inline"><span>Status</span>
          <input class="narrow" value=${statusInput} placeholder="4xx" aria-label="Status" onInput=${(e) => setStatusInput(e.currentTarget.value)} />
        </label>
        <span class="spacer"></span>
        <button class="btn" onClick=${clear}>Clear journal</button>
      </div>
      <${ErrorNote} error=${error} />
      <table class="table clickable requests" data-testid="requests">
        <thead><tr><th class="time">Time</th><th>Method</th><th>Path</th><th>Status</th><th class="num">ms</th><th></th></tr></thead>
        <tbody>
          ${entries.map((e) => {
            const query = new URLSearchParams(Object.entries(e.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString();
            return html`
              <tr key=${e.id} data-id=${e.id} class=${open === e.id ? "selected" : ""} onClick=${() => setOpen(open === e.id ? null : e.id)}>
                <td class="mono small time">${time(e.timestamp)}</td>
                <td><${MethodBadge} method=${e.method} /></td>
                <td class="path">
                  <span class="mono">${e.path}${query ? html`<span class="muted">?${query}</span>` : null}</span>
                  ${e.diagnostics ? html`<div class="diagnostics small" data-testid="row-diagnostics" title=${e.diagnostics}>${e.diagnostics}</div>` : null}
                </td>
                <td><${StatusBadge} status=${e.status} />${e.stub !== undefined ? html` <span class="badge stub" title="Answered by stub ${e.stub}" data-testid="stub-mark">stub ${e.stub}</span>` : null}</td>
                <td class="num mono small">${e.durationMs.toFixed(1)}</td>
                <td class="num"><button class="btn small" title="Copy as curl" onClick=${(ev) => copy(e, ev)}>curl</button></td>
              </tr>
              ${open === e.id
                ? html`<tr class="expanded"><td colspan="6">
                    ${e.diagnostics
                      ? html`<div class="note ${e.status >= 400 ? "error" : "info"}" data-testid="diagnostics"><strong>${e.status >= 400 ? "Why calcom-mock refused it" : "calcom-mock's hint"}:</strong> ${e.diagnostics}</div>`
                      : null}
                    ${e.caller ? html`<div class="muted small caller" data-testid="caller">Key of ${callerOf(e.caller)}</div>` : null}
                    <div class="curl-line">
                      <code data-testid="curl">${curlOf(e)}</code>
                      <button class="btn small" onClick=${(ev) => copy(e, ev)}>Copy as curl</button>
                    </div>
                    <div class="bodies">
                      <div><h3>Request body</h3><${Json} value=${e.body} /></div>
                      <div><h3>Response body</h3><${Json} value=${e.responseBody} /></div>
                      <div><h3>Request headers</h3><${Json} value=${e.headers} /></div>
                    </div>
                  </td></tr>`
                : null}`;
          })}
        </tbody>
      </table>
      ${entries.length === 0 && !error ? html`<${Empty}>No requests${filters ? " match these filters" : " yet: send one to /v2 and it appears here at once"}.<//>` : null}
      ${more ? html`<div class="pager"><span></span><button class="btn small" onClick=${loadOlder}>Load older</button></div>` : null}
    <//>`;
}
