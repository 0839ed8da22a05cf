import { createRequire } from "node:module";
import type { Faker } from "@faker-js/faker";
import { badRequest } from "../errors.js";
import { slugify, uuid } from "./ids.js";
import type { AttributeType, Role, State } from "./schema.js";

let english: Faker | undefined;

/**
 * faker with its English data, loaded when a state is first seeded rather than with the server: a server starting
 * on a file it seeded before needs neither. The English locale alone: the package's main entry evaluates every
 * locale (~130 ms and ~16 MB of heap); this entry loads English and the base data only.
 */
export function englishFaker(): Faker {
  english ??= (createRequire(import.meta.url)("@faker-js/faker/locale/en") as { faker: Faker }).faker;
  return english;
}

/** A scenario recipe: what fixtures/*.json describe, and what the seeder turns into a state document. */
export interface ScenarioRecipe {
  name: string;
  description: string;
  organizations: OrganizationRecipe[];
  /** Users with no organization at all, for "not a member" cases. */
  outsiders?: number;
}

export interface OrganizationRecipe {
  name: string;
  slug: string;
  teams: string[];
  /** Accepted members, keyed users included. */
  members: number;
  /** Invited members who have not accepted yet. */
  pendingMembers?: number;
  keyedUsers?: Array<{ role: Role; username: string; apiKey: string }>;
  attributes?: AttributeRecipe[];
  /** Many generated attributes, for scale: `count` attributes of the select types with `options` options each. */
  generatedAttributes?: { count: number; options: number; perMember: [number, number]; coverage: number };
  /** How much of the scheduling core to seed (seed-scheduling.ts). */
  scheduling?: { bookingsPerMember?: number; maxHostsPerTeamEventType?: number };
}

export interface AttributeRecipe {
  name: string;
  slug: string;
  type: AttributeType;
  enabled?: boolean;
  /** Option values of a select attribute. */
  options?: string[];
  /** Values that TEXT and NUMBER attributes take; each distinct value assigned becomes an option, as in Cal.com. */
  values?: string[];
  /** How many options one member gets (multi select); 1 otherwise. */
  perMember?: [number, number];
  weighted?: boolean;
  /** The share of members that get a value. */
  coverage?: number;
}

/** Where the seeded clock starts: seeded rows are dated in the days after it. */
const SEEDED_EPOCH = Date.UTC(2025, 0, 6, 9, 0, 0);
const SIGNUP_EPOCH = Date.UTC(2024, 0, 1);

/**
 * Builds the state of a scenario from a seed. Everything random is drawn from one seeded Faker instance in a
 * fixed order, so the same recipe and seed give byte-identical state (and two servers share no generator).
 */
export function seedState(recipe: ScenarioRecipe, seed: number): State {
  // An instance of its own (the locale module's `faker` is shared), with that module's English and base data.
  const english = englishFaker();
  const faker = new (english.constructor as typeof Faker)({ locale: english.rawDefinitions });
  faker.seed(seed);
  const random = (n: number) => faker.number.int({ min: 0, max: n - 1 });
  const newUuid = () => uuid(random);
  // A seeded clock for the rows' stored times, so they too are the same for the same seed.
  let clock = SEEDED_EPOCH;
  const tick = () => new Date((clock += 1 + random(72 * 3_600_000))).toISOString();

  const state: State = {
    meta: { seed, scenario: recipe.name },
    organizations: [],
    teams: [],
    users: [],
    memberships: [],
    profiles: [],
    attributes: [],
    attributeOptions: [],
    attributeAssignments: [],
    apiKeys: [],
    assignmentHistory: [],
    schedules: [],
    eventTypes: [],
    bookings: [],
    selectedSlots: [],
  };
  let teamId = 0;
  let userId = 0;
  let membershipId = 0;
  let apiKeyNo = 0;
  const usernames = new Set<string>();

  const addUser = (domain: string, username?: string, organizationId?: number) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let handle = username ?? slugify(`${firstName}-${lastName}`);
    for (let n = 2; usernames.has(handle); n++) handle = `${slugify(`${firstName}-${lastName}`)}-${n}`;
    usernames.add(handle);
    const id = ++userId;
    // Sign-up dates an hour apart from a fixed day: derived from the id, so no draw from the generator (which
    // would shift every value drawn after it) and the same seed still gives the same bytes.
    const createdDate = new Date(SIGNUP_EPOCH + id * 3_600_000).toISOString();
    const user = {
      id,
      username: handle,
      name: `${firstName} ${lastName}`,
      email: `${handle}@${domain}`,
      ...(organizationId !== undefined && { organizationId }),
      createdDate,
    };
    state.users.push(user);
    // Every member of an organization has a profile there, under the username they have in it.
    if (organizationId !== undefined) state.profiles.push({ id: state.profiles.length + 1, userId: id, organizationId, username: handle });
    return user;
  };

  for (const org of recipe.organizations) {
    const orgId = ++teamId;
    state.organizations.push({ id: orgId, name: org.name, slug: org.slug, isOrganization: true });
    const teamIds = org.teams.map((name) => {
      const id = ++teamId;
      state.teams.push({ id, name, slug: slugify(name), parentId: orgId });
      return id;
    });
    const domain = `${org.slug}.example`;
    const keyed = org.keyedUsers ?? [];
    if (keyed.length > org.members + (org.pendingMembers ?? 0)) {
      // Each keyed user is one of the organization's people: more keys than people would silently lose keys.
      throw badRequest(`Scenario "${recipe.name}": organization ${org.slug} lists ${keyed.length} keyedUsers but has only ${org.members + (org.pendingMembers ?? 0)} members and pending members`);
    }
    const acceptedMemberIds: number[] = [];
    const keyedRoles = new Map<number, Role>();
    for (let i = 0; i < org.members + (org.pendingMembers ?? 0); i++) {
      const keyedUser = keyed[i];
      const user = addUser(domain, keyedUser?.username, orgId);
      const accepted = i < org.members;
      const role: Role = keyedUser?.role ?? "MEMBER";
      const membership = { id: ++membershipId, userId: user.id, teamId: orgId, role, accepted };
      state.memberships.push(membership);
      if (keyedUser) {
        keyedRoles.set(user.id, role);
        state.apiKeys.push({ id: `key_${++apiKeyNo}`, key: keyedUser.apiKey, userId: user.id, note: `${role} of ${org.name}` });
      }
      if (accepted) acceptedMemberIds.push(membership.id);
    }
    // Team memberships: everyone accepted is in one team, about a quarter in a second. A keyed user has their
    // organization role in their first team too, so the team routes have an owner and an admin to call them.
    const orgMembers = state.memberships.filter((m) => m.teamId === orgId && m.accepted);
    // (An organization without teams has no team memberships.)
    if (teamIds.length > 0) orgMembers.forEach((m, i) => {
      const first = teamIds[i % teamIds.length]!;
      state.memberships.push({ id: ++membershipId, userId: m.userId, teamId: first, role: keyedRoles.get(m.userId) ?? "MEMBER", accepted: true });
      if (teamIds.length > 1 && faker.number.float() < 0.25) {
        const second = teamIds[(i + 1 + random(teamIds.length - 1)) % teamIds.length]!;
        state.memberships.push({ id: ++membershipId, userId: m.userId, teamId: second, role: "MEMBER", accepted: true });
      }
    });

    const attributes: AttributeRecipe[] = [...(org.attributes ?? [])];
    const gen = org.generatedAttributes;
    for (let i = 0; gen && i < gen.count; i++) {
      const noun = faker.word.noun();
      attributes.push({
        name: `${noun[0]!.toUpperCase()}${noun.slice(1)} ${i + 1}`,
        slug: `${slugify(noun)}-${i + 1}`,
        type: i % 2 === 0 ? "SINGLE_SELECT" : "MULTI_SELECT",
        options: Array.from({ length: gen.options }, (_, j) => `${faker.word.adjective()} ${j + 1}`),
        perMember: i % 2 === 0 ? [1, 1] : gen.perMember,
        weighted: i % 2 === 1,
        coverage: gen.coverage,
      });
    }

    for (const recipeAttr of attributes) {
      const attributeId = newUuid();
      // The attribute's seeded assignments were made when it was set up: they share its time.
      const createdAt = tick();
      state.attributes.push({
        id: attributeId,
        teamId: orgId,
        type: recipeAttr.type,
        name: recipeAttr.name,
        slug: recipeAttr.slug,
        enabled: recipeAttr.enabled ?? true,
        usersCanEditRelation: false,
        createdAt,
        updatedAt: createdAt,
        isWeightsEnabled: recipeAttr.weighted ?? false,
        isLocked: false,
      });
      const isSelect = recipeAttr.type === "SINGLE_SELECT" || recipeAttr.type === "MULTI_SELECT";
      const optionIdByValue = new Map<string, string>();
      const optionFor = (value: string) => {
        let id = optionIdByValue.get(value);
        if (!id) {
          id = newUuid();
          optionIdByValue.set(value, id);
          state.attributeOptions.push({ id, attributeId, value, slug: slugify(value), isGroup: false, contains: [] });
        }
        return id;
      };
      if (isSelect) for (const value of recipeAttr.options ?? []) optionFor(value);
      const pool = isSelect ? (recipeAttr.options ?? []) : (recipeAttr.values ?? []);
      if (pool.length === 0) continue;
      const [min, max] = recipeAttr.type === "MULTI_SELECT" ? (recipeAttr.perMember ?? [1, 1]) : [1, 1];
      for (const memberId of acceptedMemberIds) {
        if (faker.number.float() >= (recipeAttr.coverage ?? 1)) continue;
        const count = Math.min(pool.length, faker.number.int({ min, max }));
        for (const value of faker.helpers.arrayElements(pool, count)) {
          state.attributeAssignments.push({
            id: newUuid(),
            memberId,
            attributeOptionId: optionFor(value),
            weight: recipeAttr.weighted ? faker.number.int({ min: 0, max: 100 }) : null,
            createdAt,
            // Seeded, not made through the API by anyone.
            createdById: null,
            createdByDSyncId: null,
            updatedAt: createdAt,
            updatedById: null,
            updatedByDSyncId: null,
          });
        }
      }
    }
  }
  for (let i = 0; i < (recipe.outsiders ?? 0); i++) addUser("outside.example");
  return state;
}
