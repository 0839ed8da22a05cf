// Controls: the clock (set, advance, real time), reset (scenario and seed), snapshots (take, restore), fault
// rules (add, remove) and stubs (list, remove).
import { useState } from "preact/hooks";
import { Card, ClockLine, Empty, ErrorNote, MethodBadge, admin, dateTime, html, post, useAdmin, useClock, useLive } from "../lib.js";

function useAction(notify) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn, message) => {
    setBusy(true);
    setError(null);
    try {
      const result = await fn();
      if (message) notify(typeof message === "function" ? message(result) : message);
      return result;
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function ControlsView() {
  return html`
    <div class="page-head"><div><h1>Controls</h1><div class="muted">The same control API tests call: <span class="mono">/__admin</span>.</div></div></div>
    <${ClockCard} />
    <div class="grid-2">
      <${ResetCard} />
      <${SnapshotsCard} />
    </div>
    <${FaultsCard} />
    <${StubsCard} />`;
}

/** The installed stubs, in matching order; they are added through POST /__admin/stubs (README: Stubs). */
function StubsCard() {
  const { notify, requests } = useLive();
  const [tick, setTick] = useState(0);
  const stubs = useAdmin("/stubs", `${tick}-${requests}`);
  const { busy, error, run } = useAction(notify);
  const remove = async (path, message) => {
    await run(() => admin(path, { method: "DELETE" }), message);
    setTick((n) => n + 1);
  };
  const list = stubs.data ?? [];
  return html`<${Card} title="Stubs"
    actions=${list.length ? html`<button class="btn small" disabled=${busy} onClick=${() => remove("/stubs", "All stubs removed")}>Remove all</button>` : null}>
    <${ErrorNote} error=${error ?? stubs.error} />
    ${list.length === 0
      ? html`<${Empty}>No stubs: add one with <span class="mono">POST /__admin/stubs</span>.<//>`
      : html`<table class="table" data-testid="stubs">
          <thead><tr><th>Id</th><th>Method</th><th>Path</th><th>Answer</th><th class="num">Priority</th><th class="num">Matched</th><th class="num">Left</th><th></th></tr></thead>
          <tbody>
            ${list.map(
              (s) => html`<tr key=${s.id} class=${s.remaining === 0 ? "muted" : ""}>
                <td class="mono">${s.id}${s.permanent ? html` <span class="muted small">(from start)</span>` : null}</td>
                <td>${s.request.method ? html`<${MethodBadge} method=${s.request.method} />` : html`<span class="muted">any</span>`}</td>
                <td class="mono">${s.request.path}${s.request.query ? html`<span class="muted">?${new URLSearchParams(Object.entries(s.request.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString()}</span>` : null}${s.request.body !== undefined ? html` <span class="muted small">+ body</span>` : null}</td>
                <td>${s.response.status}</td>
                <td class="num">${s.priority}</td>
                <td class="num">${s.matched}</td>
                <td class="num">${s.remaining ?? "∞"}</td>
                <td class="num"><button class="btn small danger" disabled=${busy} onClick=${() => remove(`/stubs/${encodeURIComponent(s.id)}`, `Stub ${s.id} removed`)}>Remove</button></td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  <//>`;
}

/** The mock's now: what slots, notice, upcoming and past and reservation expiry are computed against. */
function ClockCard() {
  const { notify } = useLive();
  const clock = useClock();
  const [when, setWhen] = useState("");
  const [frozen, setFrozen] = useState(true);
  const { busy, error, run } = useAction(notify);
  const change = async (fn, message) => {
    await run(fn, message);
    clock.reload();
  };
  const set = (e) => {
    e.preventDefault();
    if (!when) return;
    // datetime-local has no zone: it is read as UTC, as the control API's instants are written.
    const now = `${when.length === 16 ? `${when}:00` : when}Z`;
    change(() => admin("/clock", { method: "PUT", body: JSON.stringify({ now, frozen }) }), (c) => `Clock set to ${c.now}`);
  };
  const advance = (by) => change(() => post("/clock/advance", { by }), (c) => `Clock moved ${by}: ${c.now}`);
  const data = clock.reading;
  return html`<${Card} title="Clock">
    <p class="muted"><${ClockLine} clock=${clock} /></p>
    <form class="form" onSubmit=${set} data-testid="clock-form">
      <label class="field"><span>Set to (UTC)</span>
        <input name="now" type="datetime-local" step="60" value=${when} onInput=${(e) => setWhen(e.currentTarget.value)} />
      </label>
      <label class="field"><span>Frozen</span><input name="frozen" type="checkbox" checked=${frozen} onChange=${(e) => setFrozen(e.currentTarget.checked)} /></label>
      <button class="btn primary" type="submit" disabled=${busy || !when}>Set</button>
      <button class="btn" type="button" disabled=${busy} onClick=${() => advance("1h")}>+1 hour</button>
      <button class="btn" type="button" disabled=${busy} onClick=${() => advance("1d")}>+1 day</button>
      <button class="btn" type="button" disabled=${busy || data?.mode === "real"} onClick=${() => change(() => admin("/clock", { method: "DELETE" }), "Clock back to real time")}>Real time</button>
    </form>
    <${ErrorNote} error=${error ?? clock.error} />
  <//>`;
}

function ResetCard() {
  const { notify } = useLive();
  const scenarios = useAdmin("/scenarios");
  const [scenario, setScenario] = useState("");
  const [seed, setSeed] = useState("");
  const { busy, error, run } = useAction(notify);
  const current = scenarios.data?.current;
  const submit = (e) => {
    e.preventDefault();
    const body = {};
    if (scenario) body.scenario = scenario;
    if (seed !== "") body.seed = Number(seed);
    run(() => post("/reset", body), (meta) => `Reset to ${meta.scenario}, seed ${meta.seed}`);
  };
  return html`<${Card} title="Reset">
    <p class="muted">Re-seeds the whole state. ${current ? html`Now: <strong>${current.scenario}</strong>, seed <strong>${current.seed}</strong>.` : null}</p>
    <form class="form" onSubmit=${submit} data-testid="reset-form">
      <label class="field"><span>Scenario</span>
        <select name="scenario" value=${scenario || current?.scenario || ""} onChange=${(e) => setScenario(e.currentTarget.value)}>
          ${(scenarios.data?.available ?? []).map((name) => html`<option key=${name} value=${name}>${name}</option>`)}
          ${current && !scenarios.data.available.includes(current.scenario) ? html`<option value=${current.scenario}>${current.scenario}</option>` : null}
        </select>
      </label>
      <label class="field"><span>Seed</span>
        <input name="seed" type="number" min="0" step="1" placeholder=${current ? String(current.seed) : "42"} value=${seed} onInput=${(e) => setSeed(e.currentTarget.value)} />
      </label>
      <button class="btn primary" type="submit" disabled=${busy}>${busy ? "Resetting…" : "Reset"}</button>
    </form>
    <${ErrorNote} error=${error} />
  <//>`;
}

function SnapshotsCard() {
  const { notify } = useLive();
  const [tick, setTick] = useState(0);
  const snapshots = useAdmin("/snapshots", tick);
  const [name, setName] = useState("");
  const { busy, error, run } = useAction(notify);
  const take = async (e) => {
    e.preventDefault();
    const snapshotName = name.trim() || `snapshot-${new Date().toISOString().slice(11, 19).replaceAll(":", "")}`;
    await run(() => post("/snapshot", { name: snapshotName }), `Snapshot “${snapshotName}” taken`);
    setName("");
    setTick((n) => n + 1);
  };
  return html`<${Card} title="Snapshots">
    <form class="form" onSubmit=${take} data-testid="snapshot-form">
      <label class="field grow"><span>Name</span>
        <input name="name" placeholder="before-demo" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
      </label>
      <button class="btn primary" type="submit" disabled=${busy}>Take snapshot</button>
    </form>
    <${ErrorNote} error=${error ?? snapshots.error} />
    ${snapshots.data?.length === 0 ? html`<${Empty}>No snapshots yet.<//>` : null}
    <ul class="rows" data-testid="snapshots">
      ${(snapshots.data ?? []).map(
        (s) => html`<li key=${s.name}>
          <span><strong class="mono">${s.name}</strong> <span class="muted small">taken ${dateTime(s.createdAt)}</span></span>
          <button class="btn small" disabled=${busy} onClick=${() => run(() => post("/restore", { name: s.name }), `Restored “${s.name}”`)}>Restore</button>
        </li>`,
      )}
    </ul>
  <//>`;
}

const EMPTY_RULE = { method: "", path: "/v2/organizations/*/attributes/**", status: "503", code: "", message: "", delayMs: "", count: "", probability: "" };

function FaultsCard() {
  const { notify, requests } = useLive();
  const [tick, setTick] = useState(0);
  const faults = useAdmin("/faults", `${tick}-${requests}`);
  const [rule, setRule] = useState(EMPTY_RULE);
  const { busy, error, run } = useAction(notify);
  const set = (key) => (e) => setRule({ ...rule, [key]: e.currentTarget.value });
  const add = async (e) => {
    e.preventDefault();
    const body = { path: rule.path.trim() };
    if (rule.method) body.method = rule.method;
    if (rule.status) body.status = Number(rule.status);
    if (rule.code || rule.message) body.error = { code: rule.code, message: rule.message };
    if (rule.delayMs) body.delayMs = Number(rule.delayMs);
    if (rule.count) body.count = Number(rule.count);
    if (rule.probability) body.probability = Number(rule.probability);
    const added = await run(() => post("/faults", body), (r) => `Fault rule ${r.id} added`);
    if (added) setRule(EMPTY_RULE);
    setTick((n) => n + 1);
  };
  const remove = async (path, message) => {
    await run(() => admin(path, { method: "DELETE" }), message);
    setTick((n) => n + 1);
  };
  const rules = faults.data ?? [];
  return html`<${Card} title="Fault rules"
    actions=${rules.length ? html`<button class="btn small" onClick=${() => remove("/faults", "All fault rules removed")}>Remove all</button>` : null}>
    <form class="form wrap" onSubmit=${add} data-testid="fault-form">
      <label class="field"><span>Method</span>
        <select name="method" value=${rule.method} onChange=${set("method")}>
          <option value="">Any</option>${["GET", "POST", "PATCH", "PUT", "DELETE"].map((m) => html`<option key=${m} value=${m}>${m}</option>`)}
        </select>
      </label>
      <label class="field grow"><span>Path pattern</span><input name="path" required value=${rule.path} onInput=${set("path")} /></label>
      <label class="field"><span>Status</span><input name="status" class="narrow" placeholder="503" value=${rule.status} onInput=${set("status")} /></label>
      <label class="field"><span>Error code</span><input name="code" placeholder="ServiceUnavailableException" value=${rule.code} onInput=${set("code")} /></label>
      <label class="field grow"><span>Message</span><input name="message" placeholder="optional" value=${rule.message} onInput=${set("message")} /></label>
      <label class="field"><span>Delay ms</span><input name="delayMs" class="narrow" value=${rule.delayMs} onInput=${set("delayMs")} /></label>
      <label class="field"><span>Count</span><input name="count" class="narrow" placeholder="∞" value=${rule.count} onInput=${set("count")} /></label>
      <label class="field"><span>Probability</span><input name="probability" class="narrow" placeholder="1" value=${rule.probability} onInput=${set("probability")} /></label>
      <button class="btn primary" type="submit" disabled=${busy}>Add rule</button>
    </form>
    <${ErrorNote} error=${error ?? faults.error} />
    ${rules.length === 0
      ? html`<${Empty}>No fault rules: every request is answered normally.<//>`
      : html`<table class="table" data-testid="faults">
          <thead><tr><th>#</th><th>Method</th><th>Path pattern</th><th>Answer</th><th class="num">Matched</th><th class="num">Left</th><th></th></tr></thead>
          <tbody>
            ${rules.map(
              (r) => html`<tr key=${r.id}>
                <td class="mono">${r.id}</td>
                <td>${r.method ? html`<${MethodBadge} method=${r.method} />` : html`<span class="muted">any</span>`}</td>
                <td class="mono">${r.path}</td>
                <td>${r.status ?? "normal"}${r.error ? ` ${r.error.code}` : ""}${r.delayMs ? ` after ${r.delayMs} ms` : ""}${r.probability !== undefined ? ` (p=${r.probability})` : ""}</td>
                <td class="num">${r.matched}</td>
                <td class="num">${r.remaining ?? "∞"}</td>
                <td class="num"><button class="btn small danger" onClick=${() => remove(`/faults/${r.id}`, `Fault rule ${r.id} removed`)}>Remove</button></td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  <//>`;
}
