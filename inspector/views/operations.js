// Operations: every operation of the contract, whether state or the spec answers it, and its request count.
import { useState } from "preact/hooks";
import { Card, ErrorNote, MethodBadge, SearchBox, Segmented, fmt, html, useAdmin, useLive } from "../lib.js";

export function OperationsView() {
  const { requests } = useLive();
  const ops = useAdmin("/operations", requests);
  const [search, setSearch] = useState("");
  const [answeredBy, setAnsweredBy] = useState("");
  const [order, setOrder] = useState("contract");
  const needle = search.trim().toLowerCase();
  const all = ops.data ?? [];
  const shown = all.filter(
    (o) =>
      (!answeredBy || o.answeredBy === answeredBy) &&
      (!needle || `${o.method} ${o.path} ${o.operationId} ${o.tag}`.toLowerCase().includes(needle)),
  );
  // Array.prototype.sort is stable: operations with as many requests keep the contract's order.
  if (order === "requests") shown.sort((a, b) => b.requests - a.requests);
  const fromState = all.filter((o) => o.answeredBy === "state").length;
  const total = all.reduce((n, o) => n + o.requests, 0);
  return html`
    <div class="page-head">
      <div><h1>Operations</h1>
        <div class="muted">${all.length} operations · ${fromState} answered from state · ${all.length - fromState} from the spec · ${fmt.format(total)} requests since the journal was last emptied</div>
      </div>
    </div>
    <${Card}>
      <div class="toolbar">
        <${SearchBox} value=${search} onInput=${setSearch} placeholder="Filter by path, operationId or tag" />
        <${Segmented} label="Answered by" choices=${[["", "All"], ["state", "State"], ["spec", "Spec"]]} value=${answeredBy} onChange=${setAnsweredBy} />
        <label class="field inline"><span>Order</span>
          <select aria-label="Order" value=${order} onChange=${(e) => setOrder(e.currentTarget.value)}>
            <option value="contract">As in the contract</option><option value="requests">Most requests first</option>
          </select>
        </label>
      </div>
      <${ErrorNote} error=${ops.error} />
      <table class="table" data-testid="operations">
        <thead><tr><th>Method</th><th>Path and operation</th><th>Tag</th><th>Answered by</th><th class="num">Requests</th></tr></thead>
        <tbody>
          ${shown.map(
            (o) => html`<tr key=${o.operationId} data-operation=${o.operationId}>
              <td><${MethodBadge} method=${o.method} /></td>
              <td><div class="mono">${o.path}</div><div class="muted small">${o.operationId}</div></td>
              <td class="muted small nowrap">${o.tag}</td>
              <td><span class="badge ${o.answeredBy === "state" ? "green" : "blue"}">${o.answeredBy}</span></td>
              <td class="num" data-testid="op-requests">${fmt.format(o.requests)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    <//>`;
}
