import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchOperation } from "../../src/contract/index.js";
import {
  allOperations,
  contract,
  diagnosticsOf,
  expectRefused,
  invalidParamText,
  isFreeText,
  oddSegment,
  pathOf,
  pathParams,
  queryParams,
  rawUtf8,
  send,
  short,
  stateText,
  type Answer,
  type Facts,
  hostileTarget,
  validQueryInteger,
  WHOLE_CONTRACT_MS,
} from "./support.js";

/**
 * Hostile path segments, parameters and headers against every operation of spec/: a 4xx in Cal.com's error
 * envelope, promptly, and GET /__admin/state byte-identical afterwards. Requests go out through node:http, so
 * `..`, broken percent-encoding and raw bytes reach the server exactly as written here.
 */

let url: string;
let facts: Facts;
let before: string;
hostileTarget((target) => ({ url, facts, before } = target));

const RUNS = 12;
// Validation failures carry Cal.com's fixed message; the mock's summary naming the parameter is in a header.
const message = (answer: Answer) => diagnosticsOf(answer);

describe("path parameters of the wrong type or out of bounds (from their schema)", () => {
  for (const op of contract.operations) {
    for (const param of pathParams(op)) {
      it(`${short(op)} {${param.name}}: 400 naming the parameter`, async () => {
        await fc.assert(
          fc.asyncProperty(invalidParamText(param), async (text) => {
            const req = { method: op.method, path: pathOf(op, facts, { [param.name]: encodeURIComponent(text) }) };
            const answer = await expectRefused(url, before, req, 400);
            expect(message(answer)).toContain(`path ${param.name}`);
          }),
          { numRuns: RUNS },
        );
      });
    }
  }
});

describe("query parameters of the wrong type or out of bounds (from their schema)", () => {
  // A query its operation's own pipe judges (GET /v2/slots) is attacked in test/hostile/slots.test.ts.
  for (const op of contract.operations.filter((o) => !o.queryPipe)) {
    for (const param of queryParams(op)) {
      it(`${short(op)} ?${param.name}: 400 naming the parameter`, async () => {
        await fc.assert(
          fc.asyncProperty(invalidParamText(param), fc.boolean(), async (text, encodeAll) => {
            // qs (Express's extended parser, Cal.com's too) ends a key at "]=" rather than at the first "=": in
            // `teamIds=]=` the key is "teamIds=]" and teamIds is absent, so "=" is encoded as a client would.
            const value = encodeAll ? encodeURIComponent(text) : text.replace(/[%&#+=\s]|[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
            const req = { method: op.method, path: `${pathOf(op, facts)}?${param.name}=${value}` };
            const answer = await expectRefused(url, before, req, 400);
            expect(message(answer)).toContain(`query ${param.name}`);
          }),
          { numRuns: RUNS },
        );
      });
    }

    const scalars = queryParams(op).filter((p) => p.schema.type !== "array");
    if (scalars.length > 0) {
      it(`${short(op)}: a scalar query parameter given twice, or with broken percent-encoding, is read as Cal.com reads it`, async () => {
        for (const param of scalars) {
          const integer = param.schema.type === "integer";
          // A filter Cal.com takes whatever text it holds (a name): broken percent-encoding stays text, as qs leaves it.
          const free = param.schema.type === "string" && !param.schema.enum && !param.schema.format && !param.schema.pattern && param.schema.maxLength === undefined;
          const good = integer ? validQueryInteger(facts, param.name) : "0b5e2f7e-6a55-4d0a-9c57-9d1c4f0c0a11";
          // Given twice, the value is a list: parseInt reads an integer's list as its text "1,1", so as 1
          // (packages/platform/types pagination inputs, their @Transform); a list is no UUID.
          const twice = `${param.name}=${good}&${param.name}=${good}`;
          if (integer) expect((await send(url, { method: op.method, path: `${pathOf(op, facts)}?${twice}` })).status).toBe(200);
          else await expectRefused(url, before, { method: op.method, path: `${pathOf(op, facts)}?${twice}` }, 400);
          for (const query of [`${param.name}=%E0%A4%A`, `${param.name}=%`, `${param.name}=%FF%FE`]) {
            // qs keeps a value it cannot decode as its raw text, which free text (a username, a name) accepts as it is.
            if (free || isFreeText(param)) expect((await send(url, { method: op.method, path: `${pathOf(op, facts)}?${query}` })).status).toBe(200);
            else await expectRefused(url, before, { method: op.method, path: `${pathOf(op, facts)}?${query}` }, 400);
          }
        }
      });
    }
  }
});

const ANSWERS_UNKNOWN_AS_EMPTY = new Set([
  "OrganizationsAttributesController_getOrganizationAttribute",
  "OrganizationsAttributesOptionsController_getOrganizationAttributeOptions",
  "OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions",
  "OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug",
  // A reservation uid nobody holds: GET answers data null, DELETE success.
  "SlotsController_2024_09_04_getReservedSlot",
  "SlotsController_2024_09_04_deleteReservedSlot",
]);

/** A path segment that decodes to 1-255 characters of text PostgreSQL can store ("%2F" is a "/" inside the id). */
function storableId(segment: string): boolean {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return text.length >= 1 && text.length <= 255 && !text.includes("\u0000");
}

describe("odd path segments: broken percent-encoding, dot segments, NUL, overlong UTF-8, long and unicode", () => {
  for (const op of contract.operations.filter((o) => pathParams(o).length > 0)) {
    it(`${short(op)}: 4xx in the envelope, nothing written`, async () => {
      const names = pathParams(op).map((p) => p.name);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), oddSegment, async (name, segment) => {
          const req = { method: op.method, path: pathOf(op, facts, { [name]: segment }) };
          const integer = pathParams(op).find((p) => p.name === name)!.schema.type === "integer";
          // Reads that answer an unknown attribute with nothing (Cal.com's findUnique null, an empty listing) take
          // any well-formed id; text the database could not store, or longer than the spec allows, is still refused.
          if (!integer && ANSWERS_UNKNOWN_AS_EMPTY.has(op.operationId) && storableId(segment)) {
            const answer = await send(url, req);
            expect(answer.status, `${name}=${segment.slice(0, 40)} → ${answer.text.slice(0, 200)}`).toBe(200);
            expect((answer.json as { data: unknown }).data ?? []).toEqual([]);
            return;
          }
          const answer = await expectRefused(url, before, req);
          // An integer parameter refuses everything here but plain digits; any other is 400 or not found.
          if (integer && !/^\d+$/.test(segment)) expect(answer.status, `${name}=${segment.slice(0, 40)}`).toBe(400);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("raw UTF-8 and latin1 bytes on the request line are refused by Node's parser (400) and the server serves on", async () => {
    for (const op of contract.operations) {
      for (const name of pathParams(op).map((p) => p.name)) {
        for (const text of ["é", "日本語", "😀", "\u202eevil", "a\u0085b", "\u00ff\u00fe"]) {
          const answer = await send(url, { method: op.method, path: pathOf(op, facts, { [name]: rawUtf8(text) }) });
          expect(answer.status).toBe(400);
        }
      }
    }
    expect(await stateText(url)).toBe(before);
  }, WHOLE_CONTRACT_MS);

  it("dot segments around the whole route never reach another operation's handler with a write", async () => {
    const paths = [
      "/v2/organizations/1/attributes/../attributes",
      "/v2/organizations/../organizations/1/attributes",
      "/v2/./organizations/1/attributes",
      "/v2/organizations/1/attributes/%2e%2e/%2e%2e",
      "/v2//organizations/1/attributes",
      "/v2/organizations/1//attributes",
      "//v2/organizations/1/attributes",
      "/v2/organizations/1/attributes/options/1/..%2f..%2f..%2f__admin%2freset",
      "/v2/organizations/1/attributes%00/x",
      "/V2/ORGANIZATIONS/1/ATTRIBUTES",
      "/v2/organizations/1/attributes/options/1/x/y/z",
    ];
    for (const path of paths) {
      for (const method of ["POST", "PATCH", "DELETE", "PUT"]) {
        await expectRefused(url, before, { method, path: path.replace(/\/1\//, `/${facts.orgId}/`), headers: { "content-type": "application/json" }, body: "{}" });
      }
    }
  });

  it("a request line within Node's header limit (8 KB segments, 12 KB query) gets the envelope", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttribute")!;
    await expectRefused(url, before, { method: op.method, path: pathOf(op, facts, { attributeId: "a".repeat(8_000) }) }, 400);
    const list = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttributes")!;
    await expectRefused(url, before, { method: list.method, path: `${pathOf(list, facts)}?skip=${"9".repeat(12_000)}` }, 400);
  });

  it("a request line beyond Node's 16 KB header limit is refused (431) and the server serves on", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttribute")!;
    const answer = await send(url, { method: op.method, path: pathOf(op, facts, { attributeId: "a".repeat(20_000) }) });
    expect(answer.status).toBe(431);
    expect(await stateText(url)).toBe(before);
  });

  // KNOWN GAP (src/server.ts, reported): Node's HTTP parser answers 431 (headers too large) and 400 (raw bytes
  // above 0x7F on the request line) itself, with an empty body, before Express runs. Only a `clientError` handler
  // on the server can answer those in Cal.com's error envelope. Turn these into it() once server.ts has one.
  it("a request line beyond Node's 16 KB header limit is answered in the error envelope", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttribute")!;
    await expectRefused(url, before, { method: op.method, path: pathOf(op, facts, { attributeId: "a".repeat(20_000) }) }, 431);
  });
  it("raw UTF-8 bytes on the request line are answered in the error envelope", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttribute")!;
    await expectRefused(url, before, { method: op.method, path: pathOf(op, facts, { attributeId: rawUtf8("é") }) }, 400);
  });
});

describe("methods and credentials", () => {
  it("methods the spec does not declare on a path are a 404 in the envelope", async () => {
    for (const op of contract.operations) {
      for (const method of ["PUT", "POST", "PATCH", "DELETE", "PROPFIND"]) {
        if (allOperations.some((o) => o.method === method && o.pathTemplate === op.pathTemplate)) continue;
        // PATCH /teams/me is PATCH /teams/{teamId} with a team id that is not a number: another operation's 400.
        if (matchOperation(allOperations, method, pathOf(op, facts)).operation) continue;
        await expectRefused(url, before, { method, path: pathOf(op, facts), headers: { "content-type": "application/json" }, body: "{}" }, 404);
      }
    }
  }, WHOLE_CONTRACT_MS);

  it("hostile Authorization headers are a 401 in the envelope, on every operation that asks for credentials", async () => {
    const headerSafe = fc.string({ unit: "binary", maxLength: 200 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, ""));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...contract.operations.filter((op) => op.auth === "api-key")),
        fc.oneof(
          headerSafe,
          headerSafe.map((s) => `Bearer ${s}`),
          headerSafe.map((s) => `Bearer cal_${s}`),
          fc.constantFrom("Bearer", "Bearer ", "bearer cal_test_mock_admin_key", "Basic YWRtaW46YWRtaW4=", "Bearer cal_test_mock_admin_key_", "Bearer  cal_", `Bearer cal_${"x".repeat(8_000)}`),
        ),
        async (op, authorization) => {
          const answer = await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: { authorization, "content-type": "application/json" }, body: "{}" }, [400, 401]);
          if (answer.status === 400) expect(message(answer)).toMatch(/^body/);
        },
      ),
      { numRuns: 40 },
    );
  });
});
