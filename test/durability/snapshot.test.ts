import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../src/store/database.js";
import { scenarioState } from "../../src/store/scenarios.js";

// The snapshot is streamed a slice of rows at a time; the file must hold exactly what JSON.stringify would.
describe("the JSON file snapshot", () => {
  it("is the compact JSON of the state, byte for byte, with more rows than one slice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calcom-mock-snapshot-"));
    try {
      const file = join(dir, "db.json");
      const state = scenarioState("multi-org", 5);
      // More assignments than one slice of 2,000 rows, so slices are joined.
      const many = Array.from({ length: 4_321 }, (_, i) => ({ ...state.attributeAssignments[0]!, id: `c${String(i).padStart(24, "0")}` }));
      const big = { ...state, attributeAssignments: [], attributeOptions: state.attributeOptions };
      const db = await Database.open(file, () => big);
      await db.commit(many.slice(0, 1).map((row) => ({ op: "put" as const, collection: "attributeAssignments" as const, row })));
      await db.close();
      const text = readFileSync(file, "utf8");
      const doc = JSON.parse(text) as Record<string, unknown>;
      expect(text).toBe(JSON.stringify(doc));
      expect((doc.attributeAssignments as unknown[]).length).toBe(1);

      const db2 = await Database.open(file, () => big);
      await db2.replace({ ...big, attributeAssignments: many });
      await db2.close();
      const text2 = readFileSync(file, "utf8");
      expect(text2).toBe(JSON.stringify({ ...JSON.parse(text2) }));
      expect(JSON.parse(text2).attributeAssignments).toEqual(many);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
