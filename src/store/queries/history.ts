import { uuid } from "../ids.js";
import type { AssignmentHistoryEntry, Attribute, AttributeAssignment, AttributeOption, HistoryChange, HistoryValue, User } from "../schema.js";

/** Who made a change through the API: the API key's user. */
export interface Actor {
  user: User;
}

export function historyValue(option: AttributeOption, assignment: Pick<AttributeAssignment, "weight">): HistoryValue {
  return { optionId: option.id, optionSlug: option.slug, value: option.value, weight: assignment.weight };
}

/*
 * History is kept for every write, so its entries are the store's largest share after many writes. Rows are
 * never changed in place, so entries share one object per attribute version, per actor and per operation
 * instead of each holding copies (weak maps: an attribute or user replaced by an update is let go).
 */
const attributeSummaries = new WeakMap<Attribute, HistoryChange["attribute"]>();
const actors = new WeakMap<User, AssignmentHistoryEntry["actor"]>();
const contexts = new WeakMap<User, Map<string, AssignmentHistoryEntry["sourceContext"]>>();

function shared<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export function historyChange(
  type: HistoryChange["type"],
  attribute: Attribute,
  previous: HistoryValue | null,
  current: HistoryValue | null,
): HistoryChange {
  const summary = shared(attributeSummaries, attribute, () => ({ id: attribute.id, slug: attribute.slug, name: attribute.name, type: attribute.type }));
  return { type, attribute: summary, previous, current };
}

export function historyEntry(memberId: number, actor: Actor, operation: string, changes: HistoryChange[]): AssignmentHistoryEntry {
  const { user } = actor;
  const byOperation = shared(contexts, user, () => new Map<string, AssignmentHistoryEntry["sourceContext"]>());
  let sourceContext = byOperation.get(operation);
  if (!sourceContext) {
    sourceContext = { operation, actorUserId: user.id };
    byOperation.set(operation, sourceContext);
  }
  return {
    id: uuid(),
    memberId,
    timestamp: new Date().toISOString(),
    source: "API_V2",
    actor: shared(actors, user, () => ({ type: "USER", displayName: user.name ?? user.email, displayEmail: user.email, displayAvatar: null })),
    sourceContext,
    changes,
  };
}
