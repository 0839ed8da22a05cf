import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { loadContract, type Contract } from "./contract/index.js";
import { Database, type DbLocation } from "./store/database.js";
import { scenarioState } from "./store/scenarios.js";
import type { State, StateMeta } from "./store/schema.js";

export interface MockServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** "memory" (the default) or the path of a JSON file. */
  db?: DbLocation;
  seed?: number;
  /** A built-in scenario name (see fixtures/) or a scenario file path. */
  scenario?: string;
  /** Reseed a file database even if it exists, when its seed or scenario differ from these options. */
  reseedOnMismatch?: boolean;
  bodyLimit?: string | number;
  /** Path to the OpenAPI document; defaults to the one in spec/. */
  specPath?: string;
}

export interface MockServer {
  url: string;
  port: number;
  /** The seed and scenario the state was made from, and whether this start made it. */
  meta: StateMeta & { seeded: boolean };
  close(): Promise<void>;
  reset(options?: { seed?: number; scenario?: string }): Promise<StateMeta>;
  state(): State;
  database(): Database;
  server: Server;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_SCENARIO = "default";

/** Starts a mock server: its own contract, store and HTTP listener, sharing nothing with any other instance. */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const seed = options.seed ?? DEFAULT_SEED;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const contract: Contract = loadContract(options.specPath);
  let seeded = false;
  let db = await Database.open(options.db ?? "memory", () => {
    seeded = true;
    return scenarioState(scenario, seed);
  });
  if (!seeded && options.reseedOnMismatch && (db.store.meta.seed !== seed || db.store.meta.scenario !== scenario)) {
    await db.replace(scenarioState(scenario, seed));
    seeded = true;
  }

  const reset = async (opts: { seed?: number; scenario?: string } = {}): Promise<StateMeta> => {
    const state = scenarioState(opts.scenario ?? scenario, opts.seed ?? seed);
    await db.replace(state);
    return { ...db.store.meta };
  };

  const app = createApp({
    contract,
    db: () => db,
    admin: { reset, stateJson: () => JSON.stringify(db.store.toState()) },
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
  });
  const server = app.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  try {
    await once(server, "listening");
  } catch (err) {
    await db.close();
    throw err;
  }
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    meta: { ...db.store.meta, seeded },
    server,
    state: () => structuredClone(db.store.toState()),
    database: () => db,
    reset,
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.close();
      })();
      return closing;
    },
  };
}
