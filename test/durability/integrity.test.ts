import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createMockServer } from "../../src/server.js";
import { cleanup, tempDb } from "./support.js";

/**
 * The db file ends with an integrity stamp of what the server wrote, so a start skips checking every row of a
 * file it wrote itself (most of a large file's start-up). A file changed by anything else fails the stamp and is
 * checked in full, as before: refused if invalid, served if valid.
 */

afterAll(cleanup);

describe("the db file's integrity stamp", () => {
  it("is written last, is not part of the state, and a file edited by hand is checked in full", async () => {
    const db = tempDb();
    const first = await createMockServer({ db });
    const name = first.state().users[0]!.name!;
    await first.close();
    const text = readFileSync(db, "utf8");
    // Before the stamp, where the large collections a start may leave unparsed lie in the file (if any).
    expect(text).toMatch(/,"journalSeq":\d+(,"\$sections":\{[^{}]*\})?,"integrity":"[0-9a-f]{64}"\}$/);

    const again = await createMockServer({ db });
    expect(again.state()).not.toHaveProperty("integrity");
    expect(((await (await fetch(`${again.url}/__admin/state`)).json()) as { data: unknown }).data).not.toHaveProperty("integrity");
    await again.close();

    // An edit that breaks the schema, the stamp left as it was: checked, and refused.
    const broken = readFileSync(db, "utf8").replace(`"name":${JSON.stringify(name)}`, `"name":42`);
    expect(broken).not.toBe(readFileSync(db, "utf8"));
    writeFileSync(db, broken);
    await expect(createMockServer({ db })).rejects.toThrow(/is not a valid calcom-mock state/);

    // A valid edit, same stamp: checked, and served.
    writeFileSync(db, text.replace(`"name":${JSON.stringify(name)}`, `"name":"Edited by hand"`));
    const edited = await createMockServer({ db });
    expect(edited.state().users[0]!.name).toBe("Edited by hand");
    await edited.close();
    // Written again by the server: stamped again.
    expect(readFileSync(db, "utf8")).toMatch(/"integrity":"[0-9a-f]{64}"\}$/);
  });
});
