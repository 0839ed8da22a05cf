/**
 * A path pattern of the control API: `*` matches within one path segment, `**` across segments. A whole `**`
 * segment also matches no segment at all, as in glob tools: `/attributes/**` matches `/attributes` itself as well
 * as everything under it, and `/v2/**` followed by `/options` matches `/v2/options` too.
 */
export function pathPattern(pattern: string): RegExp {
  const source = pattern
    .split(/(\/\*\*(?=\/|$)|\*\*|\*)/)
    .map((part) => {
      if (part === "/**") return "(?:/.*)?";
      if (part === "**") return ".*";
      if (part === "*") return "[^/]*";
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}
