import { Router } from "express";
import { badRequest } from "../errors.js";
import { isValidTimeZone } from "../scheduling/index.js";
import { parseInstant, type Clock } from "../store/clock.js";
import {
  BOOKING_LISTS,
  bookingDetail,
  bookingsPage,
  eventTypesPage,
  memberWeek,
  type BookingList,
  type WeekQuery,
} from "../store/queries/inspector-scheduling.js";
import type { Store } from "../store/store.js";
import { integer, list, paging, single, type Query } from "./views.js";

const ok = (data: unknown) => ({ status: "success", data });
const MAX_ID = 2_147_483_647;

/** An instant as the control API takes them: ISO 8601 with an offset, or a date (its UTC midnight). */
function instant(query: Query, name: string): number | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  if (ms === undefined) throw badRequest(`query ${name}: must be a date (2026-12-07) or an ISO 8601 instant with an offset (2026-12-07T09:00:00Z)`);
  return ms;
}

function weekQuery(query: Query): WeekQuery {
  const userId = single(query, "userId");
  if (userId === undefined) throw badRequest("query userId: required, the user whose week to show");
  const zone = single(query, "zone");
  if (zone !== undefined && !isValidTimeZone(zone)) throw badRequest(`query zone: ${zone} is not an IANA time zone`);
  const date = single(query, "date");
  const ms = date === undefined ? undefined : parseInstant(date);
  if (date !== undefined && ms === undefined) throw badRequest("query date: must be a date (2026-12-07, read in the zone) or an ISO 8601 instant with an offset");
  return {
    userId: integer(userId, "query userId", 1, MAX_ID),
    zone,
    date: date === undefined ? undefined : date.length === 10 ? { kind: "date", text: date } : { kind: "instant", ms: ms! },
  };
}

function bookingLists(query: Query): BookingList[] | undefined {
  const lists = list(query, "status");
  const allowed = new Set<string>(BOOKING_LISTS);
  const bad = lists?.find((l) => !allowed.has(l));
  if (bad !== undefined) throw badRequest(`query status: ${bad} is not one of ${BOOKING_LISTS.join(", ")}`);
  return lists as BookingList[] | undefined;
}

/**
 * The read endpoints of the inspector's scheduling views: a member's week, the bookings list, one booking, and
 * event types to filter by. Read-only; "now" is the mock's clock, as every rule that depends on it reads it.
 */
export function schedulingViewsRouter(store: () => Store, clock: Clock): Router {
  const router = Router();

  router.get("/inspector/week", (req, res) => {
    res.json(ok(memberWeek(store(), clock.now(), weekQuery(req.query as Query))));
  });

  router.get("/inspector/bookings", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    const eventTypeId = single(query, "eventTypeId");
    const filter = {
      lists: bookingLists(query),
      eventTypeId: eventTypeId === undefined ? undefined : integer(eventTypeId, "query eventTypeId", 1, MAX_ID),
      email: single(query, "email"),
      afterStart: instant(query, "afterStart"),
      beforeEnd: instant(query, "beforeEnd"),
    };
    res.json(ok(bookingsPage(store(), clock.now(), filter, skip, take)));
  });

  router.get("/inspector/bookings/:uid", (req, res) => {
    res.json(ok(bookingDetail(store(), clock.now(), req.params.uid)));
  });

  router.get("/inspector/event-types", (req, res) => {
    const query = req.query as Query;
    const { skip, take } = paging(query);
    res.json(ok(eventTypesPage(store(), single(query, "q"), skip, take)));
  });

  return router;
}
