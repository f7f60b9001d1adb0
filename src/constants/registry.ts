/**
 * The constants memory-ratchet knows: names, aliases, tiers, defaults, grids, valid ranges and how the
 * engine reads each one (or why the library never does). Pure data plus lookups.
 */

export type ConstantValue = number | boolean;

/** A range bound: a number, or the value of another constant (or its reciprocal). */
export type Bound = number | { constant: string } | { reciprocalOf: string };

export interface ValidRange {
  readonly min?: Bound;
  readonly minOpen?: boolean;
  readonly max?: Bound;
  readonly maxOpen?: boolean;
}

/** How the memory model treats a constant. */
export type EngineUse =
  | { readonly status: 'read'; readonly how: string }
  | { readonly status: 'not-read'; readonly why: string }
  | { readonly status: 'not-modelled'; readonly why: string };

export type Tier = 1 | 2 | 3 | 'pair-only' | 'fixed';

export interface ConstantSpec {
  /** The `Defaults` attribute name, or the canonical name for a constant with no attribute. */
  readonly name: string;
  /** Whether `name` is an attribute of popoto's `Defaults` class. */
  readonly isAttribute: boolean;
  /** The lower-case sweep key upstream's harness uses, when it differs from `name`. */
  readonly sweepKey?: string;
  readonly tier: Tier;
  readonly kind: 'float' | 'int' | 'bool';
  readonly default: ConstantValue;
  readonly grid: readonly number[];
  readonly range: ValidRange;
  /** When the value takes effect in the memory model. */
  readonly when: string;
  readonly engine: EngineUse;
  /** For a constant that is not a `Defaults` attribute: where its default lives in popoto's code. */
  readonly codeDefault?: string;
}

const unit: ValidRange = { min: 0, max: 1 };

export const CONSTANTS: readonly ConstantSpec[] = [
  // Tier 1
  {
    name: 'DECAY_RATE',
    isAttribute: true,
    sweepKey: 'decay_rate',
    tier: 1,
    kind: 'float',
    default: 0.1,
    grid: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0],
    range: { min: 0, minOpen: true, max: 2 },
    when: 'query',
    engine: { status: 'read', how: 'decay exponent r in b·t^(−r) at query time' },
  },
  {
    name: 'INITIAL_CONFIDENCE',
    isAttribute: true,
    sweepKey: 'initial_confidence',
    tier: 1,
    kind: 'float',
    default: 0.5,
    grid: [0.1, 0.3, 0.5, 0.7, 0.9],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'confidence prior seeded on first save, missing-confidence default and modulation centre c0',
    },
  },
  {
    name: 'WF_MIN_THRESHOLD',
    isAttribute: true,
    sweepKey: '_wf_min_threshold',
    tier: 1,
    kind: 'float',
    default: 0.1,
    grid: [0.05, 0.1, 0.2, 0.3, 0.5],
    range: { min: 0, max: 1, maxOpen: true },
    when: 'write',
    engine: { status: 'read', how: 'write filter: a save with score < threshold is rejected' },
  },
  {
    name: 'ACTED_CONFIDENCE_SIGNAL',
    isAttribute: true,
    tier: 1,
    kind: 'float',
    default: 0.9,
    grid: [0.1, 0.3, 0.5, 0.7, 0.9, 1.0],
    range: unit,
    when: 'write',
    engine: { status: 'read', how: 'confidence signal applied on an "acted" outcome' },
  },
  {
    name: 'CONTRADICTED_CONFIDENCE_SIGNAL',
    isAttribute: true,
    tier: 1,
    kind: 'float',
    default: 0.1,
    grid: [0.0, 0.1, 0.3, 0.5, 0.7, 0.9],
    range: unit,
    when: 'write',
    engine: { status: 'read', how: 'confidence signal applied on a "contradicted" outcome' },
  },
  // Tier 2
  {
    name: 'ACTED_CYCLE_STRENGTHEN_FACTOR',
    isAttribute: true,
    tier: 2,
    kind: 'float',
    default: 1.2,
    grid: [0.3, 0.5, 0.8, 1.0, 1.1, 1.2, 1.5, 2.0],
    range: { min: 0, minOpen: true, max: 5 },
    when: 'write',
    engine: { status: 'read', how: 'cycle amplitudes multiplied on an "acted" outcome' },
  },
  {
    name: 'DISMISSED_CYCLE_WEAKEN_FACTOR',
    isAttribute: true,
    tier: 2,
    kind: 'float',
    default: 0.8,
    grid: [0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0],
    range: { min: 0, minOpen: true, max: 5 },
    when: 'write',
    engine: { status: 'read', how: 'cycle amplitudes multiplied on a "dismissed" outcome' },
  },
  {
    name: 'CONTRADICTED_CYCLE_WEAKEN_FACTOR',
    isAttribute: true,
    tier: 2,
    kind: 'float',
    default: 0.5,
    grid: [0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0],
    range: { min: 0, minOpen: true, max: 5 },
    when: 'write',
    engine: { status: 'read', how: 'cycle amplitudes multiplied on a "contradicted" outcome' },
  },
  {
    name: 'CO_OCCURRENCE_DECAY_FACTOR',
    isAttribute: true,
    sweepKey: 'decay_factor',
    tier: 2,
    kind: 'float',
    default: 0.95,
    grid: [0.5, 0.7, 0.85, 0.9, 0.95, 0.99],
    range: { min: 0, max: 1, maxOpen: true },
    when: 'write (maintenance)',
    engine: {
      status: 'read',
      how: 'default factor of weakenAll maintenance: w ← w·f, pruned below 0.001 (popoto rejects a factor outside 0 ≤ f < 1)',
    },
  },
  {
    name: 'CO_OCCURRENCE_INITIAL_WEIGHT',
    isAttribute: true,
    sweepKey: 'initial_weight',
    tier: 2,
    kind: 'float',
    default: 0.1,
    grid: [0.01, 0.05, 0.1, 0.2, 0.5],
    range: { min: 0, minOpen: true, max: { constant: 'CO_OCCURRENCE_WEIGHT_CAP' } },
    when: 'write',
    engine: { status: 'read', how: 'weight of a new co-occurrence edge created by link' },
  },
  {
    name: 'delta',
    isAttribute: false,
    tier: 2,
    kind: 'float',
    default: 0.05,
    grid: [0.01, 0.02, 0.05, 0.1, 0.2],
    range: { min: 0, minOpen: true, max: 1 },
    when: 'write',
    engine: {
      status: 'read',
      how: 'default increment of strengthen (a literal in popoto, not a Defaults attribute)',
    },
    codeDefault:
      'the `delta=0.05` default argument of `CoOccurrenceField.strengthen()` in src/popoto/fields/co_occurrence_field.py',
  },
  {
    name: 'CO_OCCURRENCE_DECAY_PER_HOP',
    isAttribute: true,
    sweepKey: 'decay_per_hop',
    tier: 2,
    kind: 'float',
    default: 0.5,
    grid: [0.1, 0.3, 0.5, 0.7, 0.9],
    range: { min: 0, minOpen: true, max: { reciprocalOf: 'CO_OCCURRENCE_WEIGHT_CAP' }, maxOpen: true },
    when: 'query',
    engine: {
      status: 'read',
      how: 'per-hop factor of direct propagate calls (the query boost); the assembler path hard-codes 0.5',
    },
  },
  {
    name: 'COMPETITIVE_SUPPRESSION_SIGNAL',
    isAttribute: true,
    tier: 2,
    kind: 'float',
    default: 0.3,
    grid: [0.1, 0.2, 0.3, 0.5, 0.7],
    range: unit,
    when: 'write (side effect of a read)',
    engine: {
      status: 'read',
      how: 'ContextAssembler: update_confidence(signal) on each pull candidate left out of an assemble() call',
    },
  },
  {
    name: 'DEFAULT_SURFACING_THRESHOLD',
    isAttribute: true,
    tier: 2,
    kind: 'float',
    default: 0.5,
    grid: [0.1, 0.3, 0.5, 0.7, 0.9],
    range: unit,
    when: 'query',
    engine: {
      status: 'read',
      how: "ContextAssembler push path: records whose cyclic score is at or above it (the push path's min_score)",
    },
  },
  // Tier 3
  {
    name: 'MIN_EVENTS_FOR_CRYSTALLIZATION',
    isAttribute: true,
    tier: 3,
    kind: 'int',
    default: 3,
    // At WILSON_CI_THRESHOLD 0.6 only values above 6 bind (6/6 is the smallest batch whose bound passes).
    grid: [1, 2, 3, 5, 8, 12, 20],
    range: { min: 1 },
    when: 'write',
    engine: {
      status: 'read',
      how: 'crystallisation: a batch group needs at least this many events to become a policy',
    },
  },
  {
    name: 'WILSON_CI_THRESHOLD',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.6,
    grid: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    range: { min: 0, minOpen: true, max: 1, maxOpen: true },
    when: 'write',
    engine: {
      status: 'read',
      how: "crystallisation: a group's Wilson lower bound must exceed it; the bound is the new policy's q",
    },
  },
  {
    name: 'TD_ALPHA',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.1,
    grid: [0.01, 0.05, 0.1, 0.2, 0.5, 0.8],
    range: { min: 0, minOpen: true, max: 1 },
    when: 'write',
    engine: { status: 'read', how: "TD update step size: q ← q + α(r + γ·maxQ' − q)" },
  },
  {
    name: 'TD_GAMMA',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.95,
    grid: [0, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99],
    range: { min: 0, max: 1, maxOpen: true },
    when: 'write',
    engine: { status: 'read', how: "TD discount of the next state's value maxQ' the application passes" },
  },
  {
    name: 'CHI_SQUARED_P_THRESHOLD',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.05,
    grid: [0.001, 0.01, 0.05, 0.1, 0.2],
    range: { min: 0, minOpen: true, max: 1, maxOpen: true },
    when: 'write',
    engine: {
      status: 'not-read',
      why: 'popoto never reads it: temporal discovery uses a fixed χ² critical value of 12.592 (df = 6, p = 0.05)',
    },
  },
  {
    name: 'INITIAL_CYCLE_AMPLITUDE',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.5,
    grid: [0.1, 0.25, 0.5, 0.75, 1.0, 2.0],
    range: { min: 0 },
    when: 'write',
    engine: {
      status: 'read',
      how: 'amplitude of the weekly cycles the application declares from temporal discovery (discoveredCycles)',
    },
  },
  {
    name: 'AUTO_DISCHARGE_CONFIDENCE_THRESHOLD',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.1,
    grid: [0.05, 0.1, 0.2, 0.3],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'a "contradicted" outcome resolves pressure when confidence < threshold − CONFIDENCE_EPSILON',
    },
  },
  {
    name: 'PL_CONFIDENCE_ERROR_THRESHOLD',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.7,
    grid: [0.3, 0.5, 0.7, 0.85, 0.95],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger feedback gate: a resolved prediction whose error exceeds it (strictly) lowers confidence',
    },
  },
  {
    name: 'PL_CONFIDENCE_LOW_SIGNAL',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.2,
    grid: [0.05, 0.1, 0.2, 0.3, 0.5],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger feedback: the confidence signal applied when the error gate fires',
    },
  },
  {
    name: 'PL_AUTO_RESOLVE_ACTED',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.1,
    grid: [0.05, 0.1, 0.3, 0.5, 0.75, 0.9], // both sides of the error gate (0.7)
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger auto_resolve: the error an acted outcome resolves a pending prediction with',
    },
  },
  {
    name: 'PL_AUTO_RESOLVE_DISMISSED',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.5,
    grid: [0.2, 0.3, 0.5, 0.7, 0.9],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger auto_resolve: the error a dismissed outcome resolves a pending prediction with',
    },
  },
  {
    name: 'PL_AUTO_RESOLVE_CONTRADICTED',
    isAttribute: true,
    tier: 3,
    kind: 'float',
    default: 0.9,
    grid: [0.5, 0.7, 0.8, 0.9, 0.95],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger auto_resolve: the error a contradicted outcome resolves a pending prediction with',
    },
  },
  // Swept in pairs only
  {
    name: 'WF_PRIORITY_THRESHOLD',
    isAttribute: true,
    sweepKey: '_wf_priority_threshold',
    tier: 'pair-only',
    kind: 'float',
    default: 0.7,
    grid: [0.5, 0.6, 0.7, 0.8, 0.9],
    range: unit,
    when: 'write',
    engine: { status: 'read', how: 'a save with score ≥ threshold enters the "priority" arm' },
  },
  // Never swept; read by the engine, so a PR that changes them is still evaluated.
  {
    name: 'PL_AUTO_RESOLVE_USED',
    isAttribute: true,
    tier: 'fixed',
    kind: 'float',
    default: 0.3,
    grid: [],
    range: unit,
    when: 'write',
    engine: {
      status: 'read',
      how: 'PredictionLedger auto_resolve: the error a used outcome resolves a pending prediction with',
    },
  },
  {
    name: 'DECAY_CONFIDENCE_MODULATION_STRENGTH',
    isAttribute: true,
    tier: 'fixed',
    kind: 'float',
    default: 0.5,
    grid: [],
    range: { min: 0 },
    when: 'query',
    engine: {
      status: 'read',
      how: 'modulation strength s in r_eff = r·2^(2s(c0−c)) for records at least 1 day old',
    },
  },
  {
    name: 'DECAY_CONFIDENCE_MODULATION_ENABLED',
    isAttribute: true,
    tier: 'fixed',
    kind: 'bool',
    default: true,
    grid: [],
    range: {},
    when: 'query',
    engine: { status: 'read', how: 'switch for confidence-modulated decay (False ≡ strength 0)' },
  },
  {
    name: 'CONFIDENCE_EVIDENCE_CAP',
    isAttribute: true,
    tier: 'fixed',
    kind: 'int',
    default: 20,
    grid: [],
    range: { min: 1 },
    when: 'write',
    engine: { status: 'read', how: 'confidence gain 1/(min(n+1, cap)+1)' },
  },
  {
    name: 'CONFIDENCE_EPSILON',
    isAttribute: true,
    tier: 'fixed',
    kind: 'float',
    default: 1e-9,
    grid: [],
    range: { min: 0 },
    when: 'write',
    engine: { status: 'read', how: 'tolerance of the auto-discharge comparison' },
  },
  {
    name: 'CO_OCCURRENCE_WEIGHT_CAP',
    isAttribute: true,
    tier: 'fixed',
    kind: 'float',
    default: 1.0,
    grid: [],
    range: { min: 0, minOpen: true },
    when: 'write/query',
    engine: { status: 'read', how: 'clamp on strengthen and on propagation; link rejects weights above it' },
  },
];

/** The 5×5 interaction sweeps, by canonical name. */
/**
 * Constants that substitute for each other, so one alone is not identified: the co-occurrence triple (a
 * stronger first link, a slower per-hop decay and a larger propagation share all raise the same boost).
 * The ratchet searches each group jointly and tests the group's change as one.
 */
export const JOINT_GROUPS: readonly (readonly string[])[] = [
  ['CO_OCCURRENCE_INITIAL_WEIGHT', 'delta', 'CO_OCCURRENCE_DECAY_PER_HOP'],
];

export const INTERACTION_PAIRS: readonly (readonly [string, string])[] = [
  ['DECAY_RATE', 'INITIAL_CONFIDENCE'],
  ['WF_MIN_THRESHOLD', 'CO_OCCURRENCE_INITIAL_WEIGHT'],
  ['ACTED_CONFIDENCE_SIGNAL', 'ACTED_CYCLE_STRENGTHEN_FACTOR'],
  ['TD_ALPHA', 'TD_GAMMA'],
  ['WF_MIN_THRESHOLD', 'WF_PRIORITY_THRESHOLD'],
  ['ACTED_CYCLE_STRENGTHEN_FACTOR', 'DISMISSED_CYCLE_WEAKEN_FACTOR'],
  ['DEFAULT_SURFACING_THRESHOLD', 'COMPETITIVE_SUPPRESSION_SIGNAL'],
  ['DECAY_RATE', 'WF_MIN_THRESHOLD'],
];

const byName = new Map<string, ConstantSpec>();
for (const spec of CONSTANTS) {
  byName.set(spec.name, spec);
  if (spec.sweepKey) byName.set(spec.sweepKey, spec);
}

/** Looks a constant up by its `Defaults` name or its sweep key; undefined when unknown. */
export function findConstant(nameOrKey: string): ConstantSpec | undefined {
  return byName.get(nameOrKey);
}

/** Every spelling the registry accepts (canonical names and sweep keys). */
export function knownSpellings(): string[] {
  return [...byName.keys()];
}

export function constantsInTiers(tiers: readonly Tier[]): ConstantSpec[] {
  return CONSTANTS.filter((spec) => tiers.includes(spec.tier));
}
