import { isSharedOutput, sharedJson } from "../store/shared-output.js";

/**
 * JSON.stringify(envelope), byte for byte, with the items of its `data` array that a query shared between answers
 * (src/store/shared-output.ts) serialized once each instead of on every request.
 */
export function envelopeJson(envelope: Readonly<Record<string, unknown>>): string {
  const data = envelope.data;
  if (!Array.isArray(data) || !isSharedOutput(data[0])) return JSON.stringify(envelope);
  let text = "";
  for (const key of Object.keys(envelope)) {
    const value = envelope[key];
    const json = key === "data" ? arrayJson(data) : JSON.stringify(value);
    // As JSON.stringify does, a property whose value it cannot write is left out.
    if (json === undefined) continue;
    text += `${text === "" ? "{" : ","}${JSON.stringify(key)}:${json}`;
  }
  return `${text}}`;
}

function arrayJson(items: readonly unknown[]): string {
  let text = "[";
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // JSON.stringify writes `null` for an array item it cannot write (undefined, a function).
    text += (i === 0 ? "" : ",") + (isSharedOutput(item) ? sharedJson(item) : (JSON.stringify(item) ?? "null"));
  }
  return `${text}]`;
}
