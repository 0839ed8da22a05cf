import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { derive, type Overlay, type Previous } from "../src/contract/derive/index.js";
import type { JsonObject } from "../src/contract/derive/walk.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONTRACT_PATH = join(ROOT, "spec", "calcom.openapi.json");
export const REPORT_PATH = join(ROOT, "spec", "calcom.derivation.md");
const DEFAULT_INPUT = join(ROOT, "..", "shared", "reference", "calcom-v2-current.openapi.json");
const OVERLAYS = join(ROOT, "derive", "overlays");

/** The contract (and report) about to be replaced, if there is one: what the drift is measured against. */
function readPrevious(contract: string, report: string): Previous | undefined {
  let doc: JsonObject;
  try {
    doc = JSON.parse(readFileSync(contract, "utf8")) as JsonObject;
  } catch {
    return undefined;
  }
  try {
    return { doc, report: readFileSync(report, "utf8") };
  } catch {
    return { doc };
  }
}

/**
 * `npm run spec:derive -- [published.json] [--out DIR] [--overlays DIR] [--previous CONTRACT] [--check]`: writes
 * the contract and its derivation report into spec/ (or DIR); with --check, writes nothing and fails when the files
 * differ from what it would write. Deriving from another document than the contract in place came from prints
 * the drift (operations added and removed, stateful operations whose published form changed) and adds it to the
 * report; --previous measures it against another contract than the one being replaced.
 */
function main(argv: string[]): number {
  const check = argv.includes("--check");
  const valueOf = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
  const outDir = valueOf("--out");
  const overlayDir = valueOf("--overlays") ?? OVERLAYS;
  const positional = argv.filter((a, i) => !a.startsWith("--") && !["--out", "--overlays", "--previous"].includes(argv[i - 1] ?? ""));
  const input = positional[0] ?? DEFAULT_INPUT;
  let text: string;
  try {
    text = readFileSync(input, "utf8");
  } catch (err) {
    console.error(`spec:derive: cannot read ${input}: ${(err as Error).message}`);
    return 2;
  }
  let published: JsonObject;
  try {
    published = JSON.parse(text) as JsonObject;
  } catch (err) {
    console.error(`spec:derive: ${input} is not JSON: ${(err as Error).message}`);
    return 2;
  }
  if (typeof published.paths !== "object" || published.paths === null) {
    console.error(`spec:derive: ${input} has no paths: not an OpenAPI document`);
    return 2;
  }
  const overlays: Overlay[] = readdirSync(overlayDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ name: f, doc: JSON.parse(readFileSync(join(overlayDir, f), "utf8")) as JsonObject }));
  const contractPath = outDir ? join(outDir, basename(CONTRACT_PATH)) : CONTRACT_PATH;
  const reportPath = outDir ? join(outDir, basename(REPORT_PATH)) : REPORT_PATH;
  const previousPath = valueOf("--previous");
  const previous = previousPath ? readPrevious(previousPath, "") : readPrevious(contractPath, reportPath);
  if (previousPath && !previous) {
    console.error(`spec:derive: cannot read the previous contract ${previousPath}`);
    return 2;
  }
  const { doc, report, drift } = derive(published, overlays, basename(input), text, previous);
  const outputs: Array<[string, string]> = [
    [contractPath, `${JSON.stringify(doc, null, 2)}\n`],
    [reportPath, report],
  ];
  if (check) {
    const stale = outputs.filter(([file, content]) => {
      try {
        return readFileSync(file, "utf8") !== content;
      } catch {
        return true;
      }
    });
    for (const [file] of stale) console.error(`spec:derive: ${file} is not what the derivation writes: run npm run spec:derive`);
    return stale.length ? 1 : 0;
  }
  for (const [file, content] of outputs) writeFileSync(file, content);
  // A refresh says what moved; deriving again from the same document keeps the drift its report already says.
  if (drift) console.log(drift);
  console.log(`spec:derive: wrote ${outputs.map(([f]) => f).join(" and ")}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
