/**
 * ResultsAggregator: turns sweep points into curves, best values, sensitivity with intervals, cliffs,
 * degenerate values, error counts and whether a constant changes any ranking at all. Pure and seeded.
 *
 * Same-scenario rule: every statistic is computed over the scenarios that ran successfully at every
 * (non-degenerate) value of the sweep, so each comparison is paired; the scenarios left out are named.
 */
import type { ConstantValue } from '../constants/registry.js';
import type { RankingMetrics } from '../metrics/ranking.js';
import { bootstrapIntervals, excludesZero, type Interval, mean, meanInterval } from '../stats/bootstrap.js';
import { simultaneousIntervals } from '../stats/sign-flip.js';
import type { DeferredWork } from '../util/deferred.js';
import type { PairPoint, PointScore, SweepPoint } from './runner.js';

export type MetricName = keyof RankingMetrics;

export interface AggregateOptions {
  readonly metric?: MetricName;
  /** A difference in mean metric between adjacent values of at least this is a cliff. */
  readonly cliffThreshold?: number;
  readonly resamples?: number;
  /** Seed prefix of the bootstrap; each statistic derives its own seed from it. */
  readonly seed?: string;
  /**
   * Where the intervals only reports read (each value's mean, the range) wait until read; without it they
   * are computed at once. The decision's interval (best vs worst) is always computed at once.
   */
  readonly deferred?: DeferredWork;
}

export const DEFAULT_CLIFF_THRESHOLD = 0.1;
export const DEFAULT_BOOTSTRAP_SEED = 'memory-ratchet';
/** Means closer than this are ties. */
export const TIE_TOLERANCE = 1e-12;

export interface ValueSummary {
  readonly value: number;
  readonly ok: number;
  readonly errors: number;
  readonly skipped: number;
  readonly degenerate: boolean;
  /** Mean over the common scenario set; null when the value never ran. */
  readonly mean: number | null;
  readonly interval: Interval | null;
}

export interface Cliff {
  readonly from: number;
  readonly to: number;
  /** mean(to) − mean(from), with `to` the larger value. */
  readonly delta: number;
  readonly direction: 'drop' | 'rise';
}

/**
 * What a constant does to one ranking's nDCG@5 (the topic queries, the policies, the facts, …) over the common
 * scenarios that ask it: a constant that shapes one ranking may move the scenario mean little because the
 * others dilute it. Descriptive: the decisions use the scenario mean only.
 */
export interface RankingEffect {
  readonly ranking: string;
  /** The common scenarios that ask this ranking. */
  readonly scenarios: number;
  readonly best: { readonly value: number; readonly mean: number };
  readonly worst: { readonly value: number; readonly mean: number };
  /** best.mean − worst.mean: the range of this ranking's mean curve. */
  readonly range: number;
  /**
   * The sign-flip interval of the paired per-scenario delta best − worst, 95 % simultaneous over the
   * rankings (Bonferroni), since reports single out the one that moved most.
   */
  readonly interval: Interval;
}

export type Effect = 'never-changes-a-ranking' | 'changes-rankings-not-metric' | 'changes-metric';

export interface ConstantSummary {
  readonly constant: string;
  readonly current: ConstantValue;
  readonly metric: MetricName;
  readonly values: readonly ValueSummary[];
  readonly scenarios: ScenarioSet;
  readonly best: { readonly value: number; readonly mean: number } | null;
  readonly worst: { readonly value: number; readonly mean: number } | null;
  readonly currentMean: number | null;
  /** Range of the mean curve, with its bootstrap interval. */
  readonly range: { readonly value: number; readonly interval: Interval } | null;
  /** Paired per-scenario delta best − worst, with its bootstrap interval. */
  readonly bestVsWorst: {
    readonly delta: number;
    readonly interval: Interval;
    readonly excludesZero: boolean;
  } | null;
  readonly cliffs: readonly Cliff[];
  readonly degenerateValues: readonly number[];
  readonly errors: number;
  readonly skipped: number;
  readonly effect: Effect;
  /** The best value is the lowest or highest run value (and the curve is not flat): extend the grid. */
  readonly edgeOfGrid: boolean;
  /** Each ranking's own effect, the largest range first (ties by name); absent in reports from before it. */
  readonly byRanking?: readonly RankingEffect[];
}

const metricOf = (point: PointScore, metric: MetricName): number | null =>
  point.status === 'ok' && point.metrics ? point.metrics[metric] : null;

export interface ScenarioSet {
  /** Ok at every run value: every statistic uses exactly these. */
  readonly common: readonly string[];
  /** Skipped as degenerate at every value (the scenario itself cannot be scored). */
  readonly degenerate: readonly string[];
  /** Left out because of an error (or a skip) at some value. */
  readonly excluded: readonly string[];
}

/** Scenarios ok at every run value (in first-seen order), the degenerate ones, and the others. */
function commonScenarios(groups: ReadonlyMap<number, readonly PointScore[]>): ScenarioSet {
  const all = [...groups.values()].flat();
  const names = [...new Set(all.map((p) => p.scenario))];
  const common = names.filter((name) =>
    [...groups.values()].every((points) => points.some((p) => p.scenario === name && p.status === 'ok')),
  );
  const degenerate = names.filter((name) =>
    all.filter((p) => p.scenario === name).every((p) => p.status === 'skipped-degenerate'),
  );
  return {
    common,
    degenerate,
    excluded: names.filter((n) => !common.includes(n) && !degenerate.includes(n)),
  };
}

/** Compares distances, treating those within the tie tolerance as equal (0.4 − 0.3 vs 0.5 − 0.4). */
const nearer = (a: number, b: number): number => (Math.abs(a - b) <= TIE_TOLERANCE ? 0 : a - b);

/** Ties go to the current value, then to the value nearest it, then to the smaller value. */
export function pickBest(
  means: readonly { value: number; mean: number }[],
  current: number,
): { value: number; mean: number } | null {
  if (means.length === 0) return null;
  const top = Math.max(...means.map((m) => m.mean));
  const tied = means.filter((m) => top - m.mean <= TIE_TOLERANCE);
  return [...tied].sort(
    (x, y) =>
      Number(y.value === current) - Number(x.value === current) ||
      nearer(Math.abs(x.value - current), Math.abs(y.value - current)) ||
      x.value - y.value,
  )[0]!;
}

function effectOf(groups: ReadonlyMap<number, readonly PointScore[]>, metric: MetricName): Effect {
  const byScenario = new Map<string, PointScore[]>();
  for (const points of groups.values()) {
    for (const p of points)
      if (p.status === 'ok') byScenario.set(p.scenario, [...(byScenario.get(p.scenario) ?? []), p]);
  }
  let rankingChanged = false;
  for (const points of byScenario.values()) {
    if (new Set(points.map((p) => metricOf(p, metric))).size > 1) return 'changes-metric';
    if (new Set(points.map((p) => p.rankingHash)).size > 1) rankingChanged = true;
  }
  return rankingChanged ? 'changes-rankings-not-metric' : 'never-changes-a-ranking';
}

export function aggregateSweep(
  constant: string,
  current: ConstantValue,
  points: readonly SweepPoint[],
  options: AggregateOptions = {},
): ConstantSummary {
  const metric = options.metric ?? 'ndcg@5';
  const threshold = options.cliffThreshold ?? DEFAULT_CLIFF_THRESHOLD;
  const seed = `${options.seed ?? DEFAULT_BOOTSTRAP_SEED}:${constant}`;
  const resamples = options.resamples;
  const bootstrap = (name: string) => ({ seed: `${seed}:${name}`, ...(resamples ? { resamples } : {}) });
  // The object with its interval, computed now or (with deferred work) when first read; last, as listed.
  const withInterval = <O extends object, T>(object: O, read: () => T): O & { readonly interval: T } => {
    if (!options.deferred) return { ...object, interval: read() };
    return Object.defineProperty(object, 'interval', { get: read, enumerable: true }) as O & { interval: T };
  };
  const known =
    <T>(value: T) =>
    () =>
      value;

  const all = new Map<number, SweepPoint[]>();
  for (const p of points) all.set(Number(p.value), [...(all.get(Number(p.value)) ?? []), p]);
  const isDegenerate = (ps: readonly SweepPoint[]) =>
    ps.length > 0 && ps.every((p) => p.degenerateValue === true);
  const ran = new Map([...all].filter(([, ps]) => !isDegenerate(ps)).sort(([a], [b]) => a - b));
  const scenarioSet = commonScenarios(ran);
  const { common } = scenarioSet;

  // pointsAt[v][s]: the point of run value v on common scenario s; scores[v][s]: its metric
  const runValues = [...ran.keys()];
  const pointsAt = runValues.map((v) => {
    // The first point of each scenario, as a search would find it.
    const byScenario = new Map<string, PointScore>();
    for (const p of ran.get(v)!) if (!byScenario.has(p.scenario)) byScenario.set(p.scenario, p);
    return common.map((name) => byScenario.get(name)!);
  });
  const scores = pointsAt.map((row) => row.map((p) => metricOf(p, metric)!));
  // The intervals of every run value's mean and of the range, over one set of resamples (see
  // bootstrapIntervals): [mean of runValues[0], …, range].
  const curveIntervals = (): readonly Interval[] =>
    bootstrapIntervals(
      common.length,
      scores.length + 1,
      (indices, out) => {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < scores.length; k++) {
          const row = scores[k]!;
          let sum = 0;
          for (let i = 0; i < indices.length; i++) sum += row[indices[i]!]!;
          const m = sum / indices.length;
          out[k] = m;
          if (m < lo) lo = m;
          if (m > hi) hi = m;
        }
        out[scores.length] = hi - lo;
      },
      bootstrap('curve'),
    );
  const intervals = options.deferred ? options.deferred.lazy(curveIntervals) : known(curveIntervals());
  const values: ValueSummary[] = [...all.keys()]
    .sort((a, b) => a - b)
    .map((value) => {
      const ps = all.get(value)!;
      const index = runValues.indexOf(value);
      const curve = index >= 0 && common.length > 0 ? scores[index]! : null;
      return withInterval(
        {
          value,
          ok: ps.filter((p) => p.status === 'ok').length,
          errors: ps.filter((p) => p.status === 'error').length,
          skipped: ps.filter((p) => p.status === 'skipped-degenerate').length,
          degenerate: index < 0,
          mean: curve ? mean(curve) : null,
        },
        () => (curve ? intervals()[index]! : null),
      );
    });

  const means = values.filter((v) => v.mean !== null).map((v) => ({ value: v.value, mean: v.mean! }));
  const best = pickBest(means, Number(current));
  const worst =
    means.length === 0 ? null : [...means].sort((x, y) => x.mean - y.mean || x.value - y.value)[0]!;
  const rangeValue = best && worst ? best.mean - worst.mean : null;
  const range =
    rangeValue === null ? null : withInterval({ value: rangeValue }, () => intervals()[scores.length]!);
  let bestVsWorst: ConstantSummary['bestVsWorst'] = null;
  if (best && worst) {
    const b = scores[runValues.indexOf(best.value)]!;
    const w = scores[runValues.indexOf(worst.value)]!;
    const deltas = b.map((x, i) => x - w[i]!);
    const interval = meanInterval(deltas, bootstrap('best-vs-worst'));
    bestVsWorst = { delta: mean(deltas), interval, excludesZero: excludesZero(interval) };
  }
  // Points record each ranking's nDCG@5 only: another metric has no per-ranking view.
  const effects = metric === 'ndcg@5' ? rankingEffects(runValues, pointsAt, Number(current)) : [];
  // Reports name the ranking that moved most: the intervals hold together over all of them (Bonferroni).
  const computeRankingIntervals = () =>
    simultaneousIntervals(
      effects.map((effect) => [effect.ranking, effect.deltas] as const),
      `${seed}:rankings`,
    );
  const rankingIntervals =
    effects.length === 0
      ? known([])
      : options.deferred
        ? options.deferred.lazy(computeRankingIntervals)
        : known(computeRankingIntervals());
  const byRanking = effects.map(({ deltas, ...effect }, k) =>
    withInterval(effect, () => rankingIntervals()[k]!),
  );
  const cliffs: Cliff[] = [];
  for (let i = 1; i < means.length; i++) {
    const delta = means[i]!.mean - means[i - 1]!.mean;
    if (Math.abs(delta) >= threshold) {
      cliffs.push({
        from: means[i - 1]!.value,
        to: means[i]!.value,
        delta,
        direction: delta < 0 ? 'drop' : 'rise',
      });
    }
  }
  const flat = rangeValue === null || rangeValue <= TIE_TOLERANCE;
  return {
    constant,
    current,
    metric,
    values,
    scenarios: scenarioSet,
    best,
    worst,
    currentMean: means.find((m) => m.value === Number(current))?.mean ?? null,
    range,
    bestVsWorst,
    cliffs,
    degenerateValues: values.filter((v) => v.degenerate).map((v) => v.value),
    errors: points.filter((p) => p.status === 'error').length,
    skipped: points.filter((p) => p.status === 'skipped-degenerate').length,
    effect: effectOf(ran, metric),
    edgeOfGrid:
      !flat &&
      best !== null &&
      (best.value === runValues[0] || best.value === runValues[runValues.length - 1]),
    byRanking,
  };
}

/**
 * Per ranking (pointsAt[v][s]: run value v's point on common scenario s): its mean at every run value over the
 * common scenarios that ask it at every value, the best
 * (ties as pickBest) and the worst, and the paired deltas best − worst for the interval.
 */
function rankingEffects(
  runValues: readonly number[],
  pointsAt: readonly (readonly PointScore[])[],
  current: number,
): (Omit<RankingEffect, 'interval'> & { readonly deltas: readonly number[] })[] {
  // Only scenarios that ask several rankings say where a constant acts (one query each: the mean says it all).
  if (!pointsAt.flat().some((p) => Object.keys(p.rankings ?? {}).length > 1)) return [];
  const names = [...new Set(pointsAt.flat().flatMap((p) => Object.keys(p.rankings ?? {})))].sort();
  const effects = names.flatMap((ranking) => {
    const asked = pointsAt[0]!.flatMap((_, s) =>
      pointsAt.every((row) => row[s]!.rankings?.[ranking] !== undefined) ? [s] : [],
    );
    if (asked.length === 0) return [];
    const scores = pointsAt.map((row) => asked.map((s) => row[s]!.rankings![ranking]!));
    const means = runValues.map((value, k) => ({ value, mean: mean(scores[k]!) }));
    const best = pickBest(means, current)!;
    const worst = [...means].sort((x, y) => x.mean - y.mean || x.value - y.value)[0]!;
    const b = scores[runValues.indexOf(best.value)]!;
    const w = scores[runValues.indexOf(worst.value)]!;
    return [
      {
        ranking,
        scenarios: asked.length,
        best,
        worst,
        range: best.mean - worst.mean,
        deltas: b.map((x, i) => x - w[i]!),
      },
    ];
  });
  return effects.sort((x, y) => y.range - x.range || (x.ranking < y.ranking ? -1 : 1));
}

export interface PairSummary {
  readonly constantA: string;
  readonly constantB: string;
  readonly metric: MetricName;
  readonly valuesA: readonly number[];
  readonly valuesB: readonly number[];
  /** means[i][j]: mean metric at valuesA[i], valuesB[j] over the common scenarios; null if not run. */
  readonly means: readonly (readonly (number | null)[])[];
  readonly scenarios: ScenarioSet;
  readonly best: { readonly valueA: number; readonly valueB: number; readonly mean: number } | null;
  /** Largest |residual| of an additive fit (row + column effects): 0 when the constants do not interact. */
  readonly interaction: number | null;
  readonly errors: number;
  readonly skipped: number;
}

export function aggregatePair(points: readonly PairPoint[], options: AggregateOptions = {}): PairSummary {
  const metric = options.metric ?? 'ndcg@5';
  const first = points[0];
  const valuesA = [...new Set(points.map((p) => Number(p.valueA)))].sort((a, b) => a - b);
  const valuesB = [...new Set(points.map((p) => Number(p.valueB)))].sort((a, b) => a - b);
  const cell = (a: number, b: number) => points.filter((p) => p.valueA === a && p.valueB === b);
  const cells = new Map<number, PointScore[]>();
  for (const [i, a] of valuesA.entries()) {
    for (const [j, b] of valuesB.entries()) {
      const ps = cell(a, b);
      if (!ps.every((p) => p.degenerateValue === true)) cells.set(i * valuesB.length + j, ps);
    }
  }
  const scenarioSet = commonScenarios(cells);
  const { common } = scenarioSet;
  const means = valuesA.map((_, i) =>
    valuesB.map((__, j) => {
      const ps = cells.get(i * valuesB.length + j);
      if (!ps || common.length === 0) return null;
      return mean(common.map((name) => metricOf(ps.find((p) => p.scenario === name)!, metric)!));
    }),
  );
  let best: PairSummary['best'] = null;
  for (const [i, row] of means.entries()) {
    for (const [j, m] of row.entries()) {
      if (m !== null && (best === null || m > best.mean + TIE_TOLERANCE)) {
        best = { valueA: valuesA[i]!, valueB: valuesB[j]!, mean: m };
      }
    }
  }
  const complete = means.every((row) => row.every((m) => m !== null));
  let interaction: number | null = null;
  if (complete && means.length > 0) {
    const grand = mean(means.flat() as number[]);
    const rows = means.map((row) => mean(row as number[]));
    const cols = valuesB.map((_, j) => mean(means.map((row) => row[j]!)));
    interaction = Math.max(
      ...means.flatMap((row, i) => row.map((m, j) => Math.abs(m! - rows[i]! - cols[j]! + grand))),
    );
  }
  return {
    constantA: first?.constantA ?? '',
    constantB: first?.constantB ?? '',
    metric,
    valuesA,
    valuesB,
    means,
    scenarios: scenarioSet,
    best,
    interaction,
    errors: points.filter((p) => p.status === 'error').length,
    skipped: points.filter((p) => p.status === 'skipped-degenerate').length,
  };
}
