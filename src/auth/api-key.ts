import { unauthorized } from "../errors.js";
import type { User } from "../store/schema.js";
import type { Store } from "../store/store.js";

/** Cal.com tells API keys from OAuth access tokens by this prefix. */
const API_KEY_PREFIX = "cal_";

/**
 * Resolves the caller as Cal.com's API auth strategy does, with its messages: a `Bearer cal_...` API key maps
 * to its user; anything else is refused with 401. OAuth access tokens and platform client credentials are not
 * issued by the mock, so they are always unknown.
 */
export function authenticate(store: Store, headers: { authorization?: string | undefined; clientId?: string | undefined; secret?: string | undefined }): User {
  if (headers.clientId && headers.secret) throw unauthorized(`Client with ID ${headers.clientId} not found`);
  const token = headers.authorization?.replace(/^Bearer /, "").trim();
  if (!token) {
    throw unauthorized(
      "No authentication method provided. Either pass an API key as 'Bearer' header or OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers",
    );
  }
  if (!token.startsWith(API_KEY_PREFIX)) throw unauthorized("Invalid Access Token.");
  const key = store.apiKeyByKey.get(token);
  if (!key) throw unauthorized("Your api key is not valid");
  const user = store.get("users", key.userId);
  if (!user) throw unauthorized("No user tied to this apiKey");
  return user;
}

/** Shows the start of a key only, for logs and the request journal. */
export function maskApiKey(value: string): string {
  const token = value.replace(/^Bearer /, "");
  return `${value.startsWith("Bearer ") ? "Bearer " : ""}${token.slice(0, 9)}***`;
}
