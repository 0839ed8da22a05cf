/**
 * Output objects a query hands out unchanged to every answer while their rows are unchanged (an org user, an option
 * with its holders), and the JSON of each, made once. Serializing is most of what a list read costs once its rows
 * are found (a page of 55 org users is 30 KB), and most rows of a list are the same from one request to the next,
 * writes or not: the answer's envelope joins the kept texts (src/routes/answer-json.ts).
 */

const shared = new WeakMap<object, string | undefined>();

/**
 * Registers `output` as shared between answers: whoever made it promises never to change it, so its JSON can be
 * kept for as long as the object lives. Answers the object.
 */
export function sharedOutput<T extends object>(output: T): T {
  if (!shared.has(output)) shared.set(output, undefined);
  return output;
}

export const isSharedOutput = (value: unknown): value is object => typeof value === "object" && value !== null && shared.has(value);

/** JSON.stringify(output) of a shared output, made on first use. */
export function sharedJson(output: object): string {
  let text = shared.get(output);
  if (text === undefined) {
    text = JSON.stringify(output);
    shared.set(output, text);
  }
  return text;
}
