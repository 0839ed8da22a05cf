import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Cal.com's published API v2 document, in the reference folder laid beside the checkout (CI has it). */
export const PUBLISHED_DOC = fileURLToPath(new URL("../../../shared/reference/calcom-v2.openapi.json", import.meta.url));

/**
 * A clone without the reference folder beside it (a user's own checkout) skips the few tests that read the
 * published document; under CI its absence is a failure, never a silent skip.
 */
export const withoutPublishedDoc = !existsSync(PUBLISHED_DOC) && !process.env.CI;
