import { Ajv } from "ajv";
import { addContractFormats } from "../formats.js";
import { COMPONENTS_ID, toJsonSchema } from "../json-schema.js";
import { isObject, jsonType, operations, resolveParameter, walkDocument, walkSchema, type Json, type JsonObject } from "./walk.js";

/**
 * One change the derivation makes to the published document: written once, here, and listed in the derivation
 * report with every place it touched. `apply` mutates the document and returns those places.
 */
export interface Step {
  id: string;
  kind: "repair" | "addition";
  /** One line for the report: what is wrong or missing in the published document, and what the contract says. */
  why: string;
  apply(doc: JsonObject): string[];
}

const schemas = (doc: JsonObject) => ((doc.components as JsonObject).schemas ?? {}) as JsonObject;

function resolves(doc: JsonObject, ref: string): boolean {
  if (!ref.startsWith("#/")) return false;
  let node: Json | undefined = doc;
  for (const part of ref.slice(2).split("/")) node = isObject(node) ? node[part] : undefined;
  return node !== undefined;
}

const TEMPLATE_PARAM = /\{([^}]+)\}/g;

/** Cal.com's names for these time patterns are constants in its code; the published document shows the name. */
const NAMED_PATTERNS: Record<string, string> = { TIME_FORMAT_HH_MM: "^([01]\\d|2[0-3]):[0-5]\\d$" };

/**
 * Properties NestJS typed `type: object` that carry neither example nor default to tell their type: the type of the
 * class-validator property behind each (Cal.com's DTOs), by schema and property.
 */
const OBJECT_TYPED_FIELDS: Record<string, Record<string, JsonObject>> = {
  // `@IsBoolean() required` in the email booking field's input, and the same field as the output sends it.
  EmailDefaultFieldInput_2024_06_14: { required: { type: "boolean" } },
  EmailDefaultFieldOutput_2024_06_14: { required: { type: "boolean" } },
  // `@IsUrl() @IsOptional() redirectUrlOnExit?: string | null`.
  CalVideoSettings: { redirectUrlOnExit: { type: "string", nullable: true } },
};

/**
 * Formats Cal.com's document uses that neither OpenAPI nor JSON Schema defines, as the pattern Cal.com's values
 * follow: phone numbers are stored in E.164 (`+` and up to 15 digits), as the documents' own examples are.
 */
const UNKNOWN_FORMATS: Record<string, string> = { phone: "^\\+[1-9]\\d{1,14}$" };

/**
 * The `routing` of a booking request: Cal.com validates it with the create-booking input's own (non-exported)
 * `Routing` class, while the document names the routing-form response's output class of the same name, which
 * lacks the required `responseId` and has `queuedResponseId`.
 */
const BOOKING_ROUTING = "BookingRoutingInput_2024_08_13";
const BOOKING_ROUTING_SCHEMA: JsonObject = {
  type: "object",
  properties: {
    responseId: { type: "integer", example: 123 },
    teamMemberIds: { type: "array", items: { type: "integer" }, example: [101, 102] },
    teamMemberEmail: { type: "string", example: "john.doe@example.com" },
    skipContactOwner: { type: "boolean", example: true },
    crmAppSlug: { type: "string", example: "salesforce" },
    crmOwnerRecordType: { type: "string", example: "Account" },
  },
  required: ["responseId", "teamMemberIds"],
};
const BOOKING_INPUTS = ["CreateBookingInput_2024_08_13", "CreateInstantBookingInput_2024_08_13", "CreateRecurringBookingInput_2024_08_13"];

/** Where the API key, the OAuth client secret and the client id travel, as OpenAPI security schemes. */
const SECURITY_SCHEMES: JsonObject = {
  ApiKey: { type: "http", scheme: "bearer", bearerFormat: "cal_<test|live>_<key>" },
  ClientSecret: { type: "apiKey", in: "header", name: "x-cal-secret-key" },
  ClientId: { type: "apiKey", in: "header", name: "x-cal-client-id" },
};
const AUTH_HEADERS = new Set(["authorization", "x-cal-secret-key", "x-cal-client-id"]);

export const REPAIRS: Step[] = [
  {
    id: "dangling-refs",
    kind: "repair",
    why: "`$ref`s to schemas the document does not define make strict loaders refuse it: such a `oneOf`/`anyOf` branch is dropped (or the schema left open when it was the only one).",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        for (const key of ["oneOf", "anyOf"] as const) {
          const list = schema[key];
          if (!Array.isArray(list)) continue;
          const kept = list.filter((branch) => !(isObject(branch) && typeof branch.$ref === "string" && !resolves(doc, branch.$ref)));
          if (kept.length === list.length) continue;
          sites.push(`${where}/${key}: ${list.filter((b) => !kept.includes(b)).map((b) => (b as JsonObject).$ref).join(", ")}`);
          if (kept.length > 0) schema[key] = kept;
          else delete schema[key];
        }
        if (typeof schema.$ref === "string" && !resolves(doc, schema.$ref)) {
          sites.push(`${where}: ${schema.$ref}`);
          delete schema.$ref;
        }
      });
      return sites;
    },
  },
  {
    id: "self-references",
    kind: "repair",
    why: "A schema that contains a reference to itself cannot be compiled by Prism's validator (which then silently skips validation): the inner reference becomes an open object.",
    apply(doc) {
      const sites: string[] = [];
      for (const [name, root] of Object.entries(schemas(doc))) {
        walkSchema(root, `#/components/schemas/${name}`, (schema, where) => {
          if (schema.$ref === `#/components/schemas/${name}`) {
            delete schema.$ref;
            schema.type = "object";
            sites.push(where);
          }
        });
      }
      return sites;
    },
  },
  {
    id: "object-typed-primitives",
    kind: "repair",
    why: "NestJS wrote `type: object` for properties whose example or default is a boolean, string or number: the type becomes the example's.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        if (schema.type !== "object" || schema.properties !== undefined) return;
        const sample = schema.example !== undefined ? schema.example : schema.default;
        if (sample === undefined || sample === null || typeof sample === "object") return;
        schema.type = typeof sample === "number" ? jsonType(sample) : typeof sample;
        sites.push(`${where}: ${schema.type}`);
      });
      return sites;
    },
  },
  {
    id: "object-typed-fields",
    kind: "repair",
    why: "A few properties typed `type: object` have no example or default to tell their type (an email booking field's `required`, Cal Video's `redirectUrlOnExit`): the type of Cal.com's DTO property replaces it.",
    apply(doc) {
      const sites: string[] = [];
      for (const [name, fields] of Object.entries(OBJECT_TYPED_FIELDS)) {
        const properties = schemas(doc)[name];
        if (!isObject(properties) || !isObject(properties.properties)) continue;
        for (const [field, typed] of Object.entries(fields)) {
          const property = properties.properties[field];
          if (!isObject(property) || property.type !== "object" || property.properties !== undefined) continue;
          Object.assign(property, typed);
          sites.push(`#/components/schemas/${name}/properties/${field}: ${String(typed.type)}${typed.nullable === true ? "|null" : ""}`);
        }
      }
      return sites;
    },
  },
  {
    id: "booking-routing-input",
    kind: "repair",
    why: `A booking request's \`routing\` names the routing-form response's output class \`Routing\` (no required \`responseId\`, an extra \`queuedResponseId\`), not the create-booking input's class of that name that Cal.com validates with: it refers to \`${BOOKING_ROUTING}\`, that input class.`,
    apply(doc) {
      const sites: string[] = [];
      const all = schemas(doc);
      const wrong = "#/components/schemas/Routing";
      for (const name of BOOKING_INPUTS) {
        const routing = isObject(all[name]) && isObject(all[name].properties) ? all[name].properties.routing : undefined;
        if (!isObject(routing)) continue;
        walkSchema(routing, `#/components/schemas/${name}/properties/routing`, (schema, where) => {
          if (schema.$ref !== wrong) return;
          schema.$ref = `#/components/schemas/${BOOKING_ROUTING}`;
          sites.push(where);
        });
      }
      if (sites.length && all[BOOKING_ROUTING] === undefined) all[BOOKING_ROUTING] = structuredClone(BOOKING_ROUTING_SCHEMA);
      return sites;
    },
  },
  {
    id: "unknown-formats",
    kind: "repair",
    why: "`format: phone` is neither OpenAPI's nor JSON Schema's, so validators either refuse the schema or ignore it: it becomes the E.164 pattern Cal.com's phone numbers follow.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        const pattern = typeof schema.format === "string" ? UNKNOWN_FORMATS[schema.format] : undefined;
        if (!pattern) return;
        sites.push(`${where}: ${String(schema.format)}`);
        delete schema.format;
        schema.pattern ??= pattern;
      });
      return sites;
    },
  },
  {
    id: "array-level-enums",
    kind: "repair",
    why: "An `enum` of single values put on an array schema can never match: it moves to the array's items.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        if (schema.type !== "array" || !Array.isArray(schema.enum) || schema.enum.some(Array.isArray)) return;
        schema.items = { ...(isObject(schema.items) ? schema.items : {}), enum: schema.enum };
        delete schema.enum;
        sites.push(where);
      });
      return sites;
    },
  },
  {
    id: "pattern-names",
    kind: "repair",
    why: "Some `pattern`s are the name of a constant in Cal.com's code rather than a regular expression: the expression it names replaces it.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        const named = typeof schema.pattern === "string" ? NAMED_PATTERNS[schema.pattern] : undefined;
        if (!named) return;
        sites.push(`${where}: ${String(schema.pattern)}`);
        schema.pattern = named;
      });
      return sites;
    },
  },
  {
    id: "pattern-literals",
    kind: "repair",
    why: "Some `pattern`s are JavaScript regex literals with their slashes (`/^\\+…$/`), which no string matches: the slashes go.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        const p = schema.pattern;
        if (typeof p !== "string" || !/^\/.+\/[a-z]*$/.test(p)) return;
        schema.pattern = p.slice(1, p.lastIndexOf("/"));
        sites.push(where);
      });
      return sites;
    },
  },
  {
    id: "path-parameters",
    kind: "repair",
    why: "Path parameters must match the path template: one declared but absent from the template is dropped, one in the template but undeclared is added, required, typed as other operations type that name (else a string).",
    apply(doc) {
      const sites: string[] = [];
      const declared = new Map<string, Json>();
      for (const { op } of operations(doc)) {
        for (const p of ((op.parameters ?? []) as Json[]).map((q) => resolveParameter(doc, q))) {
          if (p.in === "path" && !declared.has(String(p.name)) && isObject(p.schema)) declared.set(String(p.name), p.schema);
        }
      }
      for (const { path, op, label } of operations(doc)) {
        const inTemplate = [...path.matchAll(TEMPLATE_PARAM)].map((m) => m[1]!);
        const params = (op.parameters ?? []) as JsonObject[];
        const kept = params.filter((p) => resolveParameter(doc, p).in !== "path" || inTemplate.includes(String(resolveParameter(doc, p).name)));
        for (const p of params) if (!kept.includes(p)) sites.push(`${label}: dropped ${String(p.name)}`);
        for (const name of inTemplate) {
          if (kept.some((p) => resolveParameter(doc, p).in === "path" && resolveParameter(doc, p).name === name)) continue;
          kept.push({ name, in: "path", required: true, schema: structuredClone(declared.get(name) ?? { type: "string" }) });
          sites.push(`${label}: added ${name}`);
        }
        op.parameters = kept;
      }
      return sites;
    },
  },
  {
    id: "integer-path-ids",
    kind: "repair",
    why: "Numeric path parameters are parsed by Cal.com with ParseIntPipe, which refuses `1.5`: `type: number` becomes `integer`, and so does a parameter typed as a string in one operation but as a number in others (`orgId`, `teamId`).",
    apply(doc) {
      const sites: string[] = [];
      const numericNames = new Set<string>();
      for (const { op } of operations(doc)) {
        for (const p of ((op.parameters ?? []) as Json[]).map((q) => resolveParameter(doc, q))) {
          if (p.in === "path" && isObject(p.schema) && (p.schema.type === "number" || p.schema.type === "integer")) numericNames.add(String(p.name));
        }
      }
      for (const { op, label } of operations(doc)) {
        for (const p of (op.parameters ?? []) as JsonObject[]) {
          if (p.in !== "path" || !isObject(p.schema) || !numericNames.has(String(p.name))) continue;
          if (p.schema.type === "integer" || p.schema.enum !== undefined) continue;
          sites.push(`${label} ${String(p.name)}: ${String(p.schema.type)}`);
          p.schema.type = "integer";
        }
      }
      return sites;
    },
  },
  {
    id: "integer-ids",
    kind: "repair",
    why: "Ids (`id` and `…Id` properties) are typed `number`, though Cal.com's are positive integers from its database: they become integers of at least 1, so generated bodies hold ids like Cal.com's rather than `-7546.8`.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        if (!isObject(schema.properties)) return;
        for (const [name, property] of Object.entries(schema.properties)) {
          if (!isObject(property) || property.type !== "number" || !(name === "id" || /[a-z]Id$/.test(name))) continue;
          property.type = "integer";
          property.minimum ??= 1;
          sites.push(`${where}/properties/${name}`);
        }
      });
      return sites;
    },
  },
  {
    id: "comma-separated-lists",
    kind: "repair",
    why: "Cal.com reads array query parameters as one comma-separated value and refuses the repeated form: they get `style: form, explode: false`, so generated clients send `teamIds=2,3` (a parameter that already says how it is sent, such as the org users list's repeated `emails` in an overlay, is left as it says).",
    apply(doc) {
      const sites: string[] = [];
      for (const { op, label } of operations(doc)) {
        for (const p of (op.parameters ?? []) as JsonObject[]) {
          if (p.in !== "query" || !isObject(p.schema) || p.schema.type !== "array" || p.explode !== undefined) continue;
          p.style = "form";
          p.explode = false;
          sites.push(`${label} ${String(p.name)}`);
        }
      }
      return sites;
    },
  },
  {
    id: "discriminator-mappings",
    kind: "repair",
    why: "A `discriminator` without a `mapping` means, by OpenAPI's rule, that the discriminating property holds the branch's schema name (`CalendarEventVideoLocation`), while each branch's own enum says `video`: the mapping from those enum values to the branches is added, so generated clients accept what Cal.com sends.",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        const discriminator = schema.discriminator;
        if (!isObject(discriminator) || typeof discriminator.propertyName !== "string" || discriminator.mapping !== undefined) return;
        const branches = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
        if (!Array.isArray(branches)) return;
        const mapping: JsonObject = {};
        for (const branch of branches) {
          const ref = isObject(branch) ? branch.$ref : undefined;
          const target = typeof ref === "string" ? schemas(doc)[ref.split("/").pop()!] : undefined;
          const property = isObject(target) && isObject(target.properties) ? target.properties[discriminator.propertyName] : undefined;
          const values = isObject(property) && Array.isArray(property.enum) ? property.enum : [];
          if (values.length !== 1 || typeof values[0] !== "string") return;
          mapping[values[0]] = ref!;
        }
        discriminator.mapping = mapping;
        sites.push(`${where}: ${Object.keys(mapping).join(", ")}`);
      });
      return sites;
    },
  },
  {
    id: "one-of-to-any-of",
    kind: "repair",
    why: "NestJS emits `oneOf` without a discriminator over branches that overlap, so valid values match two branches and fail: they become `anyOf` (TypeScript unions are not exclusive either).",
    apply(doc) {
      const sites: string[] = [];
      walkDocument(doc, (schema, where) => {
        if (!Array.isArray(schema.oneOf) || schema.discriminator !== undefined) return;
        schema.anyOf = schema.oneOf;
        delete schema.oneOf;
        sites.push(where);
      });
      return sites;
    },
  },
  {
    id: "envelope-examples",
    kind: "repair",
    why: "Some success schemas describe only `data` while their example is the whole `{status, data}` answer Cal.com sends: the schema is wrapped in that envelope.",
    apply(doc) {
      const sites: string[] = [];
      const isEnvelope = (v: Json | undefined) => isObject(v) && "status" in v && "data" in v && Object.keys(v).length === 2;
      const wrap = (branch: JsonObject): JsonObject => {
        const { example, ...data } = branch;
        return {
          type: "object",
          properties: { status: { type: "string", enum: ["success"] }, data },
          required: ["status", "data"],
          ...(example !== undefined && { example }),
        };
      };
      for (const { op, label } of operations(doc)) {
        for (const [code, response] of Object.entries((op.responses ?? {}) as JsonObject)) {
          const media = isObject(response) && isObject(response.content) ? response.content["application/json"] : undefined;
          if (!code.startsWith("2") || !isObject(media) || !isObject(media.schema)) continue;
          const schema = media.schema;
          for (const key of ["oneOf", "anyOf"] as const) {
            const branches = schema[key];
            if (!Array.isArray(branches) || !branches.every((b) => isObject(b) && isEnvelope(b.example) && !isObject(b.properties))) continue;
            schema[key] = branches.map((b) => wrap(b as JsonObject));
            sites.push(`${label} ${code}`);
          }
          if (isEnvelope(schema.example) && !isObject(schema.properties)) {
            media.schema = wrap(schema);
            sites.push(`${label} ${code}`);
          }
        }
      }
      return sites;
    },
  },
  {
    id: "success-status",
    kind: "repair",
    why: "Success bodies declare `status` as `success` or `error`; Cal.com's 2xx answers always say `success`, so the enum is narrowed.",
    apply(doc) {
      const sites: string[] = [];
      const seen = new Set<JsonObject>();
      for (const { op } of operations(doc)) {
        for (const [code, response] of Object.entries((op.responses ?? {}) as JsonObject)) {
          if (!code.startsWith("2") || !isObject(response)) continue;
          let schema = ((response.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined)?.schema;
          let where = "inline";
          if (isObject(schema) && typeof schema.$ref === "string") {
            where = schema.$ref;
            schema = schemas(doc)[schema.$ref.split("/").pop()!];
          }
          const status = isObject(schema) && isObject(schema.properties) ? schema.properties.status : undefined;
          if (!isObject(status) || seen.has(status) || !Array.isArray(status.enum) || status.enum.length < 2) continue;
          seen.add(status);
          status.enum = ["success"];
          if (status.example !== undefined) status.example = "success";
          sites.push(where);
        }
      }
      return sites;
    },
  },
  {
    id: "api-version-values",
    kind: "repair",
    why: "`cal-api-version` is a free string with a default; Cal.com routes only the version it names (others reach an older controller or 404): the accepted value becomes its `enum`.",
    apply(doc) {
      const sites: string[] = [];
      for (const { op, label } of operations(doc)) {
        for (const p of (op.parameters ?? []) as JsonObject[]) {
          if (p.in !== "header" || p.name !== "cal-api-version" || !isObject(p.schema) || typeof p.schema.default !== "string") continue;
          p.schema.enum = [p.schema.default];
          sites.push(`${label}: ${p.schema.default}`);
        }
      }
      return sites;
    },
  },
  {
    id: "security",
    kind: "repair",
    why: "Credentials are declared as ordinary header parameters and there are no security schemes: `Authorization`, `x-cal-secret-key` and `x-cal-client-id` become the schemes ApiKey, ClientSecret and ClientId, required as Cal.com's guards require them (an optional key alone is optional; every route under /v2/organizations/{orgId} needs a key, as Cal.com's organization guards do, even where the document declares none).",
    apply(doc) {
      const components = doc.components as JsonObject;
      components.securitySchemes = { ...SECURITY_SCHEMES, ...((components.securitySchemes ?? {}) as JsonObject) };
      const sites: string[] = [];
      for (const { path, op, label } of operations(doc)) {
        const params = (op.parameters ?? []) as JsonObject[];
        const auth = new Map(params.filter((p) => p.in === "header" && AUTH_HEADERS.has(String(p.name).toLowerCase())).map((p) => [String(p.name).toLowerCase(), p]));
        op.parameters = params.filter((p) => !(p.in === "header" && AUTH_HEADERS.has(String(p.name).toLowerCase())));
        // An operation that says nothing of credentials keeps the document's own security, if it has one.
        if (op.security !== undefined || (auth.size === 0 && doc.security !== undefined)) continue;
        const key = auth.get("authorization");
        const secret = auth.get("x-cal-secret-key");
        let security: Json[];
        if (key && (key.required || secret)) security = [{ ApiKey: [] }, ...(secret ? [{ ClientId: [], ClientSecret: [] }] : [])];
        else if (key) security = [{ ApiKey: [] }, {}];
        else if (secret?.required) security = [{ ClientSecret: [] }];
        else if (path.startsWith("/v2/organizations/{orgId}")) security = [{ ApiKey: [] }];
        else security = [];
        op.security = security;
        const alternatives = security.map((s) => Object.keys(s as JsonObject).join("+") || "anonymous");
        sites.push(`${label}: ${alternatives.length ? alternatives.join(" or ") : "public"}`);
      }
      return sites;
    },
  },
];

/** The error response every operation can give, by status, with the component response that describes it. */
const ERROR_RESPONSES: Array<{ status: string; response: string; when: (op: JsonObject, path: string) => boolean }> = [
  { status: "400", response: "BadRequest", when: () => true },
  { status: "401", response: "Unauthorized", when: (op) => Array.isArray(op.security) && op.security.length > 0 },
  { status: "403", response: "Forbidden", when: (_op, path) => path.startsWith("/v2/organizations/{orgId}") },
  { status: "404", response: "NotFound", when: () => true },
  { status: "413", response: "PayloadTooLarge", when: (op) => op.requestBody !== undefined },
  { status: "default", response: "Error", when: () => true },
];

export const ADDITIONS: Step[] = [
  {
    id: "error-responses",
    kind: "addition",
    why: "The published document declares no error responses: every operation gets Cal.com's error envelope for 400, 404 and any other status, 401 where it needs credentials, 403 under /v2/organizations/{orgId}, 413 where it takes a body.",
    apply(doc) {
      const sites: string[] = [];
      for (const { path, op, label } of operations(doc)) {
        const responses = op.responses as JsonObject;
        const added = ERROR_RESPONSES.filter((e) => responses[e.status] === undefined && e.when(op, path));
        for (const e of added) responses[e.status] = { $ref: `#/components/responses/${e.response}` };
        if (added.length) sites.push(`${label}: ${added.map((e) => e.status).join(", ")}`);
      }
      return sites;
    },
  },
  {
    id: "tags",
    kind: "addition",
    why: "The document's tag list is empty: it lists the operations' tags, in order of first use (the docs sidebar's order).",
    apply(doc) {
      const names: string[] = [];
      for (const { op } of operations(doc)) for (const t of (op.tags ?? []) as string[]) if (!names.includes(t)) names.push(t);
      doc.tags = names.map((name) => ({ name }));
      return [`${names.length} tags`];
    },
  },
];

/** Examples and defaults checked against their own (repaired) schema, with an OpenAPI-aware ajv. */
export const EXAMPLE_CHECK: Step = {
  id: "invalid-examples",
  kind: "repair",
  why: "Examples and defaults that do not match their own schema (after the repairs above) would make the mock answer bodies that fail the contract: they are removed.",
  apply(doc) {
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addContractFormats(ajv);
    ajv.addSchema({ $id: COMPONENTS_ID, definitions: toJsonSchema(schemas(doc)) as object });
    const sites: string[] = [];
    walkDocument(doc, (schema, where) => {
      if (schema.$ref !== undefined) return;
      for (const key of ["example", "default"] as const) {
        if (schema[key] === undefined) continue;
        const { example: _e, default: _d, ...rest } = schema;
        const validate = ajv.compile(toJsonSchema(rest) as object);
        if (validate(schema[key])) continue;
        sites.push(`${where} ${key}`);
        delete schema[key];
      }
    });
    return sites;
  },
};

/** Keys of prose: the contract keeps interface facts only. */
const PROSE = new Set(["description", "externalDocs", "contact", "termsOfService"]);

/** Removes prose everywhere except as names in a `properties` map (an event type has a `description` field). */
function stripProse(node: Json, inPropertiesMap = false): number {
  let removed = 0;
  if (Array.isArray(node)) {
    for (const item of node) removed += stripProse(item);
    return removed;
  }
  if (!isObject(node)) return 0;
  for (const key of Object.keys(node)) {
    if (!inPropertiesMap && PROSE.has(key)) {
      delete node[key];
      removed++;
    } else {
      removed += stripProse(node[key]!, !inPropertiesMap && key === "properties");
    }
  }
  return removed;
}

export const PROSE_STEP: Step = {
  id: "prose",
  kind: "repair",
  why: "Descriptions are prose, not interface: removed (a response's required description is kept empty).",
  apply(doc) {
    const count = stripProse(doc);
    // Response objects (inline or components) need `description`: the empty string, as the published document has.
    for (const { op } of operations(doc)) {
      for (const r of Object.values((op.responses ?? {}) as JsonObject)) if (isObject(r) && r.$ref === undefined) r.description = "";
    }
    for (const r of Object.values((((doc.components as JsonObject).responses ?? {}) as JsonObject))) if (isObject(r)) r.description = "";
    return [`${count} descriptions and other prose removed`];
  },
};
