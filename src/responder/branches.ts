/**
 * Which branch of a `oneOf`/`anyOf` a spec-driven answer uses. Prism answers the first branch, and the first branch
 * of Cal.com's schemas is often one the document gives no example for (`GET /v2/slots` answered
 * `{"property1":["string"]}` while the range format beside it has a real example). The branch that carries the
 * document's example is the one its authors meant to show: every `oneOf`/`anyOf` with such a branch is narrowed
 * to it, for static and generated answers alike. The answer stays valid against the contract, which still lists
 * every branch.
 */

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema a `$ref` into the same document's components names, followed through chains of refs. */
function resolve(doc: Node, node: Node): Node {
  let current = node;
  for (let i = 0; i < 20 && typeof current.$ref === "string"; i++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return current;
    let target: unknown = doc;
    for (const part of ref.slice(2).split("/")) target = isNode(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    if (!isNode(target)) return current;
    current = target;
  }
  return current;
}

const hasExample = (schema: Node): boolean =>
  schema.example !== undefined || (Array.isArray(schema.examples) && schema.examples.length > 0) || (isNode(schema.examples) && Object.keys(schema.examples).length > 0);

/**
 * Narrows, in place, every `oneOf`/`anyOf` of `doc` (a copy made for Prism) with a branch that has an example to
 * its first such branch. Branches without examples anywhere keep Prism's choice, the first.
 */
export function preferExampleBranches(doc: Node): void {
  const seen = new Set<Node>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isNode(node) || seen.has(node)) return;
    seen.add(node);
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const branches = node[keyword];
      if (!Array.isArray(branches) || branches.length < 2) continue;
      const chosen = branches.find((b) => isNode(b) && hasExample(resolve(doc, b)));
      if (chosen !== undefined) node[keyword] = [chosen];
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(doc);
}
