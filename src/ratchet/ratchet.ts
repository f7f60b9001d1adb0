/**
 * RatchetLoop: for each constant in scope, search its curve on the training scenarios (extended past a grid
 * edge while the valid range allows), propose the value nearest the current one among those within the
 * threshold of the best, keep clear of cliffs, then test the proposals on held-out validation scenarios with
 * a calibrated sequential sign-flip test (H0: improvement ≤ threshold, Holm across proposals, α spent over
 * looks), and re-measure what it accepts on a fresh confirmation set whose estimate is the effect reported.
 * Constants that substitute for each other are searched jointly and tested as one change. Pure decision
 * logic over an evaluator, so tests can feed it synthetic scores. It never writes the constants file.
 */

import { type ConstantSpec, type ConstantValue, JOINT_GROUPS } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import type { ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import type { Interval } from '../stats/bootstrap.js';
import { lowerBound, pAbove, signFlipTest, upperBound } from '../stats/sign-flip.js';
import {
  aggregateSweep,
  type Cliff,
  type ConstantSummary,
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_CLIFF_THRESHOLD,
  type MetricName,
  pickBest,
} from '../sweep/aggregate.js';
import { singleGrid } from '../sweep/grid.js';
import type { PointScore, SweepPoint } from '../sweep/runner.js';
import type { DeferredWork } from '../util/deferred.js';
import { signed } from '../util/numbers.js';
import {
  type Curve,
  closestTo,
  degeneratePoints,
  type EdgeStop,
  jointSearch,
  nearOptimal,
  searchCurve,
} from './search.js';
import {
  DEFAULT_FUTILITY_ALPHA,
  lookSeed,
  runSequential,
  type SequentialDesign,
  type SequentialOutcome,
  sequentialDesign,
} from './sequential.js';

export type RatchetAction =
  | 'ACCEPT'
  | 'REJECT'
  | 'NO_SENSITIVITY'
  | 'NOT_READ'
  | 'NOT_MODELLED'
  | 'DEGENERATE';

/** Scores a slice of the bank's scored scenarios under the run's constants with `overrides` applied. */
export interface RatchetEvaluator {
  run(
    overrides: Readonly<Record<string, ConstantValue>>,
    slice: ScenarioSlice,
  ): Promise<readonly PointScore[]>;
}

export interface RatchetOptions {
  /** Training scenarios (the first of the bank's training role). */
  readonly trainSeeds: number;
  /** Validation scenarios at the first look. */
  readonly validationSeeds: number;
  /** Validation scenarios one round may grow to (the sequential budget); default: no growth. */
  readonly maxValidationSeeds?: number;
  /** Confirmation scenarios per round (default 60). */
  readonly confirmationSeeds?: number;
  /** Minimum improvement of mean nDCG@5, inside the null hypothesis (default 0.01). */
  readonly threshold?: number;
  /** A proposal closer than this share of the swept range to a cliff is shifted or rejected (default 0.1). */
  readonly cliffMargin?: number;
  /** A change of mean between adjacent grid values that counts as a cliff (default 0.1). */
  readonly cliffThreshold?: number;
  /** Family-wise error rate of the run (default 0.05), split evenly over the rounds. */
  readonly alpha?: number;
  readonly resamples?: number;
  readonly seed?: string;
  readonly metric?: MetricName;
  /** Grids to use instead of the registry's, by canonical name. */
  readonly grids?: Readonly<Record<string, readonly number[]>>;
  /** Rounds at most (default 2): a later round runs only when the previous one accepted something. */
  readonly rounds?: number;
  /** Search past a grid edge while the best value sits there (default true). */
  readonly extend?: boolean;
  /** Groups of constants searched jointly (default: the registry's). */
  readonly jointGroups?: readonly (readonly string[])[];
  /** Where the intervals only reports read wait, so idle time can compute them (default: computed at once). */
  readonly deferred?: DeferredWork;
}

export const RATCHET_DEFAULTS = {
  threshold: 0.01,
  cliffMargin: 0.1,
  cliffThreshold: DEFAULT_CLIFF_THRESHOLD,
  alpha: 0.05,
  rounds: 2,
  confirmationSeeds: 60,
} as const;

export interface CliffNote {
  readonly cliff: Cliff;
  readonly margin: number;
  /** The value that was too close, when the proposal was shifted away from it. */
  readonly shiftedFrom?: number;
}

export interface Confirmation {
  /** Mean paired improvement on the confirmation scenarios: the effect reported. */
  readonly delta: number;
  /** Its 95 % sign-flip interval. */
  readonly interval: Interval;
  readonly scenarios: number;
  readonly confirmed: boolean;
}

export interface JointNote {
  /** The members searched together, and this decision's share of it. */
  readonly group: readonly string[];
  /** The change tested: every member that moves. */
  readonly change: Readonly<Record<string, number>>;
  /** Each member's near-optimal interval through the proposal. */
  readonly region: Readonly<Record<string, readonly [number, number]>>;
}

export interface RatchetDecision {
  readonly constant: string;
  readonly current: ConstantValue;
  /** The value tested on validation (after any cliff shift); null when nothing was proposed. */
  readonly proposed: number | null;
  readonly action: RatchetAction;
  readonly reason: string;
  readonly trainScore: number | null;
  readonly trainDelta: number | null;
  readonly validationScore: number | null;
  readonly validationDelta: number | null;
  /** The sign-flip confidence bounds of the validation delta at the Holm level it was judged at. */
  readonly validationInterval: Interval | null;
  readonly validationScenarios: number | null;
  /** The look (1-based) of the sequential design that decided. */
  readonly look: number | null;
  readonly holmAlpha: number | null;
  /** The sign-flip p-value of H0: improvement ≤ threshold at the deciding look. */
  readonly pValue: number | null;
  readonly confirmation: Confirmation | null;
  /** Any value in [from, to] is within the threshold of the best on train. */
  readonly nearOptimal: { readonly from: number; readonly to: number } | null;
  readonly cliff?: CliffNote;
  /** The proposal is the outermost value searched. */
  readonly edgeOfGrid: boolean;
  /** Why the search ends where it does at the proposal's end (range-end: the valid range ends there). */
  readonly edgeStop: EdgeStop | null;
  /** Values searched past the registry grid. */
  readonly extended: readonly number[];
  readonly joint?: JointNote;
  /** The training curve's summary, when it ran. */
  readonly train: ConstantSummary | null;
  /** The round that made this decision (round 2 sees round 1's accepted changes applied). */
  readonly round: number;
}

export interface ValidationPoint extends PointScore {
  /** The change tested: a constant, or a joint group's members joined by '+'. */
  readonly constant: string;
  /** The value tested ('current' for the baseline; a group's values joined by '+'). */
  readonly value: ConstantValue | string;
  /** `candidate` for the proposed value, `current` for the baseline. */
  readonly role: 'candidate' | 'current';
  readonly set: 'validation' | 'confirmation';
  readonly round: number;
}

export interface RatchetOutcome {
  readonly decisions: readonly RatchetDecision[];
  readonly trainPoints: readonly SweepPoint[];
  readonly validationPoints: readonly ValidationPoint[];
  /** Scenarios each role used: train, and validation and confirmation over all rounds. */
  readonly used: { readonly train: number; readonly validation: number; readonly confirmation: number };
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
    validationScenarios: null,
    look: null,
    holmAlpha: null,
    pValue: null,
    confirmation: null,
    nearOptimal: null,
    edgeOfGrid: false,
    edgeStop: null,
    extended: [],
    train: null,
    round: 1,
  };
}

/** How far a value lies from a cliff's span (0 inside it). */
export const distanceToCliff = (value: number, cliff: Cliff) =>
  value >= cliff.from && value <= cliff.to
    ? 0
    : Math.min(Math.abs(value - cliff.from), Math.abs(value - cliff.to));

/** A change to validate: one constant, or a joint group's moving members. */
export interface Proposal {
  readonly key: string;
  readonly change: Readonly<Record<string, number>>;
  readonly decisions: readonly RatchetDecision[];
}

interface Settings {
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly cliffThreshold: number;
  readonly seed: string;
  readonly metric: MetricName;
  readonly extend: boolean;
  readonly resamples?: number;
  readonly grids?: Readonly<Record<string, readonly number[]>>;
  readonly deferred?: DeferredWork;
}

interface Trained {
  readonly decision: RatchetDecision;
  readonly curve: Curve | null;
  /** Sensitive enough to search and propose. */
  readonly sensitive: boolean;
}

const trainSlice = (n: number): ScenarioSlice => ({ role: 'train', from: 0, to: n });

function summarise(
  spec: ConstantSpec,
  current: ConstantValue,
  curve: Curve,
  settings: Settings,
): ConstantSummary {
  return aggregateSweep(
    spec.name,
    current,
    [...curve.points, ...degeneratePoints(spec.name, curve.degenerate)],
    {
      cliffThreshold: settings.cliffThreshold,
      seed: `${settings.seed}:train`,
      ...(settings.resamples ? { resamples: settings.resamples } : {}),
      metric: settings.metric,
      ...(settings.deferred ? { deferred: settings.deferred } : {}),
    },
  );
}

/** Searches a constant's training curve and judges its sensitivity; no proposal yet. */
async function train(
  evaluator: RatchetEvaluator,
  spec: ConstantSpec,
  constants: Constants,
  settings: Settings,
  trainCount: number,
): Promise<Trained> {
  const current = constants[spec.name]!;
  const start = base(spec, current);
  const done = (decision: RatchetDecision, curve: Curve | null = null): Trained => ({
    decision,
    curve,
    sensitive: false,
  });
  if (spec.engine.status === 'not-modelled')
    return done({ ...start, action: 'NOT_MODELLED', reason: spec.engine.why });
  if (spec.engine.status === 'not-read')
    return done({ ...start, action: 'NOT_READ', reason: spec.engine.why });
  if (spec.kind === 'bool' || spec.grid.length === 0) {
    return done({ ...start, action: 'NO_SENSITIVITY', reason: 'not swept (no grid)' });
  }
  const grid = singleGrid(spec.name, constants, settings.grids?.[spec.name]);
  if (grid.values.length < 2) {
    return done({
      ...start,
      action: 'DEGENERATE',
      reason: `fewer than two grid values lie in the valid range (degenerate: ${grid.degenerate.join(', ') || 'none'})`,
    });
  }
  const curve = await searchCurve(evaluator, spec, constants, {}, trainSlice(trainCount), {
    metric: settings.metric,
    current: Number(current),
    extend: settings.extend,
    ...(settings.grids?.[spec.name] ? { grid: settings.grids[spec.name] } : {}),
  });
  const summary = summarise(spec, current, curve, settings);
  const withTrain = { ...start, train: summary, extended: curve.extended };
  if (summary.scenarios.common.length === 0 || !summary.best || summary.currentMean === null) {
    return done(
      {
        ...withTrain,
        action: 'DEGENERATE',
        reason: 'no training scenario could be scored at every grid value',
      },
      curve,
    );
  }
  if (summary.effect === 'never-changes-a-ranking') {
    return done(
      { ...withTrain, action: 'NO_SENSITIVITY', reason: 'never changes a ranking on the training scenarios' },
      curve,
    );
  }
  if (!summary.bestVsWorst?.excludesZero) {
    const [lo, hi] = summary.bestVsWorst?.interval ?? [0, 0];
    return done(
      {
        ...withTrain,
        action: 'NO_SENSITIVITY',
        reason: `moves mean nDCG@5 by ${summary.range?.value.toFixed(3) ?? '0'} on train, within noise (best vs worst [${signed(lo)}, ${signed(hi)}])`,
      },
      curve,
    );
  }
  return { decision: withTrain, curve, sensitive: true };
}

/** The single-constant proposal: nearest the current value within the threshold of the best, clear of cliffs. */
function proposeSingle(trained: Trained, settings: Settings): RatchetDecision | Proposal {
  const decision = trained.decision;
  const curve = trained.curve!;
  const summary = decision.train!;
  const current = Number(decision.current);
  const currentMean = summary.currentMean!;
  const means = curve.means;
  const near = nearOptimal(means, current, settings.threshold)!;
  const runValues = means.map((m) => m.value);
  const margin = settings.cliffMargin * (Math.max(...runValues) - Math.min(...runValues));
  const tooClose = (value: number) => summary.cliffs.find((c) => distanceToCliff(value, c) <= margin);
  let candidate = closestTo(near.values, current);
  let cliffNote: CliffNote | undefined;
  const nearCliff = candidate !== current ? tooClose(candidate) : undefined;
  if (nearCliff) {
    const safeNear = near.values.filter((v) => !tooClose(v));
    const safe =
      safeNear.length > 0
        ? means.find((m) => m.value === closestTo(safeNear, current))!
        : pickBest(
            means.filter((m) => !tooClose(m.value)),
            current,
          );
    if (!safe || safe.value === current || safe.mean <= currentMean) {
      return {
        ...decision,
        proposed: candidate,
        trainScore: means.find((m) => m.value === candidate)!.mean,
        trainDelta: means.find((m) => m.value === candidate)!.mean - currentMean,
        nearOptimal: { from: near.from, to: near.to },
        cliff: { cliff: nearCliff, margin },
        action: 'REJECT',
        reason: `too close to the cliff at ${nearCliff.from}→${nearCliff.to} (${nearCliff.direction} ${signed(nearCliff.delta)}), and no value outside the margin (${margin.toPrecision(3)}) beats the current one`,
      };
    }
    cliffNote = { cliff: nearCliff, margin, shiftedFrom: candidate };
    candidate = safe.value;
  }
  const candidateMean = means.find((m) => m.value === candidate)!.mean;
  const atLow = candidate === runValues[0];
  const atHigh = candidate === runValues.at(-1);
  const decided: RatchetDecision = {
    ...decision,
    proposed: candidate,
    trainScore: candidateMean,
    trainDelta: candidateMean - currentMean,
    nearOptimal: { from: near.from, to: near.to },
    edgeOfGrid: atLow || atHigh,
    edgeStop: atLow ? curve.stop.low : atHigh ? curve.stop.high : null,
    ...(cliffNote ? { cliff: cliffNote } : {}),
  };
  if (candidate === current) {
    return {
      ...decided,
      proposed: null,
      action: 'REJECT',
      reason: `the current value is within the threshold of the best on train: any value in [${near.from}, ${near.to}] is within ${settings.threshold} of the best (${near.best.value}, ${signed(near.best.mean - currentMean)})`,
    };
  }
  return { key: decision.constant, change: { [decision.constant]: candidate }, decisions: [decided] };
}

/** The joint proposal of a group's sensitive members. */
async function proposeJoint(
  evaluator: RatchetEvaluator,
  members: readonly Trained[],
  specs: readonly ConstantSpec[],
  constants: Constants,
  settings: Settings,
  trainCount: number,
): Promise<RatchetDecision[] | Proposal> {
  const result = await jointSearch(evaluator, specs, constants, trainSlice(trainCount), {
    metric: settings.metric,
    threshold: settings.threshold,
    extend: settings.extend,
  });
  const group = specs.map((s) => s.name);
  const change = Object.fromEntries(
    Object.entries(result.proposal).filter(([name, value]) => value !== Number(constants[name])),
  );
  const currentMean = members[0]!.decision.train!.currentMean!;
  const joint: JointNote = { group, change, region: result.region };
  const regionText = group
    .map((name) => `${name} ∈ [${result.region[name]![0]}, ${result.region[name]![1]}]`)
    .join(', ');
  const decisions = members.map((m, i): RatchetDecision => {
    const spec = specs[i]!;
    const curve = result.curves.get(spec.name)!;
    const value = result.proposal[spec.name]!;
    const values = curve.means.map((x) => x.value);
    const atLow = value === values[0];
    const atHigh = value === values.at(-1);
    return {
      ...m.decision,
      train: summarise(spec, m.decision.current, curve, settings),
      extended: [...new Set([...m.decision.extended, ...curve.extended])],
      proposed: spec.name in change ? value : null,
      trainScore: result.proposalMean,
      trainDelta: result.proposalMean - currentMean,
      nearOptimal: { from: result.region[spec.name]![0], to: result.region[spec.name]![1] },
      edgeOfGrid: spec.name in change && (atLow || atHigh),
      edgeStop: spec.name in change ? (atLow ? curve.stop.low : atHigh ? curve.stop.high : null) : null,
      joint,
    };
  });
  if (Object.keys(change).length === 0) {
    return decisions.map((d) => ({
      ...d,
      action: 'REJECT',
      reason: `searched jointly with ${group.filter((n) => n !== d.constant).join(', ')}: the current values are within ${settings.threshold} of the best found on train (${signed(result.bestMean - currentMean)}); region ${regionText}`,
    }));
  }
  return { key: Object.keys(change).join('+'), change, decisions };
}

/**
 * The ratchet clicks forward in rounds: round 1 judges every constant from the current values; when it
 * accepts changes, the next round judges the remaining constants with those changes applied (a detuned
 * constant can mask every other one), on validation and confirmation scenarios no earlier round used. The
 * family-wise α is split evenly over the rounds allowed, so the error rate holds over the whole run.
 */
export async function runRatchet(
  evaluator: RatchetEvaluator,
  scope: readonly ConstantSpec[],
  constants: Constants,
  options: RatchetOptions,
): Promise<RatchetOutcome> {
  const rounds = Math.max(1, options.rounds ?? RATCHET_DEFAULTS.rounds);
  const alpha = (options.alpha ?? RATCHET_DEFAULTS.alpha) / rounds;
  const decisions = new Map<string, RatchetDecision>();
  const trainPoints: SweepPoint[] = [];
  const validationPoints: ValidationPoint[] = [];
  const applied: Record<string, number> = {};
  const used = { train: options.trainSeeds, validation: 0, confirmation: 0 };
  let remaining = [...scope];
  for (let round = 1; round <= rounds && remaining.length > 0; round++) {
    const shifted: RatchetEvaluator = {
      run: (overrides, slice) => evaluator.run({ ...applied, ...overrides }, slice),
    };
    const outcome = await runRound(shifted, remaining, withOverrides(constants, applied), options, {
      round,
      alpha,
      validationFrom: used.validation,
      confirmationFrom: used.confirmation,
    });
    trainPoints.push(...outcome.trainPoints);
    validationPoints.push(...outcome.validationPoints);
    used.validation += outcome.used.validation;
    used.confirmation += outcome.used.confirmation;
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
  return { decisions: scope.map((spec) => decisions.get(spec.name)!), trainPoints, validationPoints, used };
}

interface RoundPlan {
  readonly round: number;
  readonly alpha: number;
  readonly validationFrom: number;
  readonly confirmationFrom: number;
}

/** Paired deltas (candidate − current) by scenario order of the slice. */
function pairedDeltas(
  candidate: readonly PointScore[],
  current: readonly PointScore[],
  metric: MetricName,
): number[] {
  return candidate.map((p, i) => {
    const c = metricOf(p, metric);
    const b = current[i]?.scenario === p.scenario ? metricOf(current[i]!, metric) : null;
    if (c === null || b === null) throw new Error(`validation scenario ${p.scenario} was not scored`);
    return c - b;
  });
}

function roundSettings(options: RatchetOptions, round: number): Settings {
  return {
    threshold: options.threshold ?? RATCHET_DEFAULTS.threshold,
    cliffMargin: options.cliffMargin ?? RATCHET_DEFAULTS.cliffMargin,
    cliffThreshold: options.cliffThreshold ?? RATCHET_DEFAULTS.cliffThreshold,
    seed: `${options.seed ?? DEFAULT_BOOTSTRAP_SEED}${round > 1 ? `:round${round}` : ''}`,
    metric: options.metric ?? 'ndcg@5',
    extend: options.extend ?? true,
    ...(options.resamples ? { resamples: options.resamples } : {}),
    ...(options.grids ? { grids: options.grids } : {}),
    ...(options.deferred ? { deferred: options.deferred } : {}),
  };
}

/** What a round's training stage yields: decisions made without validation, and the proposals to test. */
export interface TrainedRound {
  /** In scope order: a decision, or the proposal (single or joint) a constant's decision waits on. */
  readonly staged: readonly (RatchetDecision | Proposal)[];
  readonly proposals: readonly Proposal[];
  readonly trainPoints: readonly SweepPoint[];
}

/** The training stage of a round: every constant's search, the joint groups' searches, the proposals. */
export async function trainRound(
  evaluator: RatchetEvaluator,
  scope: readonly ConstantSpec[],
  constants: Constants,
  options: RatchetOptions,
  round = 1,
): Promise<TrainedRound> {
  const settings = roundSettings(options, round);
  // Every constant's training search is requested at once; decisions keep the scope's order.
  const trained = await Promise.all(
    scope.map((spec) => train(evaluator, spec, constants, settings, options.trainSeeds)),
  );
  const trainPoints = trained.flatMap((t, i) =>
    t.curve ? [...t.curve.points, ...degeneratePoints(scope[i]!.name, t.curve.degenerate)] : [],
  );
  const groups = (options.jointGroups ?? JOINT_GROUPS)
    .map((names) => scope.filter((spec, i) => names.includes(spec.name) && trained[i]!.sensitive))
    .filter((members) => members.length >= 2);
  const grouped = new Set(groups.flat().map((spec) => spec.name));
  const staged: (RatchetDecision | Proposal)[] = trained.map((t, i) =>
    t.sensitive && !grouped.has(scope[i]!.name) ? proposeSingle(t, settings) : t.decision,
  );
  const joints = await Promise.all(
    groups.map((members) =>
      proposeJoint(
        evaluator,
        members.map((spec) => trained[scope.indexOf(spec)]!),
        members,
        constants,
        settings,
        options.trainSeeds,
      ),
    ),
  );
  for (const joint of joints) {
    if ('key' in joint) {
      staged.push(joint);
      continue;
    }
    for (const d of joint) staged[scope.findIndex((s) => s.name === d.constant)] = d;
  }
  return { staged, proposals: staged.filter((s): s is Proposal => 'key' in s), trainPoints };
}

/** The validation looks of a round: the sequential design for its first look and budget. */
export function roundDesign(options: RatchetOptions, alpha: number): SequentialDesign {
  return sequentialDesign(
    options.validationSeeds,
    Math.max(options.validationSeeds, options.maxValidationSeeds ?? options.validationSeeds),
    alpha,
  );
}

/** A validated change is confirmed when fresh scenarios show it improves at all (mean delta > 0). */
export const isConfirmed = (deltas: readonly number[]): boolean =>
  deltas.length > 0 && deltas.reduce((a, b) => a + b, 0) / deltas.length > 0;

async function runRound(
  evaluator: RatchetEvaluator,
  scope: readonly ConstantSpec[],
  constants: Constants,
  options: RatchetOptions,
  plan: RoundPlan,
): Promise<Omit<RatchetOutcome, 'used'> & { used: { validation: number; confirmation: number } }> {
  const settings = roundSettings(options, plan.round);
  const { round } = plan;
  const { staged, trainPoints } = await trainRound(evaluator, scope, constants, options, round);
  const proposals = staged.filter((s): s is Proposal => 'key' in s);
  const validationPoints: ValidationPoint[] = [];
  const verdicts = new Map<string, RatchetDecision[]>();
  let validationUsed = 0;
  let confirmationUsed = 0;
  if (proposals.length > 0) {
    const design = roundDesign(options, plan.alpha);
    const slice = (n: number): ScenarioSlice => ({
      role: 'validation',
      from: plan.validationFrom,
      to: plan.validationFrom + n,
    });
    const byKey = new Map(proposals.map((p) => [p.key, p]));
    const lastPoints = new Map<
      string,
      { current: readonly PointScore[]; candidate: readonly PointScore[] }
    >();
    const outcomes = await runSequential(
      design,
      proposals.map((p) => p.key),
      async (keys, n) => {
        validationUsed = Math.max(validationUsed, n);
        const [current, ...candidates] = await Promise.all([
          evaluator.run({}, slice(n)),
          ...keys.map((key) => evaluator.run(byKey.get(key)!.change, slice(n))),
        ]);
        const deltas = new Map<string, number[]>();
        for (const [i, key] of keys.entries()) {
          deltas.set(key, pairedDeltas(candidates[i]!, current!, settings.metric));
          lastPoints.set(key, { current: current!, candidate: candidates[i]! });
        }
        return deltas;
      },
      {
        threshold: settings.threshold,
        seed: `${settings.seed}:validation`,
        ...(settings.resamples ? { resamples: settings.resamples } : {}),
      },
    );
    const accepted = proposals.filter((p) => outcomes.get(p.key)!.status === 'accepted');
    const confirmations = new Map<
      string,
      { deltas: number[]; points: { current: readonly PointScore[]; candidate: readonly PointScore[] } }
    >();
    if (accepted.length > 0) {
      confirmationUsed = options.confirmationSeeds ?? RATCHET_DEFAULTS.confirmationSeeds;
      const confirmSlice: ScenarioSlice = {
        role: 'confirmation',
        from: plan.confirmationFrom,
        to: plan.confirmationFrom + confirmationUsed,
      };
      const [current, ...candidates] = await Promise.all([
        evaluator.run({}, confirmSlice),
        ...accepted.map((p) => evaluator.run(p.change, confirmSlice)),
      ]);
      for (const [i, p] of accepted.entries()) {
        confirmations.set(p.key, {
          deltas: pairedDeltas(candidates[i]!, current!, settings.metric),
          points: { current: current!, candidate: candidates[i]! },
        });
      }
    }
    for (const p of proposals) {
      const outcome = outcomes.get(p.key)!;
      const points = lastPoints.get(p.key)!;
      const confirmation = confirmations.get(p.key);
      const value = (role: 'current' | 'candidate', which: 'validation' | 'confirmation', q: PointScore) => ({
        constant: p.key,
        value: role === 'current' ? 'current' : Object.values(p.change).join('+'),
        role,
        set: which,
        round,
        ...q,
      });
      for (const q of points.current) validationPoints.push(value('current', 'validation', q));
      for (const q of points.candidate) validationPoints.push(value('candidate', 'validation', q));
      if (confirmation) {
        for (const q of confirmation.points.current)
          validationPoints.push(value('current', 'confirmation', q));
        for (const q of confirmation.points.candidate)
          validationPoints.push(value('candidate', 'confirmation', q));
      }
      verdicts.set(p.key, judge(p, outcome, points, confirmation?.deltas ?? null, settings));
    }
  }
  const decisions = staged.flatMap((s): RatchetDecision[] => ('key' in s ? [] : [s]));
  const byName = new Map(decisions.map((d) => [d.constant, d]));
  for (const list of verdicts.values()) for (const d of list) byName.set(d.constant, d);
  return {
    decisions: scope.map((spec) => ({ ...byName.get(spec.name)!, round })),
    trainPoints,
    validationPoints,
    used: { validation: validationUsed, confirmation: confirmationUsed },
  };
}

function judge(
  proposal: Proposal,
  outcome: SequentialOutcome,
  points: { current: readonly PointScore[]; candidate: readonly PointScore[] },
  confirmationDeltas: readonly number[] | null,
  settings: Settings,
): RatchetDecision[] {
  const deltas = pairedDeltas(points.candidate, points.current, settings.metric);
  const test = signFlipTest(
    deltas,
    lookSeed(`${settings.seed}:validation`, proposal.key, outcome.look),
    settings.resamples,
  );
  const candidateScores = points.candidate.map((p) => metricOf(p, settings.metric)!);
  const interval: Interval = [lowerBound(test, outcome.level), upperBound(test, outcome.level)];
  const pValue = pAbove(test, settings.threshold);
  let confirmation: Confirmation | null = null;
  if (confirmationDeltas) {
    const c = signFlipTest(
      confirmationDeltas,
      `${settings.seed}:confirmation:${proposal.key}`,
      settings.resamples,
    );
    confirmation = {
      delta: c.mean,
      interval: [lowerBound(c, 0.025), upperBound(c, 0.025)],
      scenarios: c.n,
      confirmed: isConfirmed(confirmationDeltas),
    };
  }
  const level = `${(100 * (1 - outcome.level)).toFixed(2)}% lower bound ${signed(interval[0])}`;
  const where = `look ${outcome.look}, ${outcome.n} validation scenarios`;
  const holm = `Holm level ${Number(outcome.level.toPrecision(3))}, rank ${outcome.rank} of ${outcome.family}`;
  const with_ = (d: RatchetDecision): RatchetDecision => ({
    ...d,
    validationScore: candidateScores.reduce((a, b) => a + b, 0) / candidateScores.length,
    validationDelta: test.mean,
    validationInterval: interval,
    validationScenarios: outcome.n,
    look: outcome.look,
    holmAlpha: outcome.level,
    pValue,
    confirmation,
  });
  const together =
    Object.keys(proposal.change).length > 1
      ? ` (tested together: ${Object.entries(proposal.change)
          .map(([n, v]) => `${n} = ${v}`)
          .join(', ')})`
      : '';
  return proposal.decisions.map((d) => {
    const complete = with_(d);
    if (d.proposed === null) {
      return {
        ...complete,
        action: 'REJECT',
        reason: `kept: its current value lies in the near-optimal region of the joint search${together}`,
      };
    }
    if (outcome.status === 'futile') {
      return {
        ...complete,
        action: 'REJECT',
        reason: `below the improvement threshold: ${signed(test.mean)} on ${where}, improvement > ${settings.threshold} ruled out at level ${DEFAULT_FUTILITY_ALPHA}${together}`,
      };
    }
    if (outcome.status === 'undecided') {
      return {
        ...complete,
        action: 'REJECT',
        reason: `not shown to improve by more than ${settings.threshold}: ${signed(test.mean)} on ${where}, p = ${pValue.toPrecision(2)} (${holm})${together}`,
      };
    }
    if (confirmation && !confirmation.confirmed) {
      return {
        ...complete,
        action: 'REJECT',
        reason: `not confirmed: validated (${signed(test.mean)}, ${level}, ${where}) but ${signed(confirmation.delta)} on ${confirmation.scenarios} fresh confirmation scenarios${together}`,
      };
    }
    const margin =
      d.cliff?.shiftedFrom !== undefined
        ? ` (margin: moved from ${d.cliff.shiftedFrom} away from the cliff at ${d.cliff.cliff.from}→${d.cliff.cliff.to})`
        : '';
    const confirmed = confirmation
      ? `; confirmed ${signed(confirmation.delta)} [${signed(confirmation.interval[0])}, ${signed(confirmation.interval[1])}] on ${confirmation.scenarios} fresh scenarios`
      : '';
    return {
      ...complete,
      action: 'ACCEPT',
      reason: `validated: ${signed(test.mean)}, ${level} > ${settings.threshold} (${where}, ${holm})${confirmed}${margin}${together}`,
    };
  });
}
