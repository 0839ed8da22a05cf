import { isoNow } from "../clock.js";
import { uuid } from "../ids.js";
import { bucket } from "../store.js";
import type { AssignmentHistoryEntry, Attribute, AttributeAssignment, AttributeOption, HistoryChange, HistoryValue, User } from "../schema.js";

/** Who made a change through the API: the API key's user. */
export interface Actor {
  user: User;
}

/*
 * History is kept for every write, so its entries are the store's largest share after many writes. Rows are
 * never changed in place, so entries share one object per attribute version, per actor and per operation
 * instead of each holding copies (weak maps: an attribute or user replaced by an update is let go). The same
 * goes for what an assignment or an unassignment records: its option's value at a weight, and the one-change
 * list built on it, are shared by every entry that records the same thing (nothing changes a stored entry's
 * `changes`; an update puts a new entry).
 */
const attributeSummaries = new WeakMap<Attribute, HistoryChange["attribute"]>();
const actors = new WeakMap<User, AssignmentHistoryEntry["actor"]>();
const contexts = new WeakMap<User, Map<string, AssignmentHistoryEntry["sourceContext"]>>();
const values = new WeakMap<AttributeOption, Map<number | null, HistoryValue>>();
/** value → (attribute summary → (type → the one-change list)), for changes with one side null. */
const oneSided = new WeakMap<HistoryValue, Map<HistoryChange["attribute"], Map<HistoryChange["type"], HistoryChange[]>>>();

export function historyValue(option: AttributeOption, assignment: Pick<AttributeAssignment, "weight">): HistoryValue {
  const byWeight = bucket(values, option, () => new Map<number | null, HistoryValue>());
  return bucket(byWeight, assignment.weight, () => ({ optionId: option.id, optionSlug: option.slug, value: option.value, weight: assignment.weight }));
}

/** The `changes` of an entry recording one change; shared (so never to be changed) when one side is null. */
export function historyChanges(
  type: HistoryChange["type"],
  attribute: Attribute,
  previous: HistoryValue | null,
  current: HistoryValue | null,
): HistoryChange[] {
  const summary = bucket(attributeSummaries, attribute, () => ({ id: attribute.id, slug: attribute.slug, name: attribute.name, type: attribute.type }));
  const side = previous === null ? current : current === null ? previous : null;
  if (side === null) return [{ type, attribute: summary, previous, current }];
  const byType = bucket(bucket(oneSided, side, () => new Map()), summary, () => new Map<HistoryChange["type"], HistoryChange[]>());
  return bucket(byType, type, () => [{ type, attribute: summary, previous, current }]);
}

export function historyEntry(memberId: number, actor: Actor, operation: string, changes: HistoryChange[]): AssignmentHistoryEntry {
  const { user } = actor;
  const byOperation = bucket(contexts, user, () => new Map<string, AssignmentHistoryEntry["sourceContext"]>());
  const sourceContext = bucket(byOperation, operation, () => ({ operation, actorUserId: user.id }));
  return {
    id: uuid(),
    memberId,
    timestamp: isoNow(),
    source: "API_V2",
    actor: bucket(actors, user, () => ({ type: "USER", displayName: user.name ?? user.email, displayEmail: user.email, displayAvatar: null })),
    sourceContext,
    changes,
  };
}
