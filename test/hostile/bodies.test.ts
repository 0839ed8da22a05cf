import { gzipSync, deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkContract } from "../support/harness.js";
import {
  BODY_LIMIT,
  bodyProperties,
  contract,
  diagnosticsOf,
  expectErrorEnvelope,
  expectRefused,
  invalidJsonFor,
  jsonHeaders,
  validationProperties,
  pathOf,
  rawNumberLiterals,
  requiredProperties,
  send,
  short,
  stateDiff,
  stateOf,
  stateText,
  uniqueNight,
  uniqueSlug,
  validBody,
  validFor,
  resolve,
  type Facts,
  hostileTarget,
  WHOLE_CONTRACT_MS,
} from "./support.js";

/**
 * Hostile request bodies against every operation of spec/: each refused request must answer a 4xx in Cal.com's
 * error envelope, promptly, and leave GET /__admin/state byte-identical.
 */

let url: string;
let facts: Facts;
let before: string;
hostileTarget((target) => ({ url, facts, before } = target));

const withBody = contract.operations.filter((op) => op.body);
const RUNS = 12;

describe("malformed JSON", () => {
  // Broken texts: a valid body cut short or with a byte flipped, and texts JSON.parse refuses outright.
  const broken = (valid: string) =>
    fc
      .oneof(
        fc.integer({ min: 1, max: Math.max(1, valid.length - 1) }).map((n) => valid.slice(0, n)),
        fc.tuple(fc.nat(valid.length - 1), fc.constantFrom("{", "}", '"', ",", ":", "\\", "\u0000", "'", "]")).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
        fc.constantFrom("{", "}", "{'a':1}", '{"a":1,}', '{"a":}', '{"a" 1}', "{a:1}", "[1,]", "NaN", "undefined", "nul", '"unterminated', "{\"a\":1}}", "{}{}", "\u00ef\u00bb\u00bf{}"),
        fc.string({ minLength: 1, maxLength: 40 }),
      )
      .filter((text) => {
        if (text.trim() === "") return false;
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      });

  for (const op of contract.operations) {
    it(`${short(op)}: 400 BadRequestException`, async () => {
      const valid = JSON.stringify(validBody(op, facts));
      await fc.assert(
        fc.asyncProperty(broken(valid), async (text) => {
          const req = { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: text };
          const answer = await expectRefused(url, before, req, 400);
          expect((answer.json as { error: { code: string } }).error.code).toBe("BadRequestException");
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("JSON that is not an object (strict body parsing, then the object check)", async () => {
    for (const op of withBody) {
      for (const text of ["null", "5", '"text"', "true", "[]", "[{}]", "-0", "1e400"]) {
        await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: text }, 400);
      }
    }
  }, WHOLE_CONTRACT_MS);
});

describe("wrong values for each body property, from the property's schema", () => {
  for (const op of withBody) {
    for (const [name, schema] of bodyProperties(op)) {
      it(`${short(op)} ${name}: 400 naming the property`, async () => {
        await fc.assert(
          fc.asyncProperty(invalidJsonFor(schema), async (value) => {
            const body = { ...validBody(op, facts), [name]: value };
            const req = { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: JSON.stringify(body) };
            const answer = await expectRefused(url, before, req, 400);
            expect(diagnosticsOf(answer)).toContain(`body ${name}`);
            expect(validationProperties(answer)).toContain(name);
          }),
          { numRuns: RUNS },
        );
      });
    }

    it(`${short(op)}: raw number literals (1e400, -0, 30 digits) in every property`, async () => {
      for (const [name, schema] of bodyProperties(op)) {
        for (const literal of rawNumberLiterals) {
          if (validFor(schema, JSON.parse(literal))) continue;
          const valid = JSON.stringify({ ...validBody(op, facts), [name]: "§" });
          const text = valid.replace('"§"', literal);
          await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: text }, 400);
        }
      }
      // An event type has about eighty properties, three literals each: 2.3 s quiet, 20 s on a loaded CI runner.
    }, 60_000);

    const required = requiredProperties(op);
    if (required.length > 0) {
      it(`${short(op)}: each required property missing`, async () => {
        for (const name of required) {
          const { [name]: _gone, ...body } = validBody(op, facts);
          const answer = await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: JSON.stringify(body) }, 400);
          expect(diagnosticsOf(answer)).toContain(`body ${name}: is required`);
          expect(validationProperties(answer)).toContain(name);
        }
      });
    }
  }

  it("array items are checked too (options of a new attribute)", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_createOrganizationAttribute")!;
    const itemSchema = resolve((resolve(op.body!.schema).properties as Record<string, { items: { $ref: string } }>).options!.items);
    await fc.assert(
      fc.asyncProperty(invalidJsonFor(itemSchema), fc.nat(3), async (item, at) => {
        const options = Array.from({ length: 4 }, (_, i) => ({ value: `v${i}`, slug: `s${i}` }));
        options[at] = item as never;
        const body = { ...validBody(op, facts), type: "SINGLE_SELECT", options };
        await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: JSON.stringify(body) }, 400);
      }),
      { numRuns: RUNS },
    );
  });

  it("errors by the ten thousand are answered briefly, not with a 500 or a 10 MB message", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesController_createOrganizationAttribute")!;
    const body = JSON.stringify({ ...validBody(op, facts), options: Array(45_000).fill(1) });
    expect(body.length).toBeLessThan(BODY_LIMIT);
    await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body }, 400);
  });

  it("deeply nested JSON (known and unknown properties) does not overflow the stack", async () => {
    const op = contract.operations.find((o) => o.operationId === "OrganizationsAttributesOptionsController_createOrganizationAttributeOption")!;
    // As deep as the 100 kB limit allows: two bytes a level for lists, six for objects.
    for (const depth of [1_000, 20_000, 49_000]) {
      const nested = "[".repeat(depth) + "]".repeat(depth);
      const inKnown = `{"value":${nested},"slug":"deep"}`;
      await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: inKnown }, 400);
      const levels = Math.floor(depth / 3);
      const objects = '{"x":'.repeat(levels) + "1" + "}".repeat(levels);
      const inUnknownOnly = `{"value":"v","deep":${objects}}`;
      await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: inUnknownOnly }, 400);
    }
  });
});

describe("huge bodies: beyond the 100 kB limit is a 413 in the error envelope", () => {
  const hugeBody = (op: (typeof contract.operations)[number], bytes: number, filler: string) => {
    const base = validBody(op, facts);
    const padding = filler.repeat(Math.ceil(bytes / Buffer.byteLength(filler)));
    return JSON.stringify({ ...base, padding });
  };

  for (const op of contract.operations) {
    it(`${short(op)}: 413 PayloadTooLargeException (Content-Length and chunked)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: BODY_LIMIT + 1, max: 3 * BODY_LIMIT }), fc.constantFrom("x", "é", "😀"), fc.boolean(), async (bytes, filler, chunked) => {
          const body = hugeBody(op, bytes, filler);
          const answer = await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body, chunked }, 413);
          expect((answer.json as { error: { code: string } }).error.code).toBe("PayloadTooLargeException");
        }),
        { numRuns: 3 },
      );
    });
  }

  it("a gzip bomb is measured after inflating: 413, not a 4 MB string in memory", async () => {
    const op = withBody[0]!;
    const body = gzipSync(Buffer.from(JSON.stringify({ padding: "0".repeat(4 * BODY_LIMIT) })));
    expect(body.length).toBeLessThan(20_000);
    await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: { ...jsonHeaders, "content-encoding": "gzip" }, body }, 413);
  });

  // KNOWN BUG (src/app.ts, reported): body-parser 2 reads off the whole announced body before it answers 413, so
  // a client announcing 50 MB waits until it has uploaded 50 MB, and one that never sends waits for ever.
  // The app should answer 413 (and close) as soon as Content-Length exceeds the limit. Turn into it() once fixed.
  it("a Content-Length larger than the limit is answered at once, before the body arrives", async () => {
    const op = withBody[0]!;
    const answer = await send(url, { method: op.method, path: pathOf(op, facts), headers: { ...jsonHeaders, "content-length": 50 * BODY_LIMIT }, body: undefined, timeoutMs: 1_500 });
    expectErrorEnvelope(answer, { method: op.method, path: pathOf(op, facts) }, 413);
    expect(await stateText(url)).toBe(before);
  });
});

describe("encodings, charsets and content types", () => {
  /** A body the schema refuses: its first property holds an object, which no property of spec/ takes. */
  const hostileBody = (op: (typeof withBody)[number]) => {
    const body = { ...validBody(op, facts), [bodyProperties(op)[0]![0]]: { not: "valid" } };
    expect(validFor(resolve(op.body!.schema), body)).toBe(false);
    return JSON.stringify(body);
  };

  for (const op of withBody) {
    it(`${short(op)}: unsupported charsets are 415 UnsupportedMediaTypeException`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("latin1", "iso-8859-1", "windows-1252", "foo", "ebcdic", "x-user-defined", "utf8mb4", "unicode-1-1-utf-8"), async (charset) => {
          const req = { method: op.method, path: pathOf(op, facts), headers: { "content-type": `application/json; charset=${charset}` }, body: JSON.stringify(validBody(op, facts)) };
          const answer = await expectRefused(url, before, req, 415);
          expect((answer.json as { error: { code: string } }).error.code).toBe("UnsupportedMediaTypeException");
        }),
        { numRuns: 6 },
      );
    });

    it(`${short(op)}: broken or unknown Content-Encoding is a 4xx, never a 500`, async () => {
      const valid = Buffer.from(JSON.stringify(validBody(op, facts)));
      const cases: Array<[string, Buffer, number]> = [
        ["gzip", valid, 400],
        ["deflate", valid, 400],
        ["br", valid, 400],
        ["gzip", gzipSync(valid).subarray(0, 12), 400],
        ["deflate", deflateSync(valid).subarray(0, 5), 400],
        ["compress", valid, 415],
        ["x-made-up", valid, 415],
        ["gzip, gzip", gzipSync(gzipSync(valid)), 415],
      ];
      for (const [encoding, body, status] of cases) {
        await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: { ...jsonHeaders, "content-encoding": encoding }, body }, status);
      }
      // A well-formed gzip body is inflated and validated like any other.
      await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: { ...jsonHeaders, "content-encoding": "gzip" }, body: gzipSync(hostileBody(op)) }, 400);
    });

    it(`${short(op)}: invalid UTF-8 and UTF-16 bodies are refused like any broken body`, async () => {
      const bad = [
        Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('",')]),
        Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
        Buffer.from(hostileBody(op), "utf16le"),
      ];
      for (const body of bad) {
        await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body }, 400);
      }
      for (const charset of ["utf-16", "utf-16le", "utf-32"]) {
        await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: { "content-type": `application/json; charset=${charset}` }, body: hostileBody(op) }, [400, 415]);
      }
    });

    const required = requiredProperties(op);
    it(`${short(op)}: a body in another content type is not read ${required.length ? "(400: required fields missing)" : "(no change made)"}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json-patch+json", "application/vnd.api+json", "application/octet-stream", "json", "application/", "*/*", ";;;", "text/json"),
          async (contentType) => {
            const body = validBody(op, facts);
            const text = contentType.includes("urlencoded") ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
            const req = { method: op.method, path: pathOf(op, facts), headers: { "content-type": contentType }, body: text };
            if (required.length > 0) {
              await expectRefused(url, before, req, 400);
            } else if (!op.body!.required) {
              // A body of options only (declining, reassigning): read as none, the action itself still happens.
              expect((await send(url, req)).status).toBeLessThan(500);
              before = await stateText(url);
            } else {
              // All-optional bodies (PATCH): Cal.com reads an unparsed body as {} and answers the unchanged record.
              const answer = await send(url, req);
              expect([200, 400, 415]).toContain(answer.status);
              const after = await stateText(url);
              if (after !== before) expect.fail(`${contentType} body changed the state: ${stateDiff(before, after)}`);
            }
          },
        ),
        { numRuns: 8 },
      );
    });
  }
});

describe("unknown body fields are stripped silently, as Cal.com's whitelisting pipe does", () => {
  // Fields of stored rows and of JavaScript objects: sent with sentinel values, they must never reach the state.
  const SENTINELS: Record<string, unknown> = {
    ["__proto__"]: { polluted: "yes" },
    constructor: { prototype: { polluted: "yes" } },
    prototype: { polluted: "yes" },
    toString: "evil",
    hasOwnProperty: "evil",
    id: "evil-id",
    teamId: 999_999_999,
    memberId: 999_999_999,
    userId: 999_999_999,
    orgId: 999_999_999,
    attributeId: "evil-attribute",
    attributeOptionId: "evil-option",
    usersCanEditRelation: true,
    enabled: "evil",
    isGroup: true,
    contains: ["evil"],
    weight: -999,
    seq: 1,
    journalSeq: 1,
    meta: { seed: 1 },
  };
  const ROW_FIELDS = new Set(Object.keys(SENTINELS));

  const unknownFields = (op: (typeof withBody)[number]) => {
    const known = new Set(bodyProperties(op).map(([k]) => k));
    const names = Object.keys(SENTINELS).filter((k) => !known.has(k));
    return fc
      .tuple(
        fc.subarray(names, { minLength: 1 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && !ROW_FIELDS.has(k)), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
      )
      .map(([dangerous, random]) => [...dangerous.map((k) => [k, SENTINELS[k]] as [string, unknown]), ...Object.entries(random)]);
  };

  /** A user outside the organization: upserting its membership again and again changes no one else's. */
  const outsiderId = (): number => {
    const state = stateOf(before);
    return state.users.find((u) => !state.profiles.some((p) => p.userId === u.id))!.id;
  };
  /** A user with a profile and without a key, not yet in the team. */
  const newcomer = (teamId: number): number => {
    const state = stateOf(before);
    const keyed = new Set(state.apiKeys.map((k) => k.userId));
    const found = state.profiles.find((p) => !keyed.has(p.userId) && !state.memberships.some((m) => m.teamId === teamId && m.userId === p.userId));
    if (!found) throw new Error("no user left to add: teach test/hostile/bodies.test.ts");
    return found.userId;
  };

  /** A request that succeeds, with fresh slugs and values so each run writes something new. */
  const succeeding = (op: (typeof withBody)[number]): { path: string; body: Record<string, unknown> } => {
    const body = validBody(op, facts);
    switch (op.operationId) {
      case "OrganizationsAttributesController_createOrganizationAttribute":
        return { path: pathOf(op, facts), body: { ...body, type: "SINGLE_SELECT", options: [{ value: "One", slug: uniqueSlug(), extra: 1, id: "evil-id" }] } };
      case "OrganizationsAttributesOptionsController_assignOrganizationAttributeOptionToUser":
        return { path: pathOf(op, facts), body: { attributeId: facts.textAttributeId, value: uniqueSlug("value") } };
      case "OrganizationsAttributesOptionsController_updateOrganizationAttributeOptionForUser":
        return { path: pathOf(op, facts), body: { weight: 7 } };
      // Memberships: a user the write can take each run (the upsert must not demote the caller).
      case "OrganizationsMembershipsController_createMembership":
        return { path: pathOf(op, facts), body: { ...body, userId: outsiderId() } };
      case "OrganizationsTeamsMembershipsController_createOrgTeamMembership":
      case "TeamsMembershipsController_createTeamMembership":
        return { path: pathOf(op, facts), body: { ...body, userId: newcomer(facts.teamId) } };
      // Reservations: each run a slot of its own, since an overlapping one is refused (422).
      case "SlotsController_2024_09_04_reserveSlot":
      case "SlotsController_2024_09_04_updateReservedSlot":
        return { path: pathOf(op, facts), body: { eventTypeId: facts.eventTypeId, slotStart: uniqueNight() } };
      default:
        return { path: pathOf(op, facts), body };
    }
  };

  for (const op of withBody.filter((o) => !o.inputPipe)) {
    it(`${short(op)}: 2xx, and neither the answer nor the state holds an unknown field`, async () => {
      await fc.assert(
        fc.asyncProperty(unknownFields(op), async (extra) => {
          const { path, body } = succeeding(op);
          // `__proto__` must arrive as an own JSON key, as an attacker sends it: the text is built by hand.
          const text = `{${[...Object.entries(body), ...extra].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
          const answer = await send(url, { method: op.method, path, headers: jsonHeaders, body: text });
          // The success status the operation declares: Cal.com's @HttpCode(200) POSTs answer 200.
          expect(answer.status, answer.text.slice(0, 300)).toBe(Number([...op.responses.keys()].find((k) => k.startsWith("2"))));
          // The answer is one of spec/'s, with no field the client made up.
          checkContract(op.method, `${url}${path}`, answer.status, answer.json);
          const data = (answer.json as { data: Record<string, unknown> }).data;
          const stateJson = await stateText(url);
          const state = stateOf(stateJson);
          const rows = Object.values(state).filter(Array.isArray).flat() as Array<Record<string, unknown>>;
          // Rows kept inside others (a booking's attendees) count too; a reassignment answers its booking's uid.
          rows.push(...state.bookings.flatMap((b) => b.attendees as unknown as Array<Record<string, unknown>>));
          const written = rows.filter(
            (r) =>
              r.id === data.id ||
              r.attributeId === data.id ||
              (data.reservationUid !== undefined && r.uid === data.reservationUid) ||
              (data.bookingUid !== undefined && r.uid === data.bookingUid),
          );
          expect(written.length, `row ${String(data.id)} is in the state`).toBeGreaterThan(0);
          for (const row of [data, ...written]) {
            for (const [key, value] of extra) {
              if (ROW_FIELDS.has(key) && Object.prototype.hasOwnProperty.call(row, key)) expect(row[key], `field ${key}`).not.toEqual(value);
            }
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          expect(stateJson).not.toMatch(/"polluted"|evil/);
          before = stateJson;
        }),
        { numRuns: 8 },
      );
    });
  }
});

describe("unknown body fields are refused by Cal.com's own input pipes (the bookings'): forbidNonWhitelisted", () => {
  for (const op of withBody.filter((o) => o.inputPipe)) {
    it(`${short(op)}: 400 naming the first unknown field, nothing written`, async () => {
      const known = new Set(bodyProperties(op).map(([k]) => k));
      await fc.assert(
        fc.asyncProperty(
          // A "/" would be read as nesting by the diagnostics' field paths; "__proto__" is no own property once parsed.
          fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && !/[\s,/]/.test(k) && k !== "__proto__"),
          fc.jsonValue({ maxDepth: 2 }),
          async (name, value) => {
            const text = JSON.stringify({ ...validBody(op, facts), [name]: value });
            const answer = await expectRefused(url, before, { method: op.method, path: pathOf(op, facts), headers: jsonHeaders, body: text }, 400);
            expect((answer.json as { error: { message: string } }).error.message).toContain(`${name} property is wrong,property ${name} should not exist `);
          },
        ),
        { numRuns: 12 },
      );
    });
  }
});
