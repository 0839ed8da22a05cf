import { badRequest } from "../errors.js";
import type { Preferences } from "./engine.js";

/**
 * Reads Prism's `Prefer` preferences: `code=404`, `example=name`, `dynamic=true|false`, separated by commas or
 * semicolons. Other preferences (`return=minimal`, …) are ignored, as RFC 7240 asks; a bad value is refused.
 */
export function parsePrefer(header: string | undefined, dynamicByDefault: boolean): Preferences {
  const prefer: Preferences = { dynamic: dynamicByDefault };
  if (!header) return prefer;
  for (const token of header.split(/[,;]/)) {
    const [rawName, ...rest] = token.split("=");
    const name = rawName?.trim().toLowerCase();
    const value = rest.join("=").trim().replace(/^"(.*)"$/, "$1");
    if (name === "code") {
      if (!/^[1-5]\d\d$/.test(value)) throw badRequest(`Prefer: code must be an HTTP status such as 200 or 404, got "${value}"`);
      prefer.code = Number(value);
    } else if (name === "example") {
      if (!value) throw badRequest("Prefer: example needs a name, as in example=my-example");
      prefer.example = value;
    } else if (name === "dynamic") {
      if (value !== "true" && value !== "false") throw badRequest(`Prefer: dynamic must be true or false, got "${value}"`);
      prefer.dynamic = value === "true";
    }
  }
  return prefer;
}
