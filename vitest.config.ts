import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // examples/ import the package by name, as a user's copy does; here the name is the source itself.
    alias: { "calcom-mock": fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on port 0; two workers match the two cores CI has.
    pool: "forks",
    maxWorkers: 2,
  },
});
