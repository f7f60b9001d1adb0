/**
 * RatchetLoop: for each constant in scope, sweep its grid on the training scenarios, take the best value,
 * keep it clear of cliffs, re-check it against the current value on the held-out validation scenarios
 * (paired), and accept it only when the improvement exceeds the threshold and its interval excludes zero
 * after Holm's correction for the number of constants validated. Pure decision logic over an evaluator,
 * so tests can feed it synthetic scores. It never writes the constants file.
 */
import type { ConstantSpec, ConstantValue } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import { type Interval, mean } from '../stats/bootstrap.js';
import {
  aggregateSweep,
  type Cliff,
  type ConstantSummary,
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_CLIFF_THRESHOLD,
  type MetricName,
  pickBest,
} from '../sweep/aggregate.js';
import { type Grid, singleGrid } from '../sweep/grid.js';
import type { PointScore, SweepPoint } from '../sweep/runner.js';
import { signed } from '../util/numbers.js';
import { holm, type PairedTest, pairedTest } from './statistics.js';

export type RatchetAction =
  | 'ACCEPT'
  | 'REJECT'
  | 'NO_SENSITIVITY'
  | 'NOT_READ'
  | 'NOT_MODELLED'
  | 'DEGENERATE';
export type Split = 'train' | 'validation';

/** Scores every scenario of a split under the run's constants with `overrides` applied. */
export interface RatchetEvaluator {
  run(overrides: Readonly<Record<string, ConstantValue>>, split: Split): Promise<readonly PointScore[]>;
}

export interface RatchetOptions {
  /** Minimum validation improvement of mean nDCG@5 (default 0.01). */
  readonly threshold?: number;
  /** A proposal closer than this share of the swept range to a cliff is shifted or rejected (default 0.1). */
  readonly cliffMargin?: number;
  /** A change of mean between adjacent grid values that counts as a cliff (default 0.1). */
  readonly cliffThreshold?: number;
  /** Family-wise error rate for Holm's correction (default 0.05). */
  readonly alpha?: number;
  readonly resamples?: number;
  readonly seed?: string;
  readonly metric?: MetricName;
  /** Grids to use instead of the registry's, by canonical name. */
  readonly grids?: Readonly<Record<string, readonly number[]>>;
  /** Rounds at most (default 2): a later round runs only when the previous one accepted something. */
  readonly rounds?: number;
}

export const RATCHET_DEFAULTS = {
  threshold: 0.01,
  cliffMargin: 0.1,
  cliffThreshold: DEFAULT_CLIFF_THRESHOLD,
  alpha: 0.05,
  rounds: 2,
} as const;

export interface CliffNote {
  readonly cliff: Cliff;
  readonly margin: number;
  /** The train-best value that was too close, when the proposal was shifted away from it. */
  readonly shiftedFrom?: number;
}

export interface RatchetDecision {
  readonly constant: string;
  readonly current: ConstantValue;
  /** The value validated (after any cliff shift); null when nothing was proposed. */
  readonly proposed: number | null;
  readonly action: RatchetAction;
  readonly reason: string;
  readonly trainScore: number | null;
  readonly trainDelta: number | null;
  readonly validationScore: number | null;
  readonly validationDelta: number | null;
  /** The paired bootstrap interval of the validation delta at the Holm-corrected level. */
  readonly validationInterval: Interval | null;
  readonly holmAlpha: number | null;
  readonly pValue: number | null;
  readonly cliff?: CliffNote;
  readonly edgeOfGrid: boolean;
  /** The training sweep's summary (curve, cliffs, sensitivity), when it ran. */
  readonly train: ConstantSummary | null;
  /** The round that made this decision (round 2 sees round 1's accepted changes applied). */
  readonly round: number;
}

export interface ValidationPoint extends PointScore {
  readonly constant: string;
  readonly value: ConstantValue;
  /** `candidate` for the proposed value, `current` for the baseline. */
  readonly role: 'candidate' | 'current';
}

export interface RatchetOutcome {
  readonly decisions: readonly RatchetDecision[];
  readonly trainPoints: readonly SweepPoint[];
  readonly validationPoints: readonly ValidationPoint[];
}

const metricOf = (p: PointScore, metric: MetricName): number | null =>
  p.status === 'ok' && p.metrics ? p.metrics[metric] : null;

function base(spec: ConstantSpec, current: ConstantValue): RatchetDecision {
  return {
    constant: spec.name,
    current,
    proposed: null,
    action: 'REJECT',
    reason: '',
    trainScore: null,
    trainDelta: null,
    validationScore: null,
    validationDelta: null,
    validationInterval: null,
    holmAlpha: null,
    pValue: null,
    edgeOfGrid: false,
    train: null,
    round: 1,
  };
}

/** Distance from a value to a cliff's interval [from, to]. */
const distanceToCliff = (value: number, cliff: Cliff) =>
  value >= cliff.from && value <= cliff.to
    ? 0
    : Math.min(Math.abs(value - cliff.from), Math.abs(value - cliff.to));

interface Candidate {
  readonly decision: RatchetDecision;
  readonly value: number;
}

async function trainSweep(evaluator: RatchetEvaluator, grid: Grid): Promise<SweepPoint[]> {
  const values = [...grid.values].sort((a, b) => a - b);
  // Every value is requested at once, so the evaluator can batch them; points keep ascending value order.
  const scored = await Promise.all(values.map((value) => evaluator.run({ [grid.constant]: value }, 'train')));
  const points: SweepPoint[] = values.flatMap((value, i) =>
    scored[i]!.map((s) => ({ constant: grid.constant, value, ...s })),
  );
  for (const value of grid.degenerate) {
    points.push({
      constant: grid.constant,
      value,
      scenario: '*',
      status: 'skipped-degenerate',
      reason: `${grid.constant} = ${value} is outside the valid range: degenerate, not run`,
      metrics: null,
      calibrationError: null,
      rankingHash: null,
      durationMs: 0,
      degenerateValue: true,
    });
  }
  return points;
}

/** Sweeps on train and picks the candidate, or decides without validation. */
async function propose(
  evaluator: RatchetEvaluator,
  spec: ConstantSpec,
  constants: Constants,
  options: Required<Pick<RatchetOptions, 'cliffMargin' | 'cliffThreshold' | 'seed'>> & RatchetOptions,
  trainPoints: SweepPoint[],
): Promise<RatchetDecision | Candidate> {
  const current = constants[spec.name]!;
  const start = base(spec, current);
  if (spec.engine.status === 'not-modelled')
    return { ...start, action: 'NOT_MODELLED', reason: spec.engine.why };
  if (spec.engine.status === 'not-read') return { ...start, action: 'NOT_READ', reason: spec.engine.why };
  if (spec.kind === 'bool' || spec.grid.length === 0) {
    return { ...start, action: 'NO_SENSITIVITY', reason: 'not swept (no grid)' };
  }
  const grid = singleGrid(spec.name, constants, options.grids?.[spec.name]);
  if (grid.values.length < 2) {
    return {
      ...start,
      action: 'DEGENERATE',
      reason: `fewer than two grid values lie in the valid range (degenerate: ${grid.degenerate.join(', ') || 'none'})`,
    };
  }
  const points = await trainSweep(evaluator, grid);
  trainPoints.push(...points);
  const train = aggregateSweep(spec.name, current, points, {
    cliffThreshold: options.cliffThreshold,
    seed: `${options.seed}:train`,
    ...(options.resamples ? { resamples: options.resamples } : {}),
    ...(options.metric ? { metric: options.metric } : {}),
  });
  const withTrain = { ...start, train };
  if (train.scenarios.common.length === 0 || !train.best || train.currentMean === null) {
    return {
      ...withTrain,
      action: 'DEGENERATE',
      reason: 'no training scenario could be scored at every grid value',
    };
  }
  if (train.effect === 'never-changes-a-ranking') {
    return {
      ...withTrain,
      action: 'NO_SENSITIVITY',
      reason: 'never changes a ranking on the training scenarios',
    };
  }
  if (!train.bestVsWorst?.excludesZero) {
    const [lo, hi] = train.bestVsWorst?.interval ?? [0, 0];
    return {
      ...withTrain,
      action: 'NO_SENSITIVITY',
      reason: `moves mean nDCG@5 by ${train.range?.value.toFixed(3) ?? '0'} on train, within noise (best vs worst [${signed(lo)}, ${signed(hi)}])`,
    };
  }
  const means = train.values.filter((v) => v.mean !== null).map((v) => ({ value: v.value, mean: v.mean! }));
  const runValues = means.map((m) => m.value);
  let candidate = train.best.value;
  let cliffNote: CliffNote | undefined;
  const margin = options.cliffMargin * (Math.max(...runValues) - Math.min(...runValues));
  const tooClose = (value: number) => train.cliffs.find((c) => distanceToCliff(value, c) <= margin);
  const near = candidate !== Number(current) ? tooClose(candidate) : undefined;
  if (near) {
    const safe = pickBest(
      means.filter((m) => !tooClose(m.value)),
      Number(current),
    );
    if (!safe || safe.value === Number(current) || safe.mean <= train.currentMean) {
      return {
        ...withTrain,
        proposed: candidate,
        trainScore: train.best.mean,
        trainDelta: train.best.mean - train.currentMean,
        cliff: { cliff: near, margin },
        edgeOfGrid: train.edgeOfGrid,
        action: 'REJECT',
        reason: `too close to the cliff at ${near.from}→${near.to} (${near.direction} ${signed(near.delta)}), and no value outside the margin (${margin.toPrecision(3)}) beats the current one`,
      };
    }
    cliffNote = { cliff: near, margin, shiftedFrom: candidate };
    candidate = safe.value;
  }
  const candidateMean = means.find((m) => m.value === candidate)!.mean;
  const decided = {
    ...withTrain,
    proposed: candidate,
    trainScore: candidateMean,
    trainDelta: candidateMean - train.currentMean,
    edgeOfGrid: candidate === runValues[0] || candidate === runValues.at(-1),
    ...(cliffNote ? { cliff: cliffNote } : {}),
  };
  if (candidate === Number(current)) {
    return {
      ...decided,
      proposed: null,
      action: 'REJECT',
      reason: 'the current value is already the best on train',
    };
  }
  return { decision: decided, value: candidate };
}

/**
 * The ratchet clicks forward in rounds: round 1 judges every constant from the current values; when it
 * accepts changes, the next round judges the remaining constants with those changes applied (a detuned
 * constant can mask every other one). The family-wise α is split evenly over the rounds allowed, so the
 * error rate holds over the whole run.
 */
export async function runRatchet(
  evaluator: RatchetEvaluator,
  scope: readonly ConstantSpec[],
  constants: Constants,
  options: RatchetOptions = {},
): Promise<RatchetOutcome> {
  const rounds = Math.max(1, options.rounds ?? RATCHET_DEFAULTS.rounds);
  const alpha = (options.alpha ?? RATCHET_DEFAULTS.alpha) / rounds;
  const decisions = new Map<string, RatchetDecision>();
  const trainPoints: SweepPoint[] = [];
  const validationPoints: ValidationPoint[] = [];
  const applied: Record<string, number> = {};
  let remaining = [...scope];
  for (let round = 1; round <= rounds && remaining.length > 0; round++) {
    const shifted: RatchetEvaluator = {
      run: (overrides, split) => evaluator.run({ ...applied, ...overrides }, split),
    };
    const base = withOverrides(constants, applied);
    const outcome = await runRound(shifted, remaining, base, { ...options, alpha }, round);
    trainPoints.push(...outcome.trainPoints);
    validationPoints.push(...outcome.validationPoints);
    for (const d of outcome.decisions) decisions.set(d.constant, d);
    const accepted = outcome.decisions.filter((d) => d.action === 'ACCEPT' && d.proposed !== null);
    if (accepted.length === 0) break;
    for (const d of accepted) applied[d.constant] = d.proposed!;
    // Only constants the engine reads can change their verdict in a later round.
    remaining = remaining.filter(
      (spec) =>
        !(spec.name in applied) &&
        decisions.get(spec.name)?.action !== 'NOT_MODELLED' &&
        decisions.get(spec.name)?.action !== 'NOT_READ',
    );
  }
  return { decisions: scope.map((spec) => decisions.get(spec.name)!), trainPoints, validationPoints };
}

async function runRound(
  evaluator: RatchetEvaluator,
  scope: readonly ConstantSpec[],
  constants: Constants,
  options: RatchetOptions,
  round: number,
): Promise<RatchetOutcome> {
  const threshold = options.threshold ?? RATCHET_DEFAULTS.threshold;
  const alpha = options.alpha ?? RATCHET_DEFAULTS.alpha;
  const metric = options.metric ?? 'ndcg@5';
  const settings = {
    ...options,
    cliffMargin: options.cliffMargin ?? RATCHET_DEFAULTS.cliffMargin,
    cliffThreshold: options.cliffThreshold ?? RATCHET_DEFAULTS.cliffThreshold,
    seed: `${options.seed ?? DEFAULT_BOOTSTRAP_SEED}${round > 1 ? `:round${round}` : ''}`,
  };
  const validationPoints: ValidationPoint[] = [];
  // Every constant's training sweep is requested at once; points and decisions keep the scope's order.
  const pointsBySpec = scope.map((): SweepPoint[] => []);
  const staged = await Promise.all(
    scope.map((spec, i) => propose(evaluator, spec, constants, settings, pointsBySpec[i]!)),
  );
  const trainPoints = pointsBySpec.flat();

  const candidates = staged.filter((s): s is Candidate => 'value' in s);
  const tests = new Map<string, PairedTest>();
  const scores = new Map<string, { candidate: number; deltas: number }>();
  if (candidates.length > 0) {
    const [baseline, ...proposals] = await Promise.all([
      evaluator.run({}, 'validation'),
      ...candidates.map(({ decision, value }) => evaluator.run({ [decision.constant]: value }, 'validation')),
    ]);
    for (const [i, { decision, value }] of candidates.entries()) {
      const proposed = proposals[i]!;
      for (const p of baseline!)
        validationPoints.push({
          constant: decision.constant,
          value: decision.current,
          role: 'current',
          ...p,
        });
      for (const p of proposed)
        validationPoints.push({ constant: decision.constant, value, role: 'candidate', ...p });
      const paired = proposed.flatMap((p) => {
        const c = metricOf(p, metric);
        const b = baseline!.find((q) => q.scenario === p.scenario);
        const bm = b ? metricOf(b, metric) : null;
        return c === null || bm === null ? [] : [[c, bm] as const];
      });
      tests.set(
        decision.constant,
        pairedTest(
          paired.map(([c, b]) => c - b),
          `${settings.seed}:validation:${decision.constant}`,
          options.resamples,
        ),
      );
      scores.set(decision.constant, { candidate: mean(paired.map(([c]) => c)), deltas: paired.length });
    }
  }
  const corrected = holm(tests, alpha);
  const decisions = staged.map((s): RatchetDecision => {
    if (!('value' in s)) return s;
    const { decision } = s;
    const test = tests.get(decision.constant)!;
    const judged = corrected.get(decision.constant)!;
    const score = scores.get(decision.constant)!;
    const delta = test.delta;
    const complete = {
      ...decision,
      validationScore: Number.isNaN(score.candidate) ? null : score.candidate,
      validationDelta: Number.isNaN(delta) ? null : delta,
      validationInterval: score.deltas === 0 ? null : judged.interval,
      holmAlpha: judged.alpha,
      pValue: test.pValue,
    };
    const level = `${(100 * (1 - judged.alpha)).toFixed(1)}% interval [${signed(judged.interval[0])}, ${signed(judged.interval[1])}]`;
    const holmLevel = `Holm level α = ${Number(judged.alpha.toPrecision(3))}, rank ${judged.rank} of ${corrected.size}`;
    if (score.deltas === 0)
      return { ...complete, action: 'DEGENERATE', reason: 'no validation scenario could be scored' };
    if (!(delta > 0))
      return { ...complete, action: 'REJECT', reason: `no validation improvement (${signed(delta)})` };
    if (delta <= threshold) {
      return {
        ...complete,
        action: 'REJECT',
        reason: `below the improvement threshold (${signed(delta)} ≤ ${threshold})`,
      };
    }
    if (!judged.significant) {
      return {
        ...complete,
        action: 'REJECT',
        reason: `not significant after Holm correction (${holmLevel})`,
      };
    }
    const margin = decision.cliff
      ? ` (margin: moved from ${decision.cliff.shiftedFrom} away from the cliff at ${decision.cliff.cliff.from}→${decision.cliff.cliff.to})`
      : '';
    return { ...complete, action: 'ACCEPT', reason: `validated: ${signed(delta)}, ${level}${margin}` };
  });
  return { decisions: decisions.map((d) => ({ ...d, round })), trainPoints, validationPoints };
}
