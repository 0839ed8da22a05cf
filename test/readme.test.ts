import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answeredBy } from "../src/routes/index.js";
import type { MockServer } from "../src/server.js";
import { checkContract, startMock } from "./support/harness.js";

const run = promisify(execFile);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The curl commands of the README's "API examples" section, line continuations joined. */
function apiExamples(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith("API examples")) ?? "";
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .filter((line) => line.startsWith("curl ")),
  );
}

let mock: MockServer;
beforeAll(async () => ({ mock } = await startMock()));
afterAll(() => mock.close());
beforeEach(() => mock.reset());

describe("README", () => {
  const examples = apiExamples();
  const covered = new Set<string>();

  it("has a curl example for each of the 48 operations", () => {
    expect(examples.length).toBeGreaterThanOrEqual(48);
  });

  // Each example runs on a freshly reset default scenario: it must work when pasted on its own.
  it.each(examples)("works when pasted: %s", async (command) => {
    const local = command.replaceAll("http://127.0.0.1:5555", mock.url);
    const { stdout } = await run("sh", ["-c", `${local} -w '\\n%{http_code}'`]);
    const lines = stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    const body = JSON.parse(lines.join("\n")) as { status: string };
    expect(status, stdout).toBeLessThan(300);
    expect(body.status).toBe("success");
    const method = /-X (\w+)/.exec(command)?.[1] ?? (command.includes(" -d ") ? "POST" : "GET");
    const url = /'(http[^']+)'|(http\S+)/.exec(local)!;
    const operationId = checkContract(method, url[1] ?? url[2]!, status, body);
    expect(operationId).toBeDefined();
    covered.add(operationId!);
  });

  it("covers every stateful operation with an example, and some answered from the spec", () => {
    expect([...covered].filter((id) => answeredBy(id) === "state")).toHaveLength(48);
    expect([...covered].filter((id) => answeredBy(id) === "spec").length).toBeGreaterThanOrEqual(3);
  });
});
