import type { RequestHandler } from "express";
import { pathPattern } from "./path-pattern.js";
import { badRequest, exceptionName, HttpError, httpException } from "../errors.js";

const MAX_DELAY_MS = 60_000;

export interface FaultRule {
  id: number;
  method?: string;
  /** Path pattern: `*` matches within one segment, `**` across segments. */
  path: string;
  status?: number;
  error?: { code: string; message: string };
  delayMs?: number;
  /** How many matching requests the rule still applies to; absent means unlimited. */
  remaining?: number;
  probability?: number;
  matched: number;
}

export interface Fault {
  status?: number;
  error?: { code: string; message: string };
  delayMs?: number;
}

/** An injected error answers as Cal.com's would: a database-mapped code (CONFLICT) bare, an exception with its details. */
function faultError(status: number, error?: { code: string; message: string }): HttpError {
  const code = error?.code ?? exceptionName(status);
  const message = error?.message ?? `Fault injected by calcom-mock (status ${status})`;
  return /^[A-Z_]+$/.test(code) ? new HttpError(status, code, message) : httpException(status, message, code);
}

/**
 * Reads `Prefer: code=500` and `Prefer: delay=300` (in one header, comma-separated, or several headers), as
 * Prism's Prefer header does for examples. A 2xx code asks for the normal answer, so only 4xx/5xx count.
 */
export function parsePrefer(header: string | string[] | undefined): Fault | undefined {
  if (!header) return undefined;
  const fault: Fault = {};
  for (const part of (Array.isArray(header) ? header.join(",") : header).split(/[,;]/)) {
    const [rawKey, rawValue] = part.split("=").map((s) => s?.trim());
    if (!rawKey || rawValue === undefined) continue;
    const key = rawKey.toLowerCase();
    if (key === "code") {
      // Digits only: Number() would read "" as 0 and "5e2" or "0x1f4" as 500.
      const status = /^\d{3}$/.test(rawValue) ? Number(rawValue) : NaN;
      if (!(status >= 100 && status <= 599)) throw badRequest(`header Prefer: code must be an HTTP status, got "${rawValue}"`);
      if (status >= 400) fault.status = status;
    } else if (key === "delay") {
      const ms = /^\d+(\.\d+)?$/.test(rawValue) ? Number(rawValue) : NaN;
      if (!(ms >= 0 && ms <= MAX_DELAY_MS)) throw badRequest(`header Prefer: delay must be 0 to ${MAX_DELAY_MS} ms, got "${rawValue}"`);
      fault.delayMs = ms;
    }
  }
  return fault.status !== undefined || fault.delayMs !== undefined ? fault : undefined;
}


/** Fault rules set through POST /__admin/faults, matched in the order they were added. */
export class FaultRules {
  private rules: Array<FaultRule & { re: RegExp }> = [];
  private nextId = 1;

  /** `random` is seeded by the server so that probabilistic faults repeat from run to run. */
  constructor(private readonly random: () => number) {}

  add(input: unknown): FaultRule {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw badRequest("body: must be a JSON object");
    const body = input as Record<string, unknown>;
    const known = new Set(["method", "path", "status", "error", "delayMs", "count", "probability"]);
    for (const key of Object.keys(body)) if (!known.has(key)) throw badRequest(`body ${key}: unknown field (known: ${[...known].join(", ")})`);
    const { method, path, status, error, delayMs, count, probability } = body;
    if (typeof path !== "string" || !path.startsWith("/")) throw badRequest("body path: must be a path pattern starting with /, e.g. /v2/organizations/*/attributes/**");
    if (method !== undefined && (typeof method !== "string" || !/^[A-Za-z]+$/.test(method))) throw badRequest("body method: must be an HTTP method");
    if (status !== undefined && (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)) throw badRequest("body status: must be a 4xx or 5xx status");
    if (delayMs !== undefined && (typeof delayMs !== "number" || !(delayMs >= 0 && delayMs <= MAX_DELAY_MS))) throw badRequest(`body delayMs: must be 0 to ${MAX_DELAY_MS}`);
    if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) throw badRequest("body count: must be a positive integer");
    if (probability !== undefined && (typeof probability !== "number" || !(probability > 0 && probability <= 1))) throw badRequest("body probability: must be above 0 and at most 1");
    if (status === undefined && delayMs === undefined) throw badRequest("body: a rule needs a status, a delayMs, or both");
    if (error !== undefined) {
      const e = error as Record<string, unknown>;
      if (typeof e !== "object" || e === null || typeof e.code !== "string" || typeof e.message !== "string") throw badRequest("body error: must be {code, message} strings");
      if (status === undefined) throw badRequest("body error: needs a status");
    }
    const rule: FaultRule = {
      id: this.nextId++,
      path,
      matched: 0,
      ...(method !== undefined && { method: (method as string).toUpperCase() }),
      ...(status !== undefined && { status: status as number }),
      ...(error !== undefined && { error: { code: (error as { code: string }).code, message: (error as { message: string }).message } }),
      ...(delayMs !== undefined && { delayMs: delayMs as number }),
      ...(count !== undefined && { remaining: count as number }),
      ...(probability !== undefined && { probability: probability as number }),
    };
    this.rules.push({ ...rule, re: pathPattern(path) });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map(({ re: _re, ...rule }) => rule);
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching the request, consumed by one use. */
  take(method: string, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      if (!rule.re.test(path)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.matched++;
      if (rule.remaining !== undefined && --rule.remaining <= 0) this.remove(rule.id);
      return {
        ...(rule.status !== undefined && { status: rule.status }),
        ...(rule.error !== undefined && { error: rule.error }),
        ...(rule.delayMs !== undefined && { delayMs: rule.delayMs }),
      };
    }
    return undefined;
  }

  /** Applies a Prefer header's fault, or else a matching rule's: waits the delay, then answers the error if any. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      let fault: Fault | undefined;
      try {
        fault = parsePrefer(req.headers.prefer) ?? this.take(req.method, req.originalUrl.split("?")[0] ?? "");
      } catch (err) {
        return next(err);
      }
      if (!fault) return next();
      const finish = () => next(fault.status !== undefined ? faultError(fault.status, fault.error) : undefined);
      if (!fault.delayMs) return finish();
      const timer = setTimeout(finish, fault.delayMs);
      // A client that gives up, or close() of the server, ends the wait: a pending delay would otherwise keep the
      // process alive for up to a minute after everything else is done.
      res.on("close", () => clearTimeout(timer));
    };
  }
}
