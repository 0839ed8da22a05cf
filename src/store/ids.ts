import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A cuid-like id ("c" and 24 lowercase base-36 characters), the shape Cal.com's Prisma models use for
 * attributes, options and assignments. `random` lets the seeder draw from its seeded generator so ids are
 * deterministic; ids made at run time use the system's randomness, as Cal.com's do.
 */
export function cuid(random?: (n: number) => number): string {
  const bytes = random ? undefined : randomBytes(24);
  let id = "c";
  for (let i = 0; i < 24; i++) id += ALPHABET[random ? random(ALPHABET.length) : bytes![i]! % ALPHABET.length];
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
