/**
 * Lifecycles as explicit transitions: from a status, the statuses it may move to. A status with
 * no entry is terminal. The initial status is the one a new feature gets.
 */
export interface Lifecycle {
  initial: string
  transitions: Readonly<Record<string, readonly string[]>>
  /** The timestamp column set when a feature reaches this status. */
  stamps: Readonly<Record<string, string>>
}

export const LIFECYCLES = {
  // 风险隐患: reported → verified → rectifying → eliminated ("见底清零"), or rejected on the way.
  hazard: {
    initial: 'reported',
    transitions: { reported: ['verified', 'rejected'], verified: ['rectifying', 'rejected'], rectifying: ['eliminated'] },
    stamps: { eliminated: 'eliminated_at' },
  },
  // 矛盾纠纷: reported → mediating → resolved, or escalated (to court/信访) and back to mediation.
  dispute: {
    initial: 'reported',
    transitions: { reported: ['mediating', 'escalated'], mediating: ['resolved', 'escalated'], escalated: ['mediating'] },
    stamps: { resolved: 'resolved_at' },
  },
} as const satisfies Record<string, Lifecycle>

export type LifecycleId = keyof typeof LIFECYCLES

export function allowedTransitions(lifecycle: LifecycleId, from: string): readonly string[] {
  return (LIFECYCLES[lifecycle].transitions as Record<string, readonly string[]>)[from] ?? []
}
