/**
 * What a sweep will run: the constants in scope with their grids, the interaction pairs, and what is
 * left out and why (not modelled, never read by the library, a switch, no grid). Pure.
 */
import {
  CONSTANTS,
  type ConstantSpec,
  findConstant,
  INTERACTION_PAIRS,
  type Tier,
} from '../constants/registry.js';
import { type Constants, requireConstant } from '../constants/values.js';
import { ConfigError } from '../errors.js';
import { type Grid, type PairGrid, pairGrid, singleGrid } from './grid.js';

export type NotSweptReason = 'not-modelled' | 'not-read' | 'switch' | 'no-grid';

export interface NotSwept {
  readonly constant: string;
  readonly reason: NotSweptReason;
  readonly detail: string;
}

export interface SweepPlan {
  readonly singles: readonly Grid[];
  readonly notSwept: readonly NotSwept[];
  readonly pairs: readonly PairGrid[];
  readonly pairsNotRun: readonly { readonly pair: readonly [string, string]; readonly detail: string }[];
}

export interface PlanOptions {
  readonly tiers: readonly Tier[];
  /** Canonical names; when given, only these constants (of any tier). */
  readonly only?: readonly string[];
  readonly interactions?: boolean;
}

export const SWEPT_TIERS: readonly Tier[] = [1, 2, 3];

/** Parses `--tier 1,2` / `all` into tiers; anything else is a ConfigError naming the allowed values. */
export function parseTiers(text: string): Tier[] {
  if (text.trim() === 'all') return [...SWEPT_TIERS];
  const tiers = text.split(',').map((part) => part.trim());
  for (const tier of tiers) {
    if (tier === '4' || tier === '5') {
      throw new ConfigError(
        `--tier ${tier}: tier ${tier} (the recipe layer) is not modelled; use 1, 2, 3 or all`,
      );
    }
    if (!['1', '2', '3'].includes(tier)) {
      throw new ConfigError(
        `--tier '${text}': tier '${tier}' does not exist; use 1, 2, 3, a list such as 1,2, or all`,
      );
    }
  }
  return [...new Set(tiers.map((t) => Number(t) as Tier))].sort();
}

/** Parses `--only A,B` into canonical names, suggesting the nearest names for unknown ones. */
export function parseOnly(text: string): string[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new ConfigError('--only: give at least one constant name, e.g. --only DECAY_RATE');
  return [...new Set(names.map((name) => requireConstant(name, '--only').name))];
}

function whyNotSwept(spec: ConstantSpec): NotSwept | undefined {
  if (spec.engine.status === 'not-modelled')
    return { constant: spec.name, reason: 'not-modelled', detail: spec.engine.why };
  if (spec.engine.status === 'not-read')
    return { constant: spec.name, reason: 'not-read', detail: spec.engine.why };
  if (spec.kind === 'bool')
    return { constant: spec.name, reason: 'switch', detail: 'a switch, not swept over a grid' };
  if (spec.grid.length === 0)
    return { constant: spec.name, reason: 'no-grid', detail: 'never swept (no grid)' };
  return undefined;
}

export function planSweep(options: PlanOptions, constants: Constants): SweepPlan {
  const scope = options.only
    ? options.only.map((name) => findConstant(name)!)
    : CONSTANTS.filter((spec) => options.tiers.includes(spec.tier));
  const singles: Grid[] = [];
  const notSwept: NotSwept[] = [];
  for (const spec of scope) {
    const why = whyNotSwept(spec);
    if (why) notSwept.push(why);
    else singles.push(singleGrid(spec.name, constants));
  }
  const pairs: PairGrid[] = [];
  const pairsNotRun: { pair: readonly [string, string]; detail: string }[] = [];
  if (options.interactions) {
    for (const pair of INTERACTION_PAIRS) {
      const reasons = pair.map((name) => whyNotSwept(findConstant(name)!)).filter(Boolean);
      if (reasons.length > 0)
        pairsNotRun.push({ pair, detail: reasons.map((r) => `${r!.constant}: ${r!.detail}`).join('; ') });
      else pairs.push(pairGrid(pair[0], pair[1], constants));
    }
  }
  return { singles, notSwept, pairs, pairsNotRun };
}
