import { badRequest } from "../../errors.js";
import type { Metadata } from "../schema.js";

/**
 * Cal.com's metadata rule: at most 50 keys (the spec says so), each at most 40 characters, each value a string of
 * at most 500 characters, a number or a boolean. Checked here because OpenAPI 3.0 cannot say it of free-form keys
 * (and a schema for the values would make the body validator strip the keys it does not name).
 */
export function assertMetadata(metadata: Metadata | undefined): void {
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key.length > 40) throw badRequest(`metadata: key "${key.slice(0, 60)}" is longer than 40 characters`);
    const ok = typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && value.length <= 500);
    if (!ok) throw badRequest(`metadata: the value of "${key}" must be a string of at most 500 characters, a number or a boolean`);
  }
}
