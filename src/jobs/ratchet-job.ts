/**
 * The ratchet job shared by the CLI and the action: generate the seed bank, split it, run the PR delta (when
 * there is a base) and the ratchet on a Redis, and build the one report model.
 */

import type { ConstantsSource } from '../constants/file-model.js';
import type { ConstantSpec, Tier } from '../constants/registry.js';
import type { Constants } from '../constants/values.js';
import { ENGINE_VERSION } from '../points/key.js';
import type { ShardSpec } from '../points/shards.js';
import type { PointsStore } from '../points/store.js';
import { type PointsCounts, type PointsRequest, pointsEvaluator } from '../ratchet/points-evaluator.js';
import { changedConstants, prDelta } from '../ratchet/pr-delta.js';
import { proposedDiff } from '../ratchet/proposal-diff.js';
import { type RatchetOptions, runRatchet } from '../ratchet/ratchet.js';
import type { RedisHandle } from '../redis/acquire.js';
import { buildRatchetReport, type RatchetReport } from '../report/ratchet-report.js';
import { handleEvaluator } from '../scenarios/evaluate-variants.js';
import { ScenarioBank, type ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import { trainCount } from '../scenarios/factory/seed-bank.js';
import type { Scenario } from '../scenarios/scenario.js';
import { DEFAULT_RESAMPLES } from '../stats/bootstrap.js';
import { DEFAULT_BOOTSTRAP_SEED } from '../sweep/aggregate.js';
import { singleGrid } from '../sweep/grid.js';
import { DeferredWork } from '../util/deferred.js';
import { workWhileIdle } from './idle-work.js';

export interface RatchetJob {
  readonly constants: Constants;
  /** The constants file (path relative to the repository root), for the diff. */
  readonly file: ConstantsSource | null;
  readonly constantsClass: string | null;
  /** The pull request's base constants, for the PR delta. */
  readonly baseConstants: Constants | null;
  readonly scope: readonly ConstantSpec[];
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
  /** The seed bank drawn from (0 is the default bank). */
  readonly bank: number;
  /** Scored scenarios at the start: ⌊fraction·seeds⌋ train, the rest the first validation look. */
  readonly seeds: number;
  /** The sequential budget: train plus validation scenarios one round may grow to. */
  readonly maxSeeds: number;
  /** Fresh confirmation scenarios per round that accepts something. */
  readonly confirmSeeds: number;
  readonly trainFraction: number;
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly cliffThreshold: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly command: string;
  /** Grid values per constant instead of the registry's (from the configuration file). */
  readonly grids?: Readonly<Record<string, readonly number[]>>;
}

export interface ReproduceParameters {
  readonly constantsPath: string | null;
  readonly constantsClass: string;
  readonly set?: readonly string[];
  readonly bank: number;
  readonly seeds: number;
  readonly maxSeeds: number;
  readonly confirmSeeds: number;
  readonly trainFraction: number;
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
  /**
   * What npx runs: `memory-ratchet` (an installed copy), or the action's own repository and ref
   * (`github:OWNER/REPO#REF`), which npx fetches, builds and runs with nothing installed beforehand.
   */
  readonly packageSpec?: string;
  /** The git ref the PR-delta table compares against (`--base`). */
  readonly base?: string;
}

/** The npx package spec of the running action, from GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF. */
export function actionPackageSpec(
  repository: string | undefined,
  ref: string | undefined,
): string | undefined {
  if (!repository || !ref || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^[\w./-]+$/.test(ref))
    return undefined;
  return `github:${repository}#${ref}`;
}

/** The command line that reproduces a ratchet run, shown in every report. */
export function reproduceCommand(p: ReproduceParameters): string {
  const parts = [p.packageSpec ? `npx --yes ${p.packageSpec} ratchet` : 'npx memory-ratchet ratchet'];
  if (p.constantsPath) parts.push(`--constants ${p.constantsPath}`);
  if (p.constantsPath && p.constantsClass !== 'Defaults') parts.push(`--class ${p.constantsClass}`);
  for (const assignment of p.set ?? []) parts.push(`--set ${assignment}`);
  if (p.base) parts.push(`--base ${p.base}`);
  parts.push(`--bank ${p.bank}`, `--seeds ${p.seeds}`, `--max-seeds ${p.maxSeeds}`);
  parts.push(
    `--confirm-seeds ${p.confirmSeeds}`,
    `--train-fraction ${p.trainFraction}`,
    `--threshold ${p.threshold}`,
  );
  parts.push(`--cliff-margin ${p.cliffMargin}`, `--alpha ${p.alpha}`, `--rounds ${p.rounds}`);
  parts.push(p.only ? `--only ${p.only.join(',')}` : `--tier ${p.tiers.join(',')}`);
  return parts.join(' ');
}

export interface JobClock {
  /** Monotonic milliseconds. */
  readonly ms: () => number;
  readonly now: () => Date;
}

/** Where points come from: a store (possibly loaded from shards) and, with Redis, the engine. */
export interface PointsSource {
  readonly store: PointsStore;
  /** null: only the store's points may be used (a merge without Redis). */
  readonly redis: RedisHandle | null;
}

/** The slices of the bank a job starts from: deterministic, so every shard and the merge see the same. */
export function jobSlices(job: RatchetJob): { train: ScenarioSlice; validation: ScenarioSlice } {
  const train = trainCount(job.seeds, job.trainFraction);
  return {
    train: { role: 'train', from: 0, to: train },
    validation: { role: 'validation', from: 0, to: job.seeds - train },
  };
}

/** The ratchet's options for a job. */
export function ratchetOptions(job: RatchetJob): RatchetOptions {
  const slices = jobSlices(job);
  return {
    threshold: job.threshold,
    cliffMargin: job.cliffMargin,
    cliffThreshold: job.cliffThreshold,
    alpha: job.alpha,
    rounds: job.rounds,
    trainSeeds: slices.train.to,
    validationSeeds: slices.validation.to,
    maxValidationSeeds: job.maxSeeds - slices.train.to,
    confirmationSeeds: job.confirmSeeds,
    ...(job.grids ? { grids: job.grids } : {}),
  };
}

export function jobEvaluator(
  job: RatchetJob,
  bank: ScenarioBank,
  source: PointsSource,
  clock: JobClock,
  onProgress?: (done: number, expected: number) => void,
) {
  // Scenarios spread over every server of the handle, the same number in flight per server.
  const spread = source.redis ? handleEvaluator(source.redis, clock.ms, job.concurrency) : null;
  return pointsEvaluator(bank, job.constants, source.store, {
    compute: spread?.evaluator ?? null,
    concurrency: spread?.concurrency ?? job.concurrency,
    ...(onProgress ? { onProgress } : {}),
  });
}

/**
 * The points a shard computes in one pass: every grid value of every constant in scope on train and, since
 * which values validation needs depends on train, speculatively on validation too, with the current values
 * and the PR's base values. A later round (after an accepted change) needs points nobody could foresee; the
 * merge computes those.
 */
export function speculativeRequests(job: RatchetJob): PointsRequest[] {
  const slices = jobSlices(job);
  const requests: PointsRequest[] = [
    { overrides: {}, slice: slices.train },
    { overrides: {}, slice: slices.validation },
  ];
  for (const spec of job.scope) {
    if (spec.engine.status !== 'read' || spec.kind === 'bool' || spec.grid.length === 0) continue;
    for (const value of singleGrid(spec.name, job.constants, job.grids?.[spec.name]).values) {
      requests.push({ overrides: { [spec.name]: value }, slice: slices.train });
      requests.push({ overrides: { [spec.name]: value }, slice: slices.validation });
    }
  }
  if (job.baseConstants) {
    for (const name of changedConstants(job.baseConstants, job.constants)) {
      requests.push({ overrides: { [name]: job.baseConstants[name]! }, slice: slices.validation });
    }
  }
  return requests;
}

/** Shard i of N: every i-th scenario in seed order (whole scenarios, so the factoring holds). */
export function shardScenarios(scenarios: readonly Scenario[], shard: ShardSpec): Set<Scenario> {
  const ordered = [...scenarios].sort((a, b) => (a.seedId ?? 0) - (b.seedId ?? 0));
  return new Set(ordered.filter((_, i) => i % shard.count === shard.index - 1));
}

/** The scenarios a run starts from (its train slice and first validation look). */
function startScenarios(job: RatchetJob, bank: ScenarioBank): Scenario[] {
  const slices = jobSlices(job);
  return [...bank.slice(slices.train), ...bank.slice(slices.validation)];
}

/** Computes one shard's points; the merge makes the decisions from every shard's points. */
export async function computeShard(
  job: RatchetJob,
  shard: ShardSpec,
  source: PointsSource,
  clock: JobClock,
  onProgress?: (done: number, expected: number) => void,
): Promise<PointsCounts> {
  const bank = new ScenarioBank(job.bank);
  const evaluator = jobEvaluator(job, bank, source, clock, onProgress);
  await evaluator.fill(speculativeRequests(job), shardScenarios(startScenarios(job, bank), shard));
  return evaluator.counts();
}

export async function runRatchetJob(
  job: RatchetJob,
  source: PointsSource,
  clock: JobClock,
  onProgress?: (done: number, expected: number) => void,
): Promise<RatchetReport> {
  const bank = new ScenarioBank(job.bank);
  const slices = jobSlices(job);
  const startedAt = clock.now();
  const started = clock.ms();
  const evaluator = jobEvaluator(job, bank, source, clock, onProgress);
  // While the engine works: draw the scenarios later looks need, and compute the report's intervals.
  const deferred = new DeferredWork();
  const idle = workWhileIdle(
    bank,
    source.redis
      ? [
          { role: 'validation', count: Math.max(0, job.maxSeeds - slices.train.to) },
          { role: 'confirmation', count: job.confirmSeeds },
        ]
      : [],
    deferred,
  );
  // The PR delta and round 1 ask for their points together, so they are computed in one batch.
  const [delta, outcome] = await Promise.all([
    job.baseConstants
      ? prDelta(evaluator, job.baseConstants, job.constants, {
          threshold: job.threshold,
          alpha: job.alpha,
          seed: DEFAULT_BOOTSTRAP_SEED,
          slice: slices.validation,
        })
      : Promise.resolve(null),
    runRatchet(evaluator, job.scope, job.constants, { ...ratchetOptions(job), deferred }),
  ]).finally(() => idle.stop());
  const diff = job.file ? proposedDiff(outcome.decisions, job.file) : null;
  return buildRatchetReport(
    {
      startedAt: startedAt.toISOString(),
      finishedAt: clock.now().toISOString(),
      redis: source.redis?.kind ?? 'none',
      bank: job.bank,
      seeds: job.seeds,
      maxSeeds: job.maxSeeds,
      confirmSeeds: job.confirmSeeds,
      trainFraction: job.trainFraction,
      trainSeeds: bank.slice(slices.train).map((s) => s.seedId),
      validationSeeds: bank
        .slice({ role: 'validation', from: 0, to: outcome.used.validation || slices.validation.to })
        .map((s) => s.seedId),
      confirmationSeeds: bank
        .slice({ role: 'confirmation', from: 0, to: outcome.used.confirmation })
        .map((s) => s.seedId),
      degenerate: bank.degenerate(),
      threshold: job.threshold,
      cliffMargin: job.cliffMargin,
      cliffThreshold: job.cliffThreshold,
      alpha: job.alpha,
      tiers: job.tiers,
      only: job.only,
      constantsFile: job.file?.path ?? null,
      constantsClass: job.constantsClass,
      bootstrap: { resamples: DEFAULT_RESAMPLES, seed: DEFAULT_BOOTSTRAP_SEED },
      command: job.command,
    },
    (clock.ms() - started) / 1000,
    job.constants,
    outcome,
    diff,
    delta,
    { ...evaluator.counts(), engine: ENGINE_VERSION },
  );
}
