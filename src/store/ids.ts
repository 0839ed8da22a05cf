import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** System randomness drawn ahead, for ids made at run time. */
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * A cuid-like id ("c" and 24 lowercase base-36 characters), the shape Cal.com's Prisma models use for
 * attributes, options and assignments. `random` lets the seeder draw from its seeded generator so ids are
 * deterministic; ids made at run time use the system's randomness, as Cal.com's do.
 */
export function cuid(random?: (n: number) => number): string {
  let id = "c";
  if (random) {
    for (let i = 0; i < 24; i++) id += ALPHABET[random(ALPHABET.length)];
    return id;
  }
  // One system call per ~170 ids rather than one per id: it showed in the profile of a stream of writes.
  if (poolAt + 24 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  for (let i = 0; i < 24; i++) id += ALPHABET[pool[poolAt++]! % ALPHABET.length];
  return id;
}

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
