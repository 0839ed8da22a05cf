import { Router } from "express";
import { badRequest } from "../errors.js";
import type { Role } from "../store/schema.js";
import type { Store } from "../store/store.js";
import {
  attributesPage,
  memberDetail,
  memberHistory,
  membersPage,
  optionHolders,
  optionsWithHolders,
  organizationsSummary,
  teamsSummary,
  type HolderFilter,
} from "../store/queries/inspector.js";

/** The largest page the read endpoints answer: enough for any screen, never the whole of large-org. */
const MAX_TAKE = 500;
const DEFAULT_TAKE = 50;

export type Query = Record<string, unknown>;

export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw badRequest(`query ${name}: must be given once`);
  return value;
}

export function integer(value: string, what: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`${what}: must be an integer from ${min} to ${max}`);
  return n;
}

export function paging(query: Query): { skip: number; take: number } {
  const skip = single(query, "skip");
  const take = single(query, "take");
  return {
    skip: skip === undefined ? 0 : integer(skip, "query skip", 0, 2_147_483_647),
    take: take === undefined ? DEFAULT_TAKE : integer(take, "query take", 1, MAX_TAKE),
  };
}

/** A list as the API takes it: comma-separated, repeated, or both (`teamIds=2,3` or `teamIds=2&teamIds=3`). */
export function list(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined || raw === "") return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === "string" ? v.split(",") : [null]));
  if (parts.some((p) => p === null || p.trim() === "")) throw badRequest(`query ${name}: must be a comma-separated list without empty items`);
  return (parts as string[]).map((p) => p.trim());
}

function holderFilter(query: Query): HolderFilter {
  const teamIds = list(query, "teamIds")?.map((id) => integer(id, "query teamIds", 1, 2_147_483_647));
  return { teamIds, assignedOptionIds: list(query, "assignedOptionIds") };
}

const ROLES = new Set<Role>(["MEMBER", "ADMIN", "OWNER"]);

const ok = (data: unknown) => ({ status: "success", data });

/**
 * The read endpoints the web inspector's views are built from (and that anyone may call): small, filtered pages
 * computed from the store's indexes, so that a browser never loads a large organization's whole state.
 */
export function viewsRouter(store: () => Store): Router {
  const router = Router();
  const orgId = (raw: string | undefined) => integer(raw ?? "", "path orgId", 1, 2_147_483_647);

  router.get("/organizations", (_req, res) => {
    res.json(ok(organizationsSummary(store())));
  });

  router.get("/organizations/:orgId/teams", (req, res) => {
    res.json(ok(teamsSummary(store(), orgId(req.params.orgId))));
  });

  router.get("/organizations/:orgId/members", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    const status = single(query, "status");
    if (status !== undefined && status !== "accepted" && status !== "pending") throw badRequest("query status: must be accepted or pending");
    const role = single(query, "role")?.toUpperCase();
    if (role !== undefined && !ROLES.has(role as Role)) throw badRequest("query role: must be MEMBER, ADMIN or OWNER");
    const teamId = single(query, "teamId");
    const filter = {
      q: single(query, "q"),
      status: status as "accepted" | "pending" | undefined,
      role: role as Role | undefined,
      teamId: teamId === undefined ? undefined : integer(teamId, "query teamId", 1, 2_147_483_647),
    };
    res.json(ok(membersPage(store(), orgId(req.params.orgId), filter, skip, take)));
  });

  router.get("/organizations/:orgId/members/:userId", (req, res) => {
    res.json(ok(memberDetail(store(), orgId(req.params.orgId), integer(req.params.userId, "path userId", 1, 2_147_483_647))));
  });

  router.get("/organizations/:orgId/members/:userId/history", (req, res) => {
    const { skip, take } = paging(req.query as Query);
    const userId = integer(req.params.userId, "path userId", 1, 2_147_483_647);
    res.json(ok(memberHistory(store(), orgId(req.params.orgId), userId, skip, take)));
  });

  router.get("/organizations/:orgId/attributes", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    res.json(ok(attributesPage(store(), orgId(req.params.orgId), single(query, "q"), skip, take)));
  });

  router.get("/organizations/:orgId/attributes/:attributeId/options", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    res.json(ok(optionsWithHolders(store(), orgId(req.params.orgId), req.params.attributeId, holderFilter(query), skip, take)));
  });

  router.get("/organizations/:orgId/attributes/:attributeId/options/:optionId/holders", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    const { attributeId, optionId } = req.params;
    res.json(ok(optionHolders(store(), orgId(req.params.orgId), attributeId, optionId, holderFilter(query), skip, take)));
  });

  return router;
}
