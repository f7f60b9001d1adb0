/**
 * Work a run does while its event loop would otherwise wait for the engine: drawing the scenarios of later
 * validation looks and the confirmation, and computing the intervals only the report reads. Each step does
 * one piece and yields, so engine replies are never held up for long. The pieces are pure and the bank's
 * own draws, so results do not depend on how far this got before they were needed.
 */
import type { ScenarioBank } from '../scenarios/factory/scenario-bank.js';
import type { SeedRole } from '../scenarios/factory/seed-bank.js';
import type { DeferredWork } from '../util/deferred.js';

export interface DraftPlan {
  readonly role: SeedRole;
  /** Draw positions [0, count) of the role. */
  readonly count: number;
}

/** How long to wait before looking for deferred work again when there is none (milliseconds). */
const POLL_MS = 5;
/**
 * The most scenarios held drawn ahead and not yet taken: enough for the next validation looks, few enough that
 * a long run does not keep hundreds of scenarios it may never ask for (memory).
 */
export const MAX_DRAFTS_HELD = 48;

export function workWhileIdle(
  bank: ScenarioBank,
  drafts: readonly DraftPlan[],
  deferred: DeferredWork,
  maxHeld = MAX_DRAFTS_HELD,
): { stop(): void } {
  const positions = drafts.flatMap(({ role, count }) =>
    Array.from({ length: count }, (_, index) => ({ role, index })),
  );
  let next = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    timer = undefined;
    if (stopped) return;
    try {
      if (deferred.settleOne()) {
        setImmediate(step);
        return;
      }
      if (next < positions.length && bank.draftsHeld < maxHeld) {
        const { role, index } = positions[next++]!;
        bank.draft(role, index);
        setImmediate(step);
        return;
      }
    } catch {
      // Work done ahead is only a head start: the run does the same piece when it needs it, and a failure
      // surfaces there, with the run's own error handling.
      stopped = true;
      return;
    }
    // Nothing to do now: statistics come due when a training stage ends, and slices take drafted scenarios.
    timer = setTimeout(step, POLL_MS);
  };
  setImmediate(step);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
