// Organization: organizations, teams, members and pending invitations (searchable), and one member's page.
import { useEffect, useState } from "preact/hooks";
import { Card, Empty, count, ErrorNote, Pager, RoleBadge, SearchBox, Segmented, TYPE_LABEL, dateTime, fmt, html, navigate, qs, useAdmin, useDebounced } from "../lib.js";

const PAGE = 25;

/**
 * The organization a view is about: the one in the route, else the first there is. With an id in the route the
 * view's own data loads alongside the list of organizations rather than after it.
 */
export function useOrgId(routeOrgId) {
  const orgs = useAdmin("/organizations");
  const list = orgs.data ?? [];
  const wanted = Number(routeOrgId) || undefined;
  const summary = list.find((o) => o.id === wanted) ?? (wanted === undefined ? list[0] : undefined);
  const id = wanted ?? summary?.id;
  const org = id === undefined ? undefined : { id, name: "", slug: "", ...summary };
  const missing = orgs.data && wanted !== undefined && !summary;
  return { orgs: list, org, error: orgs.error ?? (missing ? new Error(`No organization ${wanted} in this state`) : undefined), loading: !orgs.data && !org };
}

export function OrgSwitcher({ orgs, org, base }) {
  if (orgs.length < 2) return null;
  return html`<label class="field inline">
    <span>Organization</span>
    <select value=${org?.id} onChange=${(e) => navigate(`#/${base}/${e.currentTarget.value}`)}>
      ${orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name} (${o.id})</option>`)}
    </select>
  </label>`;
}

export function OrganizationView({ params }) {
  const [orgParam, section, userId] = params;
  const { orgs, org, error, loading } = useOrgId(orgParam);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (loading) return html`<div class="loading">Loading…</div>`;
  if (!org) return html`<${Empty}>No organization in this state.<//>`;
  if (section === "members" && userId) return html`<${MemberPage} org=${org} userId=${Number(userId)} />`;
  return html`<${OrgOverview} orgs=${orgs} org=${org} />`;
}

function Stat({ label, value, testid }) {
  return html`<div class="stat" data-testid=${testid}><div class="stat-value">${value === undefined ? "—" : fmt.format(value)}</div><div class="stat-label">${label}</div></div>`;
}

function OrgOverview({ orgs, org }) {
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [role, setRole] = useState("");
  const [teamId, setTeamId] = useState("");
  const [skip, setSkip] = useState(0);
  const q = useDebounced(search, 200);
  useEffect(() => setSkip(0), [q, status, role, teamId, org.id]);
  const teams = useAdmin(`/organizations/${org.id}/teams`);
  const members = useAdmin(`/organizations/${org.id}/members${qs({ q, status, role, teamId, skip, take: PAGE })}`);
  return html`
    <div class="page-head">
      <div>
        <h1>${org.name || `Organization ${org.id}`}</h1>
        <div class="muted">Organization ${org.id} · <span class="mono">${org.slug}</span></div>
      </div>
      <${OrgSwitcher} orgs=${orgs} org=${org} base="organization" />
    </div>
    <div class="stats">
      <${Stat} label="Members" value=${org.members} testid="stat-members" />
      <${Stat} label="Pending invitations" value=${org.pendingInvitations} testid="stat-pending" />
      <${Stat} label="Teams" value=${org.teams} testid="stat-teams" />
      <${Stat} label="Attributes" value=${org.attributes} testid="stat-attributes" />
    </div>
    <${Card} title="Teams">
      <${ErrorNote} error=${teams.error} />
      <div class="chips" data-testid="teams">
        ${(teams.data ?? []).map(
          (t) => html`<button key=${t.id} class="chip ${String(t.id) === teamId ? "selected" : ""}" aria-pressed=${String(t.id) === teamId}
            onClick=${() => setTeamId(String(t.id) === teamId ? "" : String(t.id))}>
            <strong>${t.name}</strong><span class="muted">#${t.id} · ${count(t.members, "members")}${t.pendingInvitations ? ` · ${t.pendingInvitations} pending` : ""}</span>
          </button>`,
        )}
        ${teams.data?.length === 0 ? html`<span class="muted">No teams.</span>` : null}
      </div>
    <//>
    <${Card} title="Members and invitations">
      <div class="toolbar">
        <${SearchBox} value=${search} onInput=${setSearch} placeholder="Search name, username, email or user id" />
        <${Segmented} label="Membership status" choices=${[["", "All"], ["accepted", "Members"], ["pending", "Pending"]]} value=${status} onChange=${setStatus} />
        <label class="field inline"><span>Role</span>
          <select value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
            <option value="">Any</option><option value="OWNER">Owner</option><option value="ADMIN">Admin</option><option value="MEMBER">Member</option>
          </select>
        </label>
      </div>
      <${ErrorNote} error=${members.error} />
      <table class="table clickable" data-testid="members">
        <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th>Teams</th><th class="num">Options</th></tr></thead>
        <tbody>
          ${(members.data?.items ?? []).map(
            (m) => html`<tr key=${m.userId} onClick=${() => navigate(`#/organization/${org.id}/members/${m.userId}`)}>
              <td><a class="strong" href="#/organization/${org.id}/members/${m.userId}">${m.name || m.username}</a><div class="muted small">@${m.username} · user ${m.userId}</div></td>
              <td>${m.email}</td>
              <td><${RoleBadge} role=${m.role} /></td>
              <td>${m.accepted ? html`<span class="badge green">accepted</span>` : html`<span class="badge amber">pending</span>`}</td>
              <td>${m.teams.map((t) => html`<span key=${t.id} class="tag">${t.name}</span>`)}</td>
              <td class="num">${m.options}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${members.data?.total === 0 ? html`<${Empty}>No one matches.<//>` : null}
      <${Pager} page=${members.data} onSkip=${setSkip} noun="people" />
    <//>`;
}

const CHANGE_TONE = { ASSIGNED: "green", UNASSIGNED: "red", VALUE_CHANGED: "blue", WEIGHT_CHANGED: "violet" };

function valueText(v) {
  if (!v) return "—";
  return `${v.value}${v.weight !== undefined && v.weight !== null ? ` (weight ${v.weight})` : ""}`;
}

function MemberPage({ org, userId }) {
  const member = useAdmin(`/organizations/${org.id}/members/${userId}`);
  const [skip, setSkip] = useState(0);
  const history = useAdmin(`/organizations/${org.id}/members/${userId}/history${qs({ skip, take: 10 })}`);
  const m = member.data;
  return html`
    <div class="crumbs"><a href="#/organization/${org.id}">${org.name}</a> <span>/</span> <a href="#/organization/${org.id}">Members</a> <span>/</span> <span>${m?.name ?? userId}</span></div>
    <${ErrorNote} error=${member.error} />
    ${m
      ? html`<div class="page-head">
            <div class="person">
              <div class="avatar">${(m.name || m.username).slice(0, 1).toUpperCase()}</div>
              <div>
                <h1>${m.name || m.username}</h1>
                <div class="muted">@${m.username} · ${m.email} · user ${m.userId} · membership ${m.membershipId}</div>
              </div>
            </div>
            <div class="member-actions">
              <div class="badges"><${RoleBadge} role=${m.role} />${m.accepted ? html`<span class="badge green">accepted</span>` : html`<span class="badge amber">invitation pending</span>`}</div>
              <a class="btn small" href=${`#/calendar/${m.userId}`} data-testid="member-week">Week</a>
              <a class="btn small" href=${`#/bookings${qs({ status: "all", email: m.email })}`}>Bookings</a>
            </div>
          </div>
          <${Card} title="Teams">
            <div class="chips">
              ${m.teams.length === 0 ? html`<span class="muted">In no team.</span>` : null}
              ${m.teams.map((t) => html`<span key=${t.id} class="chip static"><strong>${t.name}</strong><span class="muted">${t.role.toLowerCase()}${t.accepted ? "" : ", pending"}</span></span>`)}
            </div>
          <//>
          <${Card} title=${`Attribute options (${m.options.length})`}>
            ${m.options.length === 0
              ? html`<${Empty}>Holds no attribute option.<//>`
              : html`<table class="table" data-testid="member-options">
                  <thead><tr><th>Attribute</th><th>Type</th><th>Option</th><th class="num">Weight</th></tr></thead>
                  <tbody>
                    ${m.options.map(
                      (o) => html`<tr key=${o.assignmentId}>
                        <td><a href="#/attributes/${org.id}/${o.attribute.id}">${o.attribute.name}</a></td>
                        <td class="muted">${TYPE_LABEL[o.attribute.type] ?? o.attribute.type}</td>
                        <td><span class="tag">${o.option.value}</span></td>
                        <td class="num">${o.weight ?? html`<span class="muted">—</span>`}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`}
          <//>`
      : null}
    ${member.error
      ? null
      : html`<${Card} title="Assignment history">
      <${ErrorNote} error=${history.error} />
      ${history.data?.total === 0 ? html`<${Empty}>No changes recorded yet: assignments made through the API appear here.<//>` : null}
      ${history.data?.total
        ? html`<table class="table" data-testid="member-history">
            <thead><tr><th>When</th><th>Change</th><th>Attribute</th><th>Before</th><th>After</th><th>By</th></tr></thead>
            <tbody>
              ${history.data.items.flatMap((e) =>
                e.changes.map(
                  (c, i) => html`<tr key=${`${e.id}-${i}`}>
                    <td class="mono small nowrap">${dateTime(e.timestamp)}</td>
                    <td><span class="badge ${CHANGE_TONE[c.type] ?? "gray"}">${c.type.toLowerCase().replace("_", " ")}</span></td>
                    <td>${c.attribute.name}</td>
                    <td>${valueText(c.previous)}</td>
                    <td>${valueText(c.current)}</td>
                    <td class="muted">${e.actor.displayName}</td>
                  </tr>`,
                ),
              )}
            </tbody>
          </table>`
        : null}
      <${Pager} page=${history.data} onSkip=${setSkip} noun="entries" />
    <//>`}`;
}
