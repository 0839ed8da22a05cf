import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const reference = (name: string) => fileURLToPath(new URL(`../../../shared/reference/${name}`, import.meta.url));

/** Cal.com's published API v2 document of 2026, the one spec/ is derived from, in the reference folder laid beside the checkout (CI has it). */
export const PUBLISHED_DOC = reference("calcom-v2-current.openapi.json");

/** Cal.com's published document of April 2025: only a fixture of the derivation's tests (the drift of a refresh). */
export const PUBLISHED_2025_DOC = reference("calcom-v2.openapi.json");

/**
 * A clone without the reference folder beside it (a user's own checkout) skips the few tests that read the
 * published documents; under CI their absence is a failure, never a silent skip.
 */
export const withoutPublishedDoc = !(existsSync(PUBLISHED_DOC) && existsSync(PUBLISHED_2025_DOC)) && !process.env.CI;
