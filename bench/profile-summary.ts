/**
 * Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof`, or `node --cpu-prof`): where the samples fall,
 * by function (self time), by file/package (self time), and the inclusive time of the project's own functions
 * (dist/ or src/). Usage:
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [--from <s>] [--to <s>]
 * `--from`/`--to` keep only the samples taken that many seconds after the profile started (the load run, without
 * the start-up's file reading and the snapshot written at exit).
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string): number | undefined => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(args[at + 1]);
  args.splice(at, 2);
  return value;
};
const fromS = option("--from") ?? 0;
const toS = option("--to") ?? Infinity;
const [file, topArg] = args;
if (!file) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topArg ?? 25);
// Piped into `head`: stop quietly when the reader goes away.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

// Time per sample: the delta that follows it.
const selfUs = new Map<number, number>();
let atUs = 0;
profile.samples.forEach((id, i) => {
  atUs += profile.timeDeltas[i] ?? 0;
  if (atUs < fromS * 1e6 || atUs > toS * 1e6) return;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function shortUrl(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const m = /\/(dist|src|bench)\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return url.replace(/^file:\/\//, "");
}
function pkgOf(url: string): string {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node core";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(dist|src)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}
const label = (n: Node) => `${n.callFrame.functionName || "(anonymous)"}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

function table(title: string, rows: Map<string, number>) {
  console.log(`\n${title}`);
  for (const [k, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)} ${ms(v)}  ${k}`);
}

console.log(`${file}: ${(totalUs / 1e6).toFixed(2)} s sampled, ${profile.samples.length} samples`);

const selfByFn = new Map<string, number>();
const selfByPkg = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + us);
  const p = pkgOf(n.callFrame.url);
  selfByPkg.set(p, (selfByPkg.get(p) ?? 0) + us);
}
table("self time by function", selfByFn);
table("self time by file / package", selfByPkg);

// Inclusive time of the project's functions: a sample counts once per distinct project function on its stack.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    if (!/\/(dist|src)\//.test(n.callFrame.url) || n.callFrame.url.includes("node_modules")) continue;
    const key = label(n);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
table("inclusive time of the project's functions (dist/ or src/)", inclusive);

// Garbage collection and idle, as V8 labels them.
const special = new Map<string, number>();
for (const [id, us] of selfUs) {
  const name = byId.get(id)!.callFrame.functionName;
  if (name.startsWith("(")) special.set(name, (special.get(name) ?? 0) + us);
}
table("V8 pseudo-frames", special);
