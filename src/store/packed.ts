/**
 * The db file's compact form of a large collection. Plain, a collection is an array of row objects, each
 * repeating its keys and every value it shares with other rows: an assignment history entry repeats its actor, its
 * source context and the change it records in full (about 570 bytes on disk each, most of a file grown by 100,000
 * writes), an assignment its option id and times. Packed, the keys of each distinct row shape are written once,
 * and the values of the keys that repeat (decided from the first rows) once each, in a table the rows point into:
 *
 *   {"$packed":1,"rows":[<shape>,<value>,<value>,…,<shape>,…],"shapes":[["id","memberId",…],…],
 *    "shared":["actor",…],"values":[…]}
 *
 * `rows` is flat: a shape's index, then one value per key of that shape, in its order; the value of a key named in
 * `shared` is an index into `values`. A row that fits no shape (more shapes than MAX_SHAPES, a key an object literal
 * cannot carry) is written whole after the index -1. Reading it gives rows equal to the plain ones, with their keys in the same
 * order, and rows that wrote the same shared value point at one object (rows are never changed in place, so this is
 * invisible but for the memory it saves). Small collections stay plain, so a small file stays easy to read and edit.
 */

/** Collections with fewer rows are written plain. */
export const PACK_MIN_ROWS = 1000;
/** How many rows decide which keys are shared. */
const SAMPLE_ROWS = 1000;
/** A key is shared when its values, in the sample, repeat on average this many times or more. */
const SHARED_REPEATS = 4;
/** More distinct shapes than this and a collection is written plain (its rows have no common form to speak of). */
const MAX_SHAPES = 256;

type Row = Record<string, unknown>;

export interface PackedCollection {
  $packed: 1;
  rows: unknown[];
  shapes: string[][];
  shared: string[];
  values: unknown[];
}

const isPlainRow = (row: unknown): row is Row => typeof row === "object" && row !== null && !Array.isArray(row);
/** Keys a row object literal could not carry as an own property, or that no state document has. */
const unsafeKey = (key: string) => key === "__proto__";

/** The shape index of a row written whole. */
const WHOLE_ROW = -1;

/** Writes one collection packed, a slice of rows at a time. */
export class Packer {
  private readonly shapes: string[][] = [];
  private readonly shapeIndex = new Map<string, number>();
  private readonly values: unknown[] = [];
  private readonly byIdentity = new Map<object, number>();
  private readonly byValue = new Map<unknown, number>();

  private constructor(private readonly shared: ReadonlySet<string>) {}

  /** A packer for these rows, or undefined if they are to be written plain (too few of them). */
  static forRows(rows: readonly unknown[]): Packer | undefined {
    if (rows.length < PACK_MIN_ROWS) return undefined;
    const seen = new Map<string, { count: number; distinct: Set<unknown> }>();
    for (const row of rows.slice(0, SAMPLE_ROWS)) {
      if (!isPlainRow(row)) continue;
      for (const [key, value] of Object.entries(row)) {
        if (value === null || typeof value === "number" || typeof value === "boolean") continue;
        const stats = seen.get(key) ?? { count: 0, distinct: new Set() };
        seen.set(key, stats);
        stats.count++;
        stats.distinct.add(typeof value === "object" ? JSON.stringify(value) : value);
      }
    }
    const shared = new Set([...seen].filter(([, s]) => s.distinct.size * SHARED_REPEATS <= s.count).map(([key]) => key));
    return new Packer(shared);
  }

  /** The opening of the packed object and its `rows` array. */
  head(): string {
    return '{"$packed":1,"rows":[';
  }

  /** The rows' part of `rows`, as JSON without the brackets (empty for no rows). */
  slice(rows: readonly unknown[]): string {
    const flat: unknown[] = [];
    for (const row of rows) {
      if (!isPlainRow(row)) {
        flat.push(WHOLE_ROW, row);
        continue;
      }
      const keys = Object.keys(row);
      const signature = keys.join("\u0000");
      let shape = this.shapeIndex.get(signature);
      if (shape === undefined) {
        if (this.shapes.length >= MAX_SHAPES || keys.some(unsafeKey)) {
          flat.push(WHOLE_ROW, row);
          continue;
        }
        shape = this.shapes.length;
        this.shapes.push(keys);
        this.shapeIndex.set(signature, shape);
      }
      flat.push(shape);
      for (const key of keys) {
        const value = row[key];
        flat.push(this.shared.has(key) ? this.valueIndex(value) : value);
      }
    }
    return flat.length === 0 ? "" : JSON.stringify(flat).slice(1, -1);
  }

  /** What closes the packed object: the shapes, the shared keys and their values. */
  tail(): string {
    return `],"shapes":${JSON.stringify(this.shapes)},"shared":${JSON.stringify([...this.shared])},"values":${JSON.stringify(this.values)}}`;
  }

  private valueIndex(value: unknown): number {
    const identity = typeof value === "object" && value !== null;
    let index = identity ? this.byIdentity.get(value) : this.byValue.get(value);
    if (index !== undefined) return index;
    // Equal objects that are not the same object (rows read from a plain file) are written once too.
    const key = identity ? `\u0000${JSON.stringify(value)}` : value;
    index = this.byValue.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.byValue.set(key, index);
    }
    if (identity) this.byIdentity.set(value, index);
    return index;
  }
}

export const isPacked = (value: unknown): value is PackedCollection =>
  typeof value === "object" && value !== null && !Array.isArray(value) && (value as { $packed?: unknown }).$packed === 1;

/** Makes the rows of one shape: an object literal per row, so they all share one hidden class. */
type RowMaker = (flat: readonly unknown[], at: number, values: readonly unknown[]) => Row;

function rowMaker(keys: readonly string[], shared: ReadonlySet<string>): RowMaker {
  // Generated rather than a loop of `row[key] = value`: one literal per shape builds each row in one step, with the
  // keys in their order, and lets V8 allocate the (long-lived) rows straight into the old generation. The keys are
  // embedded as JSON string literals, so no text of the file is ever run as code.
  const fields = keys.map((key, i) => `${JSON.stringify(key)}:${shared.has(key) ? `v[f[a+${i + 1}]]` : `f[a+${i + 1}]`}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: only JSON string literals and numbers
  return new Function("f", "a", "v", `return {${fields.join(",")}};`) as RowMaker;
}

/**
 * The rows of a packed collection, or a problem (a sentence) if it is malformed: a file edited by hand can be,
 * and is then refused with the others' problems rather than read wrong.
 */
export function unpack(packed: PackedCollection): Row[] | string {
  const { rows, shapes, shared, values } = packed;
  if (!Array.isArray(rows) || !Array.isArray(shapes) || !Array.isArray(shared) || !Array.isArray(values)) {
    return "a packed collection needs the arrays rows, shapes, shared and values";
  }
  if (!shared.every((k) => typeof k === "string")) return "packed shared keys must be strings";
  const sharedKeys = new Set(shared as string[]);
  const makers: RowMaker[] = [];
  const widths: number[] = [];
  /** Per shape, the offsets (from the shape index) of its values that point into `values`. */
  const pointers: number[][] = [];
  for (const shape of shapes) {
    if (!Array.isArray(shape) || !shape.every((k) => typeof k === "string" && !unsafeKey(k)) || new Set(shape).size !== shape.length) {
      return "each packed shape must be a list of distinct keys";
    }
    makers.push(rowMaker(shape as string[], sharedKeys));
    widths.push(shape.length);
    pointers.push((shape as string[]).flatMap((key, i) => (sharedKeys.has(key) ? [i + 1] : [])));
  }
  const out: Row[] = [];
  for (let at = 0; at < rows.length; ) {
    const shape = rows[at];
    if (shape === WHOLE_ROW) {
      const row = rows[at + 1];
      if (!isPlainRow(row)) return `packed row ${out.length} is not an object`;
      out.push(row);
      at += 2;
      continue;
    }
    const maker = typeof shape === "number" ? makers[shape] : undefined;
    if (maker === undefined) return `packed row ${out.length} names no shape`;
    const width = widths[shape as number]!;
    if (at + width >= rows.length) return `packed row ${out.length} is cut short`;
    for (const offset of pointers[shape as number]!) {
      const index = rows[at + offset];
      if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= values.length) {
        return `packed row ${out.length} points at no shared value`;
      }
    }
    out.push(maker(rows, at, values));
    at += width + 1;
  }
  return out;
}

/**
 * Replaces each packed collection of a parsed db file by its rows, in place. Answers the problems found, each
 * naming its collection (none for a file without packed collections: every older file).
 */
export function unpackDocument(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (!isPacked(value)) continue;
    const rows = unpack(value);
    if (typeof rows === "string") problems.push(`/${key}: ${rows}`);
    else doc[key] = rows;
  }
  return problems;
}
