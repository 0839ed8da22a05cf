// Attributes: each attribute, its options and who holds each, under the API's teamIds / assignedOptionIds filters.
import { useEffect, useState } from "preact/hooks";
import { Card, Empty, count, ErrorNote, Pager, SearchBox, TYPE_LABEL, fmt, html, navigate, qs, useAdmin, useDebounced } from "../lib.js";
import { OrgSwitcher, useOrgId } from "./organization.js";

export function AttributesView({ params }) {
  const [orgParam, attributeId] = params;
  const { orgs, org, error, loading } = useOrgId(orgParam);
  const [search, setSearch] = useState("");
  const [skip, setSkip] = useState(0);
  const q = useDebounced(search, 200);
  useEffect(() => setSkip(0), [q, org?.id]);
  const attributes = useAdmin(org ? `/organizations/${org.id}/attributes${qs({ q, skip, take: 50 })}` : null);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (loading) return html`<div class="loading">Loading…</div>`;
  if (!org) return html`<${Empty}>No organization in this state.<//>`;
  const items = attributes.data?.items ?? [];
  const selected = attributeId ?? items[0]?.id;
  return html`
    <div class="page-head">
      <div><h1>Attributes</h1><div class="muted">${org.name}${org.attributes === undefined ? "" : ` · ${fmt.format(org.attributes)} attributes`}</div></div>
      <${OrgSwitcher} orgs=${orgs} org=${org} base="attributes" />
    </div>
    <div class="split">
      <aside class="card list-panel">
        <div class="card-body">
          <${SearchBox} value=${search} onInput=${setSearch} placeholder="Filter attributes" />
          <${ErrorNote} error=${attributes.error} />
          <ul class="nav-list" data-testid="attribute-list">
            ${items.map(
              (a) => html`<li key=${a.id}>
                <a href="#/attributes/${org.id}/${a.id}" class=${a.id === selected ? "active" : ""}>
                  <span class="nav-title">${a.name}${a.enabled ? null : html` <span class="badge gray">disabled</span>`}</span>
                  <span class="muted small">${TYPE_LABEL[a.type] ?? a.type} · ${count(a.options, "options")} · ${fmt.format(a.assignments)} assigned</span>
                </a>
              </li>`,
            )}
          </ul>
          ${attributes.data?.total === 0 ? html`<${Empty}>No attributes.<//>` : null}
          <${Pager} page=${attributes.data} onSkip=${setSkip} noun="attributes" />
        </div>
      </aside>
      <div class="detail">${selected ? html`<${AttributeDetail} key=${selected} org=${org} attributeId=${selected} />` : null}</div>
    </div>`;
}

function AttributeDetail({ org, attributeId }) {
  const teams = useAdmin(`/organizations/${org.id}/teams`);
  const [teamIds, setTeamIds] = useState([]);
  const [assigned, setAssigned] = useState([]);
  const [skip, setSkip] = useState(0);
  const [open, setOpen] = useState(null);
  const filter = { teamIds: teamIds.join(","), assignedOptionIds: assigned.join(",") };
  useEffect(() => setSkip(0), [filter.teamIds, filter.assignedOptionIds]);
  const options = useAdmin(`/organizations/${org.id}/attributes/${attributeId}/options${qs({ ...filter, skip, take: 50 })}`);
  const attribute = options.data?.attribute;
  const toggle = (list, set, value) => set(list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const filtered = teamIds.length > 0 || assigned.length > 0;
  const apiUrl = `/v2/organizations/${org.id}/attributes/${attributeId}/options/assigned${qs(filter)}`;
  return html`
    <${Card} class="attribute-card" title=${attribute ? attribute.name : "Attribute"}
      actions=${attribute ? html`<span class="badge gray">${TYPE_LABEL[attribute.type] ?? attribute.type}</span>${attribute.enabled ? null : html`<span class="badge amber">disabled</span>`}` : null}>
      ${attribute ? html`<div class="muted small">slug <span class="mono">${attribute.slug}</span> · id <span class="mono">${attribute.id}</span></div>` : null}
      <div class="filters">
        <div class="filter-row">
          <span class="filter-label">teamIds</span>
          <div class="chips">
            ${(teams.data ?? []).map(
              (t) => html`<button key=${t.id} class="chip small ${teamIds.includes(t.id) ? "selected" : ""}" aria-pressed=${teamIds.includes(t.id)}
                onClick=${() => toggle(teamIds, setTeamIds, t.id)}>${t.name} <span class="muted">#${t.id}</span></button>`,
            )}
          </div>
        </div>
        <div class="filter-row">
          <span class="filter-label">assignedOptionIds</span>
          <div class="chips">
            ${assigned.length === 0 ? html`<span class="muted small">Tick options below to keep only people who also hold them.</span>` : null}
            ${assigned.map((id) => html`<button key=${id} class="chip small selected" onClick=${() => toggle(assigned, setAssigned, id)}>${id} ✕</button>`)}
          </div>
        </div>
        <div class="api-line"><span class="method get">GET</span><code data-testid="api-url">${apiUrl}</code></div>
      </div>
      <${ErrorNote} error=${options.error} />
      ${options.data?.total === 0 ? html`<${Empty}>This attribute has no options${attribute && !["SINGLE_SELECT", "MULTI_SELECT"].includes(attribute.type) ? " yet: its values become options when assigned" : ""}.<//>` : null}
      ${options.data?.total
        ? html`<table class="table" data-testid="options">
            <thead><tr><th class="check" title="Use as assignedOptionIds">Filter</th><th>Option</th><th>Slug</th><th class="holders-col">Holders${filtered ? " (matching / all)" : ""}</th><th></th></tr></thead>
            <tbody>
              ${options.data.items.map((o) => {
                const max = Math.max(1, ...options.data.items.map((x) => x.holders));
                const isOpen = open === o.id;
                return html`
                  <tr key=${o.id} class=${filtered && o.matchingHolders === 0 ? "dim" : ""} data-option=${o.slug}>
                    <td class="check"><input type="checkbox" aria-label=${`Filter by holders of ${o.value}`} checked=${assigned.includes(o.id)} onChange=${() => toggle(assigned, setAssigned, o.id)} /></td>
                    <td><strong>${o.value}</strong><div class="muted small mono">${o.id}</div></td>
                    <td class="mono small">${o.slug}</td>
                    <td class="holders-col">
                      <div class="bar"><i style=${`width:${(100 * o.matchingHolders) / max}%`}></i></div>
                      <span class="holder-count" data-testid="holder-count">${filtered ? `${fmt.format(o.matchingHolders)} / ${fmt.format(o.holders)}` : fmt.format(o.holders)}</span>
                    </td>
                    <td class="num"><button class="btn small" disabled=${o.matchingHolders === 0} onClick=${() => setOpen(isOpen ? null : o.id)}>${isOpen ? "Hide" : "Holders"}</button></td>
                  </tr>
                  ${isOpen ? html`<tr class="expanded"><td colspan="5"><${Holders} org=${org} attributeId=${attributeId} option=${o} filter=${filter} /></td></tr>` : null}`;
              })}
            </tbody>
          </table>`
        : null}
      <${Pager} page=${options.data} onSkip=${setSkip} noun="options" />
    <//>`;
}

function Holders({ org, attributeId, option, filter }) {
  const [skip, setSkip] = useState(0);
  const holders = useAdmin(`/organizations/${org.id}/attributes/${attributeId}/options/${option.id}/holders${qs({ ...filter, skip, take: 20 })}`);
  return html`<div class="holders" data-testid="holders">
    <${ErrorNote} error=${holders.error} />
    <table class="table compact clickable">
      <thead><tr><th>Holder</th><th>Email</th><th class="num">Weight</th></tr></thead>
      <tbody>
        ${(holders.data?.items ?? []).map(
          (h) => html`<tr key=${h.userId} onClick=${() => navigate(`#/organization/${org.id}/members/${h.userId}`)}>
            <td><a href="#/organization/${org.id}/members/${h.userId}">${h.name || h.username}</a> <span class="muted small">user ${h.userId}</span></td>
            <td>${h.email}</td>
            <td class="num">${h.weight ?? html`<span class="muted">—</span>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <${Pager} page=${holders.data} onSkip=${setSkip} noun="holders" />
  </div>`;
}
