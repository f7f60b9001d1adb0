/**
 * The training search: a constant's curve over its grid, extended outward while the best value sits at an
 * edge the valid range goes past; the near-optimal interval (every value within the threshold of the best);
 * and the joint search of constants that substitute for each other. Pure over a ratchet evaluator.
 */
import type { ConstantSpec, ConstantValue } from '../constants/registry.js';
import { type Constants, inRange, numericRange, withOverrides } from '../constants/values.js';
import type { ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import { mean } from '../stats/bootstrap.js';
import { type MetricName, pickBest, TIE_TOLERANCE } from '../sweep/aggregate.js';
import { singleGrid } from '../sweep/grid.js';
import type { PointScore, SweepPoint } from '../sweep/runner.js';

/** Most values added past a grid edge. */
export const MAX_EXTENSION_STEPS = 6;
/** An outward step shorter than this share of the grid's span means the valid range ends there. */
export const EXTENSION_RESOLUTION = 0.01;

export interface ScoredRun {
  run(
    overrides: Readonly<Record<string, ConstantValue>>,
    slice: ScenarioSlice,
  ): Promise<readonly PointScore[]>;
}

export interface Curve {
  readonly constant: string;
  /** Every value evaluated, ascending, with its mean over the slice (all of the slice's scenarios). */
  readonly means: readonly { readonly value: number; readonly mean: number }[];
  readonly points: readonly SweepPoint[];
  /** Values evaluated past the registry grid, in the order they were tried. */
  readonly extended: readonly number[];
  /** Where the search stopped at each end: the valid range ends, or the search limit was reached. */
  readonly stop: { readonly low: EdgeStop; readonly high: EdgeStop };
  readonly degenerate: readonly number[];
}

/** Why the curve ends where it does: 'grid' (the best lies inside, no need to go on), 'range-end' or 'limit'. */
export type EdgeStop = 'grid' | 'range-end' | 'limit';

export interface CurveOptions {
  readonly metric: MetricName;
  /** The value ties go to (the constant's current value). */
  readonly current: number;
  readonly extend: boolean;
  readonly grid?: readonly number[];
  /** Values to evaluate besides the grid (found by an earlier search). */
  readonly extra?: readonly number[];
}

const scoreOf = (p: PointScore, metric: MetricName) =>
  p.status === 'ok' && p.metrics ? p.metrics[metric] : null;

/** Mean per value over the scenarios scored at every value (all of them in a bank slice). */
export function curveMeans(
  points: readonly SweepPoint[],
  metric: MetricName,
): { value: number; mean: number }[] {
  const byValue = new Map<number, SweepPoint[]>();
  for (const p of points) {
    if (p.degenerateValue) continue;
    byValue.set(Number(p.value), [...(byValue.get(Number(p.value)) ?? []), p]);
  }
  const scenarios = [...new Set(points.filter((p) => !p.degenerateValue).map((p) => p.scenario))].filter(
    (name) =>
      [...byValue.values()].every((ps) => ps.some((p) => p.scenario === name && scoreOf(p, metric) !== null)),
  );
  return [...byValue]
    .sort(([a], [b]) => a - b)
    .map(([value, ps]) => ({
      value,
      mean: mean(scenarios.map((name) => scoreOf(ps.find((p) => p.scenario === name)!, metric)!)),
    }));
}

/**
 * The next value past the edge of `values` in `direction`: twice the last gap further, or halfway to an
 * open bound (the bound itself when closed) when that step would leave the valid range; null when the range
 * ends within the resolution.
 */
export function nextOutward(
  spec: ConstantSpec,
  values: readonly number[],
  direction: 'low' | 'high',
  constants: Constants,
  span: number,
): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  const up = direction === 'high';
  const edge = up ? sorted.at(-1)! : sorted[0]!;
  const inner = up ? sorted.at(-2)! : sorted[1]!;
  const range = numericRange(spec, constants);
  let next = up ? edge + 2 * (edge - inner) : edge - 2 * (inner - edge);
  const bound = up ? range.hi : range.lo;
  const open = up ? range.hiOpen : range.loOpen;
  if (bound !== undefined && (up ? next >= bound : next <= bound)) {
    next = open ? (edge + bound) / 2 : bound;
  }
  if (spec.kind === 'int')
    next = up ? Math.max(Math.round(next), edge + 1) : Math.min(Math.round(next), edge - 1);
  next = Number(next.toPrecision(6));
  if (Math.abs(next - edge) < EXTENSION_RESOLUTION * span || next === edge) return null;
  return inRange(spec, next, { ...constants, [spec.name]: next }) ? next : null;
}

async function sweep(
  evaluator: ScoredRun,
  name: string,
  values: readonly number[],
  fixed: Readonly<Record<string, number>>,
  slice: ScenarioSlice,
): Promise<SweepPoint[]> {
  const scored = await Promise.all(values.map((value) => evaluator.run({ ...fixed, [name]: value }, slice)));
  return values.flatMap((value, i) => scored[i]!.map((s) => ({ constant: name, value, ...s })));
}

/**
 * A constant's training curve with the other constants at `constants` (plus `fixed`, which the evaluator
 * does not apply by itself): the grid, then outward steps while the best value is the outermost one.
 */
export async function searchCurve(
  evaluator: ScoredRun,
  spec: ConstantSpec,
  constants: Constants,
  fixed: Readonly<Record<string, number>>,
  slice: ScenarioSlice,
  options: CurveOptions,
): Promise<Curve> {
  const effective = withOverrides(constants, fixed);
  const grid = singleGrid(spec.name, { ...effective, [spec.name]: options.current }, options.grid);
  const own = typeof effective[spec.name] === 'number' ? [Number(effective[spec.name])] : [];
  const values = [...new Set([...grid.values, ...own, ...(options.extra ?? [])])]
    .filter((v) => inRange(spec, v, { ...effective, [spec.name]: v }))
    .sort((a, b) => a - b);
  const span = Math.max(...values) - Math.min(...values) || 1;
  const points = await sweep(evaluator, spec.name, values, fixed, slice);
  const extended: number[] = [];
  const stop: { low: EdgeStop; high: EdgeStop } = { low: 'grid', high: 'grid' };
  if (options.extend) {
    for (let step = 0; ; step++) {
      const means = curveMeans(points, options.metric);
      const best = pickBest(means, options.current);
      const flat =
        Math.max(...means.map((m) => m.mean)) - Math.min(...means.map((m) => m.mean)) <= TIE_TOLERANCE;
      if (!best || flat) break;
      const evaluated = means.map((m) => m.value);
      const direction = best.value === evaluated.at(-1) ? 'high' : best.value === evaluated[0] ? 'low' : null;
      if (!direction) break;
      if (step >= MAX_EXTENSION_STEPS) {
        stop[direction] = 'limit';
        break;
      }
      const next = nextOutward(spec, evaluated, direction, effective, span);
      if (next === null) {
        stop[direction] = 'range-end';
        break;
      }
      extended.push(next);
      points.push(...(await sweep(evaluator, spec.name, [next], fixed, slice)));
    }
  }
  return {
    constant: spec.name,
    means: curveMeans(points, options.metric),
    points,
    extended,
    stop,
    degenerate: grid.degenerate,
  };
}

export interface NearOptimal {
  readonly from: number;
  readonly to: number;
  /** The values of the interval that were evaluated. */
  readonly values: readonly number[];
  readonly best: { readonly value: number; readonly mean: number };
}

/** The contiguous run of evaluated values around the best whose means lie within `threshold` of it. */
export function nearOptimal(
  means: readonly { value: number; mean: number }[],
  current: number,
  threshold: number,
): NearOptimal | null {
  const best = pickBest(means, current);
  if (!best) return null;
  const sorted = [...means].sort((a, b) => a.value - b.value);
  let lo = sorted.findIndex((m) => m.value === best.value);
  let hi = lo;
  const within = (m: { mean: number }) => m.mean >= best.mean - threshold - TIE_TOLERANCE;
  while (lo > 0 && within(sorted[lo - 1]!)) lo--;
  while (hi < sorted.length - 1 && within(sorted[hi + 1]!)) hi++;
  const values = sorted.slice(lo, hi + 1).map((m) => m.value);
  return { from: values[0]!, to: values.at(-1)!, values, best };
}

/** The value nearest `current` (ties: the smaller). */
export function closestTo(values: readonly number[], current: number): number {
  return [...values].sort((a, b) => Math.abs(a - current) - Math.abs(b - current) || a - b)[0]!;
}

export interface JointResult {
  /** The proposal: each member's value (its current value when it should not move). */
  readonly proposal: Readonly<Record<string, number>>;
  /** Each member's near-optimal interval along its axis at the proposal. */
  readonly region: Readonly<Record<string, readonly [number, number]>>;
  /** Each member's curve through the proposal (the others held at the proposal). */
  readonly curves: ReadonlyMap<string, Curve>;
  /** The best joint training mean found, and the proposal's. */
  readonly bestMean: number;
  readonly proposalMean: number;
  readonly passes: number;
}

/** Most coordinate passes of the joint search. */
export const MAX_JOINT_PASSES = 3;

/**
 * Joint search of constants that substitute for each other: coordinate ascent from the current values
 * (each member in turn moves to its best value with the others held), until a pass moves nothing; then,
 * member by member, each moves back toward its current value as far as the joint mean stays within the
 * threshold of the best found, so the proposal is the change the evidence requires and no more.
 */
export async function jointSearch(
  evaluator: ScoredRun,
  members: readonly ConstantSpec[],
  constants: Constants,
  slice: ScenarioSlice,
  options: { metric: MetricName; threshold: number; extend: boolean },
): Promise<JointResult> {
  const current = Object.fromEntries(members.map((spec) => [spec.name, Number(constants[spec.name])]));
  const point: Record<string, number> = { ...current };
  // Every value searched for a member, and how its last outward search ended: later curves include them.
  const seen = new Map<string, Set<number>>(members.map((spec) => [spec.name, new Set<number>()]));
  const stops = new Map<string, Curve['stop']>();
  const curveAt = async (spec: ConstantSpec, extend: boolean) => {
    const { [spec.name]: own, ...others } = point;
    const curve = await searchCurve(evaluator, spec, constants, others, slice, {
      metric: options.metric,
      current: own!,
      extend,
      extra: [...seen.get(spec.name)!],
    });
    for (const m of curve.means) seen.get(spec.name)!.add(m.value);
    if (extend) stops.set(spec.name, mergeStops(stops.get(spec.name), curve.stop));
    return { ...curve, stop: stops.get(spec.name) ?? curve.stop };
  };
  let passes = 0;
  let bestMean = Number.NEGATIVE_INFINITY;
  for (; passes < MAX_JOINT_PASSES; ) {
    passes++;
    let moved = false;
    for (const spec of members) {
      const curve = await curveAt(spec, options.extend);
      const best = pickBest(curve.means, point[spec.name]!)!;
      bestMean = best.mean;
      if (best.value !== point[spec.name]) {
        point[spec.name] = best.value;
        moved = true;
      }
    }
    if (!moved) break;
  }
  for (const spec of members) {
    const curve = await curveAt(spec, false);
    const within = curve.means.filter((m) => m.mean >= bestMean - options.threshold - TIE_TOLERANCE);
    const run = contiguousAround(curve.means, within, point[spec.name]!);
    point[spec.name] = closestTo(run, current[spec.name]!);
  }
  const finals = await Promise.all(members.map((spec) => curveAt(spec, false)));
  const curves = new Map(members.map((spec, i) => [spec.name, finals[i]!]));
  const region: Record<string, readonly [number, number]> = {};
  let proposalMean = Number.NaN;
  for (const spec of members) {
    const curve = curves.get(spec.name)!;
    const within = curve.means.filter((m) => m.mean >= bestMean - options.threshold - TIE_TOLERANCE);
    const run = contiguousAround(curve.means, within, point[spec.name]!);
    region[spec.name] = [run[0]!, run.at(-1)!];
    proposalMean = curve.means.find((m) => m.value === point[spec.name])!.mean;
  }
  return { proposal: point, region, curves, bestMean, proposalMean, passes };
}

/** The stops of two searches of one axis: a range end found once stays found. */
export function mergeStops(a: Curve['stop'] | undefined, b: Curve['stop']): Curve['stop'] {
  const pick = (x: EdgeStop | undefined, y: EdgeStop): EdgeStop =>
    x === 'range-end' || y === 'range-end' ? 'range-end' : x === 'limit' || y === 'limit' ? 'limit' : 'grid';
  return { low: pick(a?.low, b.low), high: pick(a?.high, b.high) };
}

/** The contiguous run of `within` values (in the curve's order) that contains `at`. */
export function contiguousAround(
  means: readonly { value: number; mean: number }[],
  within: readonly { value: number }[],
  at: number,
): number[] {
  const sorted = [...means].sort((a, b) => a.value - b.value).map((m) => m.value);
  const ok = new Set(within.map((m) => m.value));
  let lo = sorted.indexOf(at);
  if (lo < 0 || !ok.has(at)) return [at];
  let hi = lo;
  while (lo > 0 && ok.has(sorted[lo - 1]!)) lo--;
  while (hi < sorted.length - 1 && ok.has(sorted[hi + 1]!)) hi++;
  return sorted.slice(lo, hi + 1);
}

/** The summary points of a value the registry marks degenerate (reported, never run). */
export function degeneratePoints(name: string, values: readonly number[]): SweepPoint[] {
  return values.map((value) => ({
    constant: name,
    value,
    scenario: '*',
    status: 'skipped-degenerate',
    reason: `${name} = ${value} is outside the valid range: degenerate, not run`,
    metrics: null,
    calibrationError: null,
    rankingHash: null,
    durationMs: 0,
    degenerateValue: true,
  }));
}
