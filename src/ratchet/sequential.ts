/**
 * The sequential validation design: every proposal of a round is tested at a few pre-planned looks on a
 * growing set of validation scenarios, and only proposals still undecided get more scenarios. Pure.
 *
 * Error guarantee. The round's α is spent over the looks by the spending function α(t) = α · t², with t the
 * share of the budget's scenarios seen (α_k = α(t_k) − α(t_{k−1})): early looks spend little, so a strong
 * effect stops early while the last look keeps most of α for the effects that need every scenario. At look k Holm's step-down runs over the round's whole family of m
 * proposals at level α_k, with proposals accepted at an earlier look counted as rejected first and
 * proposals dropped for futility counted as not rejected (which can only make rejections rarer). Each look
 * is a valid Holm procedure at α_k on valid sign-flip p-values, so by the union bound over looks the chance
 * of accepting any null proposal in the round is at most Σ α_k = α, however the looks depend on each other.
 * Dropping for futility never adds a rejection, so it costs nothing in error rate.
 */
import { rejectsAbove } from '../stats/sign-flip.js';

export interface SequentialDesign {
  /** Cumulative validation scenarios at each look. */
  readonly looks: readonly number[];
  /** The share of the round's α spent at each look. */
  readonly levels: readonly number[];
}

/** Each look has this many times the scenarios of the one before (until the budget). */
export const LOOK_GROWTH = 3;

/** The spending function's exponent: α(t) = α · t^SPENDING_POWER. */
export const SPENDING_POWER = 2;

/**
 * Looks at the initial size, then tripling up to the budget (a step that would leave less than a look's
 * worth of scenarios goes straight to the budget); α spent by α(t) = α · t².
 */
export function sequentialDesign(initial: number, max: number, alpha: number): SequentialDesign {
  const first = Math.max(1, initial);
  const looks = [first];
  while (looks.at(-1)! < max) {
    const next = LOOK_GROWTH * looks.at(-1)!;
    looks.push(max - next < looks.at(-1)! ? max : next);
  }
  const last = looks.at(-1)!;
  const spent = (n: number) => alpha * (n / last) ** SPENDING_POWER;
  const levels = looks.map((n, k) => spent(n) - (k === 0 ? 0 : spent(looks[k - 1]!)));
  return { looks, levels };
}

export type SequentialStatus = 'accepted' | 'futile' | 'undecided';

export interface SequentialOutcome {
  readonly key: string;
  readonly status: SequentialStatus;
  /** The look (1-based) that decided, or the last look it was tested at. */
  readonly look: number;
  /** Validation scenarios behind the decision. */
  readonly n: number;
  /** The Holm level it was judged at on its last look. */
  readonly level: number;
  /** Its Holm rank at that look (1 = judged first). */
  readonly rank: number;
  readonly family: number;
}

export interface SequentialOptions {
  readonly threshold: number;
  /** A proposal whose improvement is below the threshold at this level is dropped (default 0.05). */
  readonly futilityAlpha?: number;
  readonly seed: string;
  readonly resamples?: number;
}

export const DEFAULT_FUTILITY_ALPHA = 0.05;

/** The seed of one proposal's test at one look: the reported p-value and interval use the same one. */
export const lookSeed = (seed: string, key: string, look: number): string => `${seed}:${key}:look${look}`;

/**
 * Runs the looks. `fetch(keys, n)` gives each key's first n paired validation deltas (candidate − current).
 */
export async function runSequential(
  design: SequentialDesign,
  keys: readonly string[],
  fetch: (keys: readonly string[], n: number) => Promise<ReadonlyMap<string, readonly number[]>>,
  options: SequentialOptions,
): Promise<Map<string, SequentialOutcome>> {
  const m = keys.length;
  const futilityAlpha = options.futilityAlpha ?? DEFAULT_FUTILITY_ALPHA;
  const outcomes = new Map<string, SequentialOutcome>();
  let accepted = 0;
  for (const [k, n] of design.looks.entries()) {
    const look = k + 1;
    const open = keys.filter((key) => !outcomes.has(key) || outcomes.get(key)!.status === 'undecided');
    if (open.length === 0) break;
    const deltas = await fetch(open, n);
    const alpha = design.levels[k]!;
    const waiting = new Set(open);
    // Holm's step-down as repeated Bonferroni: reject all at α/(m − r), grow r, repeat until none.
    for (;;) {
      const level = alpha / (m - accepted);
      const newly = [...waiting].filter((key) =>
        rejectsAbove(
          deltas.get(key)!,
          options.threshold,
          level,
          lookSeed(options.seed, key, look),
          options.resamples,
        ),
      );
      if (newly.length === 0) break;
      for (const key of newly) {
        outcomes.set(key, { key, status: 'accepted', look, n, level, rank: accepted + 1, family: m });
        waiting.delete(key);
      }
      accepted += newly.length;
    }
    const level = alpha / (m - accepted);
    for (const key of waiting) {
      const d = deltas.get(key)!;
      const futile = rejectsAbove(
        d.map((x) => -x),
        -options.threshold,
        futilityAlpha,
        lookSeed(`${options.seed}:futility`, key, look),
        options.resamples,
      );
      outcomes.set(key, {
        key,
        status: futile ? 'futile' : 'undecided',
        look,
        n,
        level,
        rank: accepted + 1,
        family: m,
      });
    }
  }
  return outcomes;
}
