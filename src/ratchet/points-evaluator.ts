/**
 * The ratchet's evaluator over a points store. Requests made in the same turn of the event loop (every
 * constant's grid values, the validation candidates, the PR delta) are gathered into one batch; what the
 * store lacks is computed scenario by scenario with every variant the batch needs for that scenario in one
 * factored evaluation, so Redis never idles between values, constants or phases. Any failed evaluation stops
 * the run with its cause: an error is never a point.
 */
import type { ConstantValue } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import { engineKey, stageSettings } from '../engine/stages.js';
import { EvaluationFailedError, errorMessage, MissingPointsError } from '../errors.js';
import { pointKey, pointKeyOf } from '../points/key.js';
import type { PointsStore } from '../points/store.js';
import type { VariantsEvaluator } from '../scenarios/evaluate-variants.js';
import type { ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import type { SeedRole } from '../scenarios/factory/seed-bank.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type PointScore, pointScore } from '../sweep/runner.js';
import { mapPool } from '../util/pool.js';
import type { RatchetEvaluator } from './ratchet.js';

/** Where a slice's scenarios come from: a seed bank, or (in tests) a fixed list. */
export interface ScenarioSource {
  slice(slice: ScenarioSlice): readonly Scenario[];
}

export interface PointsRequest {
  readonly overrides: Readonly<Record<string, ConstantValue>>;
  readonly slice: ScenarioSlice;
}

export interface PointsCounts {
  /** Scenario × constants evaluations run on the engine (not reused, not degenerate). */
  readonly engineRuns: number;
  /** Points served from the store without computing. */
  readonly reused: number;
  /** Points of degenerate scenarios (scored without the engine: skipped). */
  readonly skipped: number;
}

export interface PointsEvaluatorOptions {
  /** Computes missing points; null where nothing may be computed (the store must hold every point). */
  readonly compute: VariantsEvaluator | null;
  /** Scenarios evaluated at once (default 3: one in Redis, the next being prepared). */
  readonly concurrency?: number;
  /** Called as points are computed, with the points computed and the points known to be needed so far. */
  readonly onProgress?: (done: number, expected: number) => void;
}

export interface PointsEvaluator extends RatchetEvaluator {
  counts(): PointsCounts;
  /** Computes (or finds) the points of these requests, restricted to `only` scenarios when given. */
  fill(requests: readonly PointsRequest[], only?: ReadonlySet<Scenario>): Promise<void>;
}

interface Pending extends PointsRequest {
  readonly resolve: (points: readonly PointScore[]) => void;
  readonly reject: (error: unknown) => void;
}

export function pointsEvaluator(
  bank: ScenarioSource,
  constants: Constants,
  store: PointsStore,
  options: PointsEvaluatorOptions,
): PointsEvaluator {
  let engineRuns = 0;
  let reused = 0;
  let skipped = 0;
  let done = 0;
  let expected = 0;
  let pending: Pending[] = [];
  let queue: Promise<void> = Promise.resolve();

  const keyOf = (scenario: Scenario, effective: Constants) => pointKey(scenario, stageSettings(effective));

  /** The scenario at `index` of a role (drawn on first use) and the points of it the requests lack. */
  function missingAt(
    settled: readonly {
      readonly slice: ScenarioSlice;
      readonly effective: Constants;
      /** The engine key of the request's settings. */
      readonly key: string;
    }[],
    role: SeedRole,
    index: number,
    only: ReadonlySet<Scenario> | undefined,
  ): { scenario: Scenario; variants: Map<string, Constants> } | null {
    const scenario = bank.slice({ role, from: index, to: index + 1 })[0]!;
    if (only && !only.has(scenario)) return null;
    const variants = new Map<string, Constants>();
    for (const { slice, effective, key: settingsKey } of settled) {
      if (slice.role !== role || index < slice.from || index >= slice.to) continue;
      const key = pointKeyOf(scenario, settingsKey);
      if (!store.has(key)) variants.set(key, effective);
    }
    return variants.size > 0 ? { scenario, variants } : null;
  }

  async function fill(requests: readonly PointsRequest[], only?: ReadonlySet<Scenario>): Promise<void> {
    const settled = requests.map((request) => {
      const effective = withOverrides(constants, request.overrides);
      return { slice: request.slice, effective, key: engineKey(stageSettings(effective)) };
    });
    // Every scenario position the requests cover, once, role by role in draw order.
    const positions: { role: SeedRole; index: number }[] = [];
    const seen = new Set<string>();
    for (const { slice } of settled) {
      for (let index = slice.from; index < slice.to; index++) {
        const id = `${slice.role}:${index}`;
        if (!seen.has(id)) {
          seen.add(id);
          positions.push({ role: slice.role, index });
        }
      }
    }
    const compute = options.compute;
    if (!compute) {
      let total = 0;
      let first: { scenario: Scenario; variants: Map<string, Constants> } | null = null;
      for (const { role, index } of positions) {
        const missing = missingAt(settled, role, index, only);
        if (!missing) continue;
        first ??= missing;
        total += missing.variants.size;
      }
      if (first) {
        throw new MissingPointsError(
          `${total} point${total === 1 ? '' : 's'} needed for the decisions are not in the points files (first: scenario ${first.scenario.name}, ${[...first.variants.keys()][0]}); compute them with Redis (give --redis-url) or add the missing shards`,
        );
      }
      return;
    }
    // Scenarios are drawn inside the pool, so drawing the next one overlaps the engine evaluating the last.
    const failures: { scenario: string; reason: string }[] = [];
    await mapPool(positions, options.concurrency ?? 3, async ({ role, index }) => {
      if (failures.length > 0) return; // stop at the first failure: nothing after it could be used
      const missing = missingAt(settled, role, index, only);
      if (!missing) return;
      const { scenario, variants } = missing;
      expected += variants.size;
      options.onProgress?.(done, expected);
      const keys = [...variants.keys()];
      let results: Awaited<ReturnType<VariantsEvaluator['evaluateVariants']>>;
      try {
        results = await compute.evaluateVariants(scenario, [...variants.values()]);
      } catch (error) {
        failures.push({ scenario: scenario.name, reason: errorMessage(error) });
        return;
      }
      results.forEach((result, i) => {
        if (result.status === 'error') {
          failures.push({ scenario: scenario.name, reason: result.reason ?? 'unknown error' });
          return;
        }
        if (result.status === 'ok') engineRuns++;
        else skipped++;
        store.set(keys[i]!, pointScore(result));
      });
      done += keys.length;
      options.onProgress?.(done, expected);
    });
    if (failures.length > 0) {
      throw new EvaluationFailedError(failures.length, failures[0]!.reason, failures[0]!.scenario);
    }
  }

  function pointsOf(request: PointsRequest): PointScore[] {
    const effective = withOverrides(constants, request.overrides);
    return bank.slice(request.slice).map((scenario) => {
      const point = store.get(keyOf(scenario, effective));
      if (!point) throw new MissingPointsError(`point for ${scenario.name} was not computed`);
      return { ...point, scenario: scenario.name };
    });
  }

  async function flush(batch: readonly Pending[]): Promise<void> {
    const valid = batch.filter((request) => {
      try {
        withOverrides(constants, request.overrides);
        return true;
      } catch (error) {
        request.reject(error);
        return false;
      }
    });
    const before = store.size;
    try {
      await fill(valid);
    } catch (error) {
      for (const request of valid) request.reject(error);
      return;
    }
    reused += valid.reduce((n, r) => n + (r.slice.to - r.slice.from), 0) - (store.size - before);
    for (const request of valid) request.resolve(pointsOf(request));
  }

  return {
    counts: () => ({ engineRuns, reused, skipped }),
    fill,
    run(overrides, which) {
      return new Promise<readonly PointScore[]>((resolve, reject) => {
        if (pending.length === 0) {
          // Everything requested before the event loop turns joins this batch.
          setImmediate(() => {
            const batch = pending;
            pending = [];
            queue = queue.then(() => flush(batch));
          });
        }
        pending.push({ overrides, slice: which, resolve, reject });
      });
    },
  };
}
