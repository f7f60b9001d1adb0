/**
 * Draws a run's later scenarios while the event loop is otherwise idle (between engine replies), so a
 * validation look finds its scenarios ready instead of drawing them while Redis waits. Each step draws one
 * scenario and yields; the draws are the bank's own, so results do not depend on how far this got.
 */
import type { ScenarioBank } from '../scenarios/factory/scenario-bank.js';
import type { SeedRole } from '../scenarios/factory/seed-bank.js';

export interface DraftPlan {
  readonly role: SeedRole;
  /** Draw positions [0, count) of the role. */
  readonly count: number;
}

export function draftAhead(bank: ScenarioBank, plan: readonly DraftPlan[]): { stop(): void } {
  const positions = plan.flatMap(({ role, count }) =>
    Array.from({ length: count }, (_, index) => ({ role, index })),
  );
  let next = 0;
  let stopped = false;
  const step = () => {
    if (stopped || next >= positions.length) return;
    const { role, index } = positions[next++]!;
    bank.draft(role, index);
    setImmediate(step);
  };
  setImmediate(step);
  return {
    stop: () => {
      stopped = true;
    },
  };
}
