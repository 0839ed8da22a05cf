import { randomUUID } from "node:crypto";
import type { AssignmentHistoryEntry, Attribute, AttributeAssignment, AttributeOption, HistoryChange, HistoryValue, User } from "../schema.js";

/** Who made a change through the API: the API key's user. */
export interface Actor {
  user: User;
}

export function historyValue(option: AttributeOption, assignment: Pick<AttributeAssignment, "weight">): HistoryValue {
  return { optionId: option.id, optionSlug: option.slug, value: option.value, weight: assignment.weight };
}

export function historyChange(
  type: HistoryChange["type"],
  attribute: Attribute,
  previous: HistoryValue | null,
  current: HistoryValue | null,
): HistoryChange {
  return { type, attribute: { id: attribute.id, slug: attribute.slug, name: attribute.name, type: attribute.type }, previous, current };
}

export function historyEntry(memberId: number, actor: Actor, operation: string, changes: HistoryChange[]): AssignmentHistoryEntry {
  return {
    id: randomUUID(),
    memberId,
    timestamp: new Date().toISOString(),
    source: "API_V2",
    actor: { type: "USER", displayName: actor.user.name, displayEmail: actor.user.email, displayAvatar: null },
    sourceContext: { operation, actorUserId: actor.user.id },
    changes,
  };
}
