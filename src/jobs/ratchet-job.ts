/**
 * The ratchet job shared by the CLI and the action: generate the seed bank, split it, run the PR delta (when
 * there is a base) and the ratchet on a Redis, and build the one report model.
 */

import type { ConstantsSource } from '../constants/file-model.js';
import type { ConstantSpec, Tier } from '../constants/registry.js';
import type { Constants } from '../constants/values.js';
import { prDelta } from '../ratchet/pr-delta.js';
import { proposedDiff } from '../ratchet/proposal-diff.js';
import { runRatchet } from '../ratchet/ratchet.js';
import { splitEvaluator, splitScenarios } from '../ratchet/split.js';
import type { RedisHandle } from '../redis/acquire.js';
import { buildRatchetReport, type RatchetReport } from '../report/ratchet-report.js';
import { engineEvaluator } from '../scenarios/evaluate.js';
import { createScenario } from '../scenarios/factory/factory.js';
import { defaultSeeds } from '../scenarios/factory/seed-bank.js';
import { DEFAULT_RESAMPLES } from '../stats/bootstrap.js';
import { DEFAULT_BOOTSTRAP_SEED } from '../sweep/aggregate.js';

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
  readonly seeds: number;
  readonly trainFraction: number;
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly cliffThreshold: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly command: string;
}

export interface ReproduceParameters {
  readonly constantsPath: string | null;
  readonly constantsClass: string;
  readonly set?: readonly string[];
  readonly seeds: number;
  readonly trainFraction: number;
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
}

/** The command line that reproduces a ratchet run, shown in every report. */
export function reproduceCommand(p: ReproduceParameters): string {
  const parts = ['npx memory-ratchet ratchet'];
  if (p.constantsPath) parts.push(`--constants ${p.constantsPath}`);
  if (p.constantsPath && p.constantsClass !== 'Defaults') parts.push(`--class ${p.constantsClass}`);
  for (const assignment of p.set ?? []) parts.push(`--set ${assignment}`);
  parts.push(`--seeds ${p.seeds}`, `--train-fraction ${p.trainFraction}`, `--threshold ${p.threshold}`);
  parts.push(`--cliff-margin ${p.cliffMargin}`, `--alpha ${p.alpha}`, `--rounds ${p.rounds}`);
  parts.push(p.only ? `--only ${p.only.join(',')}` : `--tier ${p.tiers.join(',')}`);
  return parts.join(' ');
}

export interface JobClock {
  /** Monotonic milliseconds. */
  readonly ms: () => number;
  readonly now: () => Date;
}

export async function runRatchetJob(
  job: RatchetJob,
  redis: RedisHandle,
  clock: JobClock,
  onProgress?: (done: number, expected: number) => void,
): Promise<RatchetReport> {
  const scenarios = defaultSeeds(job.seeds, job.trainFraction).map(createScenario);
  const split = splitScenarios(scenarios, job.trainFraction);
  const modelled = job.scope.filter((s) => s.engine.status === 'read' && s.grid.length > 0);
  const expected =
    modelled.reduce((n, s) => n + (s.grid.length + 1) * split.train.length, 0) +
    (modelled.length + 1) * split.validation.length;
  const startedAt = clock.now();
  const started = clock.ms();
  const evaluator = splitEvaluator(
    engineEvaluator({ client: redis.client, redisKind: redis.kind, clock: clock.ms }),
    split,
    job.constants,
    { concurrency: job.concurrency, onEvaluated: (done) => onProgress?.(Math.min(done, expected), expected) },
  );
  const delta = job.baseConstants
    ? await prDelta(evaluator, job.baseConstants, job.constants, {
        threshold: job.threshold,
        alpha: job.alpha,
        seed: DEFAULT_BOOTSTRAP_SEED,
      })
    : null;
  const outcome = await runRatchet(evaluator, job.scope, job.constants, {
    threshold: job.threshold,
    cliffMargin: job.cliffMargin,
    cliffThreshold: job.cliffThreshold,
    alpha: job.alpha,
    rounds: job.rounds,
  });
  const diff = job.file ? proposedDiff(outcome.decisions, job.file) : null;
  return buildRatchetReport(
    {
      startedAt: startedAt.toISOString(),
      finishedAt: clock.now().toISOString(),
      redis: redis.kind,
      seeds: job.seeds,
      trainFraction: job.trainFraction,
      trainSeeds: split.train.map((s) => s.seedId ?? 0),
      validationSeeds: split.validation.map((s) => s.seedId ?? 0),
      degenerateSeeds: scenarios.filter((s) => s.degenerate).map((s) => s.seedId),
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
  );
}
