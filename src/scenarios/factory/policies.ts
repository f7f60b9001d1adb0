/**
 * The policy side of a generated scenario: an agent that acts in states, whose action outcomes PolicyCache
 * turns into policies (docs/generated-scenarios.md, "Policies"). The hidden part is each action's true
 * success rate (some change mid-history), which state it leads to, and how much the user values what an
 * action enables next (the world's discount); the true value of a policy follows from those alone, by
 * backward induction, before and without any constant. The evidence is drawn from it: batches of action
 * events (crystallisation attempts), and the batch's mean reward as a TD update (with the application's own
 * estimate of the next state's value) for the policies already cached. Nothing touches a policy (a lookup or a
 * TD update leaves its decay clock alone), so it ages from its crystallisation. Pure.
 */

import type { TimedEvidence } from './evidence.js';
import { Stream } from './random.js';
import { gradesOf, placeBetween } from './world.js';

export interface HiddenAction {
  /** The PolicyEntry id the action's policy gets. */
  readonly id: string;
  readonly state: number;
  /** The state's fingerprint (the Bloom filter's key). */
  readonly fingerprint: string;
  /** Success rate before `switchAt`, and from then on. */
  readonly before: number;
  readonly after: number;
  /** Epoch seconds when the success rate changes (Infinity: never). */
  readonly switchAt: number;
  /** The state the action leads to (−1: the task ends). */
  readonly next: number;
  /** True value at query time: success rate now plus the discounted value of the best action of `next`. */
  readonly value: number;
}

export interface PolicyWorld {
  /** How much the user values what an action enables next (the latent discount). */
  readonly discount: number;
  /** Mean events per action and batch. */
  readonly density: number;
  readonly actions: readonly HiddenAction[];
  /** The policy ids and their grades (from the true value's place between the worst and best action's). */
  readonly grades: Readonly<Record<string, number>>;
}

export function buildPolicyWorld(seedId: number, historyStart: number, now: number): PolicyWorld {
  const s = new Stream(`${seedId}:policies`);
  const discount = s.uniform(0.5, 0.95);
  const density = s.uniform(5, 15);
  const states = s.integer(12, 18);
  const perState: { next: number; before: number; after: number; switchAt: number }[][] = [];
  for (let state = 0; state < states; state++) {
    const list = [];
    for (let a = 0, n = s.integer(2, 3); a < n; a++) {
      const before = s.uniform(0.1, 0.95);
      const switches = s.chance(0.4);
      const after = switches ? s.uniform(0.1, 0.95) : before;
      const switchAt = switches
        ? historyStart + Math.round(s.uniform(0.3, 0.7) * (now - historyStart))
        : Number.POSITIVE_INFINITY;
      // Chains run forward (a later state or the end), so the values are well defined.
      const next = state + 1 < states && s.chance(0.8) ? s.integer(state + 1, states - 1) : -1;
      list.push({ next, before, after, switchAt });
    }
    perState.push(list);
  }
  // Backward induction over the chain: V(state) = max over its actions of rate + discount · V(next).
  const best: number[] = new Array(states).fill(0);
  const values: number[][] = perState.map(() => []);
  for (let state = states - 1; state >= 0; state--) {
    values[state] = perState[state]!.map((a) => a.after + discount * (a.next >= 0 ? best[a.next]! : 0));
    best[state] = Math.max(...values[state]!);
  }
  const actions: HiddenAction[] = perState.flatMap((list, state) =>
    list.map((a, k) => ({
      id: `p${state}-${k}`,
      state,
      fingerprint: `state${state}`,
      ...a,
      value: values[state]![k]!,
    })),
  );
  // Usefulness is the value's place between the worst and the best action's.
  const place = placeBetween(actions.map((a) => a.value));
  const grades = gradesOf(actions, (a) => place(a.value));
  return { discount, density, actions, grades };
}

const binomial = (n: number, p: number, s: Stream) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (s.chance(p)) k++;
  return k;
};
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The application's evidence, as timed steps: each batch (evenly spread over the history) runs every state's
 * actions a random number of times. Each group's mean reward updates its policy's q (if it is cached), with
 * the application's estimate of the next state's value (the best success rate it has seen among the next
 * state's actions in earlier batches; 0 at the end of a task); then the groups are offered to
 * crystallisation in a random order (the first action of a state to pass takes the state's fingerprint).
 */
export function policyEvidence(world: PolicyWorld, seedId: number, historyStart: number, now: number) {
  const s = new Stream(`${seedId}:policy-events`);
  const batches = s.integer(4, 6);
  const steps: TimedEvidence[] = [];
  const seen = new Map<string, { successes: number; total: number }>();
  const observedRate = (state: number) => {
    let best = 0;
    for (const a of world.actions) {
      const tally = seen.get(a.id);
      if (a.state === state && tally && tally.total > 0) best = Math.max(best, tally.successes / tally.total);
    }
    return best;
  };
  // Groups offered to crystallisation so far: only their policies can exist to update.
  const offered = new Set<string>();
  for (let b = 1; b <= batches; b++) {
    // The last batch ends an hour before the queries.
    const at = historyStart + Math.round((b / batches) * (now - 3600 - historyStart));
    const groups = world.actions.flatMap((action) => {
      const total = s.integer(0, Math.round(2 * world.density));
      if (total === 0) return [];
      const rate = at >= action.switchAt ? action.after : action.before;
      return [{ action, total, successes: binomial(total, rate, s) }];
    });
    // The batch's rewards update the policies that exist (a step on one that does not is a no-op), with the
    // next state's value estimated from the batches before; then its groups are offered to crystallisation.
    for (const g of groups) {
      if (!offered.has(g.action.id)) continue;
      const reward = round4(g.successes / g.total);
      const maxFutureQ = g.action.next >= 0 ? round4(observedRate(g.action.next)) : 0;
      steps.push({
        at,
        step: { op: 'td', id: g.action.id, reward, ...(maxFutureQ > 0 ? { maxFutureQ } : {}) },
      });
    }
    for (const g of s.shuffle(groups)) {
      const { id, fingerprint } = g.action;
      offered.add(id);
      steps.push({
        at,
        step: { op: 'crystallize', id, fingerprint, successes: g.successes, total: g.total },
      });
    }
    for (const g of groups) {
      const tally = seen.get(g.action.id) ?? { successes: 0, total: 0 };
      seen.set(g.action.id, { successes: tally.successes + g.successes, total: tally.total + g.total });
    }
  }
  return steps;
}
