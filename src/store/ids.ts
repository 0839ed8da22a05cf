import { randomBytes } from "node:crypto";

const HEX = "0123456789abcdef";

/** System randomness drawn ahead, for ids made at run time: one system call per ~250 ids rather than per id. */
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/*
 * Ids are written into a byte buffer and read back as one string. Built by concatenation (or by
 * crypto.randomUUID, which concatenates too) a 25-character id is a tree of some twenty string pieces in V8,
 * about 400-500 bytes instead of about 50: with 100,000 history entries and assignments that was most of the heap.
 */

/**
 * A random (version 4) UUID, as a flat string: the ids Cal.com's Prisma models make for attributes, options and
 * assignments (`@default(uuid())`). `random` (returning an integer below its argument) lets the seeder draw from
 * its seeded generator so ids are deterministic; ids made at run time use the system's randomness, as Cal.com's do.
 */
export function uuid(random?: (n: number) => number): string {
  const out = Buffer.allocUnsafe(36);
  let j = 0;
  let word = 0;
  for (let i = 0; i < 16; i++) {
    // The seeded generator is asked for 32 bits at a time: one call per four bytes.
    if (random && i % 4 === 0) word = random(0x100000000);
    let byte = random ? (word >>> ((i % 4) * 8)) & 0xff : randomByte();
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out[j++] = 0x2d; // "-"
    out[j++] = HEX.charCodeAt(byte >> 4);
    out[j++] = HEX.charCodeAt(byte & 15);
  }
  return out.toString("latin1");
}

/** Characters Cal.com's slugify drops after its other steps: dingbats, private use, most pictographs. */
const DROPPED_SYMBOLS = /[\u2700-\u27BF]|[\uE000-\uF8FF]|\uD83C[\uDC00-\uDFFF]|\uD83D[\uDC00-\uDFFF]|[\u2011-\u26FF]|\uD83E[\uDD10-\uDDFF]/g;

/**
 * Cal.com's slugify (packages/lib/slugify.ts), step by step: lower case, accents dropped, every run of
 * characters other than letters, digits, spaces, emoji and "." made one "-", spaces, "_" and "#" made "-", runs of
 * "." and of "-" collapsed, no leading "-" or ".", no trailing "-" or ".". So "2.5" stays `2.5`, "Node.js Dev"
 * is `node.js-dev` and "Ça va" is `ca-va`.
 */
export function slugify(text: string): string {
  if (!text) return "";
  const slug = text
    .toLowerCase()
    .trim()
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[^.\p{L}\p{N}\p{Zs}\p{Emoji}]+/gu, "-")
    .replace(/[\s_#]+/g, "-")
    .replace(/^-+/, "")
    .replace(/\.{2,}/g, ".")
    .replace(/^\.+/, "")
    .replace(DROPPED_SYMBOLS, "")
    .replace(/\s+/g, " ")
    .replace(/-+/g, "-");
  return slug.replace(/-+$/, "").replace(/\.*$/, "");
}

/** The alphabet of Cal.com's booking uids (short-uuid's flickrBase58). */
const BASE58 = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/**
 * A booking uid as Cal.com makes them (short-uuid's translator: a UUID v4 in base 58, 22 characters such as
 * `nQ6fQ2BfRRMAxdZDQ3zvuK`). `random` as for `uuid`.
 */
export function bookingUid(random?: (n: number) => number): string {
  let value = BigInt(`0x${uuid(random).replace(/-/g, "")}`);
  const out: string[] = [];
  while (value > 0n) {
    out.push(BASE58[Number(value % 58n)]!);
    value /= 58n;
  }
  while (out.length < 22) out.push(BASE58[0]!);
  return out.reverse().join("");
}
