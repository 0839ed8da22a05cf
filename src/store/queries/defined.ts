/** The fields that were given: an update applies only these, so a field left out keeps its stored value. */
export function definedFields<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as Array<keyof T>) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}
