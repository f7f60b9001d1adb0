/**
 * `memory-ratchet ratchet [--constants FILE] [--seeds 50] [--train-fraction 0.7] [--threshold 0.01]
 * [--cliff-margin 0.1] [--alpha 0.05] [--only NAMES] [--tier 1,2,3] [--json FILE] [--diff FILE]
 * [--markdown FILE]`, also run by `sweep --parametric --ratchet`.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONSTANTS, findConstant, type Tier } from '../constants/registry.js';
import { encodeSource } from '../constants/source-text.js';
import { ConfigError, DeadlineError, EvaluationFailedError } from '../errors.js';
import { jobSpec } from '../jobs/job-spec.js';
import { computeShard, type RatchetJob, reproduceCommand, runRatchetJob } from '../jobs/ratchet-job.js';
import { readPointsFile, writePointsFile } from '../points/files.js';
import { parseShard } from '../points/shards.js';
import { PointsStore } from '../points/store.js';
import { RATCHET_DEFAULTS } from '../ratchet/ratchet.js';
import { ratchetMarkdown } from '../report/ratchet-markdown.js';
import type { RatchetReport } from '../report/ratchet-report.js';
import { ratchetText } from '../report/ratchet-text.js';
import {
  checkBank,
  checkRunSizes,
  DEFAULT_BANK,
  DEFAULT_CONFIRM_SEEDS,
  DEFAULT_MAX_SEEDS,
  DEFAULT_SEED_COUNT,
  DEFAULT_TRAIN_FRACTION,
} from '../scenarios/factory/seed-bank.js';
import { parseOnly, parseTiers } from '../sweep/plan.js';
import { timestampedName } from '../sweep/results.js';
import { DEFAULT_CONCURRENCY } from '../sweep/runner.js';
import { baseConstantsAt } from './base-constants.js';
import { CONFIG_HELP, withConfig } from './config-options.js';
import { loadConstants } from './constants-input.js';
import { repoRelativePath } from './files.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, type JsonOption } from './json-option.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';
import { progressBar } from './progress.js';
import { addRedisOptions, type RedisOptions, withRedis } from './redis-options.js';
import {
  assertOutputsWritable,
  assertResultsDir,
  assertWritable,
  defaultResultsDir,
  persistResults,
  RESULTS_DIR_HELP,
} from './results-files.js';

export interface RatchetCliOptions extends RedisOptions {
  readonly constants?: string;
  readonly class: string;
  readonly set: string[];
  /** A git ref whose constants file is the base of the PR-delta table. */
  readonly base?: string;
  /** The configuration file (else .github/memory-ratchet.yml when it exists). */
  readonly config?: string;
  /** Grid values per constant, from the configuration file. */
  readonly grids?: Readonly<Record<string, readonly number[]>>;
  readonly seeds: string;
  readonly bank: string;
  readonly maxSeeds: string;
  readonly confirmSeeds: string;
  readonly trainFraction: string;
  readonly threshold: string;
  readonly cliffMargin: string;
  readonly cliffThreshold: string;
  readonly alpha: string;
  readonly only?: string;
  readonly tier: string;
  readonly json?: JsonOption | undefined;
  readonly diff?: string;
  readonly markdown?: string;
  readonly resultsDir?: string | undefined;
  readonly concurrency: string;
  readonly rounds: string;
  readonly points?: string;
  readonly shard?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The ratchet's options, shared with `sweep --ratchet`. */
export function addRatchetOptions(command: Command, { withSeeds = true, withReports = true } = {}): Command {
  if (withSeeds)
    command.option(
      '--seeds <n>',
      'scored scenarios to start from (train + first validation look)',
      String(DEFAULT_SEED_COUNT),
    );
  command
    .option(
      '--bank <b>',
      'the seed bank to draw scenarios from (independent banks: 1, 2, …)',
      String(DEFAULT_BANK),
    )
    .option(
      '--max-seeds <n>',
      'sequential budget: train + validation scenarios a round may grow to for undecided proposals',
      String(DEFAULT_MAX_SEEDS),
    )
    .option(
      '--confirm-seeds <n>',
      'fresh scenarios that re-measure each accepted change (its reported effect)',
      String(DEFAULT_CONFIRM_SEEDS),
    )
    .option(
      '--train-fraction <x>',
      'share of --seeds that trains; the rest is the first validation look',
      String(DEFAULT_TRAIN_FRACTION),
    )
    .option(
      '--threshold <x>',
      'minimum improvement of mean nDCG@5 (inside the null hypothesis: H0 improvement ≤ threshold)',
      String(RATCHET_DEFAULTS.threshold),
    )
    .option(
      '--cliff-margin <x>',
      'share of the swept range a proposal keeps from a cliff',
      String(RATCHET_DEFAULTS.cliffMargin),
    )
    .option(
      '--alpha <x>',
      'family-wise error rate of the run (Holm across proposals, spent over looks and rounds)',
      String(RATCHET_DEFAULTS.alpha),
    )
    .option(
      '--rounds <n>',
      'at most this many rounds; a round runs only after one that accepted a change',
      String(RATCHET_DEFAULTS.rounds),
    );
  if (!withReports) return command;
  return command
    .option('--diff <file>', 'write the proposed-defaults diff (needs --constants)')
    .option('--markdown <file>', 'write the markdown report');
}

function parseBank(text: string): number {
  const bank = Number(text);
  if (!/^\d+$/.test(text.trim())) {
    throw new ConfigError(`--bank '${text}': expected a whole number (0 is the default bank)`);
  }
  return checkBank(bank);
}

/** Validates every option before any work starts; throws InputErrors naming the option. */
export async function parseRatchetOptions(options: RatchetCliOptions, io: CliIo) {
  const parsed = {
    seeds: parsePositiveInteger('--seeds', options.seeds),
    bank: parseBank(options.bank),
    maxSeeds: parsePositiveInteger('--max-seeds', options.maxSeeds),
    confirmSeeds: parsePositiveInteger('--confirm-seeds', options.confirmSeeds),
    trainFraction: parseNumberOption('--train-fraction', options.trainFraction, {
      min: 0,
      max: 1,
      minOpen: true,
      maxOpen: true,
    }),
    threshold: parseNumberOption('--threshold', options.threshold, { min: 0 }),
    cliffMargin: parseNumberOption('--cliff-margin', options.cliffMargin, { min: 0, max: 1 }),
    cliffThreshold: parseNumberOption('--cliff-threshold', options.cliffThreshold, { min: 0 }),
    alpha: parseNumberOption('--alpha', options.alpha, { min: 0, max: 1, minOpen: true, maxOpen: true }),
    tiers: parseTiers(options.tier),
    only: options.only !== undefined ? parseOnly(options.only) : null,
    concurrency: parsePositiveInteger('--concurrency', options.concurrency),
    rounds: parsePositiveInteger('--rounds', options.rounds),
  };
  checkRunSizes(parsed);
  await assertOutputsWritable(options, io.cwd);
  return parsed;
}

async function baseConstantsOf(options: RatchetCliOptions, io: CliIo) {
  if (!options.constants)
    throw new ConfigError('--base needs --constants FILE: the file to compare at that ref');
  return baseConstantsAt(options.base!, options.constants, options.class, io.cwd);
}

/** The ratchet job the options describe (constants loaded, scope resolved). */
export async function ratchetJobOf(
  options: RatchetCliOptions,
  parsed: Awaited<ReturnType<typeof parseRatchetOptions>>,
  io: CliIo,
): Promise<RatchetJob> {
  const input = await loadConstants(io, options);
  for (const warning of input.warnings) if (!options.quiet) io.stderr(`warning: ${warning}\n`);
  const scope = parsed.only
    ? parsed.only.map((name) => findConstant(name)!)
    : CONSTANTS.filter((spec) => parsed.tiers.includes(spec.tier as Tier));
  const file = input.file ? { ...input.file, path: repoRelativePath(input.file.path, io.cwd) } : null;
  return {
    constants: input.constants,
    file,
    constantsClass: input.file ? options.class : null,
    baseConstants: options.base ? await baseConstantsOf(options, io) : null,
    ...(options.grids ? { grids: options.grids } : {}),
    scope,
    tiers: parsed.tiers,
    only: parsed.only,
    bank: parsed.bank,
    seeds: parsed.seeds,
    maxSeeds: parsed.maxSeeds,
    confirmSeeds: parsed.confirmSeeds,
    trainFraction: parsed.trainFraction,
    threshold: parsed.threshold,
    cliffMargin: parsed.cliffMargin,
    cliffThreshold: parsed.cliffThreshold,
    alpha: parsed.alpha,
    rounds: parsed.rounds,
    concurrency: parsed.concurrency,
    command: reproduceCommand({
      ...(options.base ? { base: options.base } : {}),
      constantsPath: options.constants ?? null,
      constantsClass: options.class,
      set: options.set,
      ...parsed,
    }),
  };
}

export async function executeRatchet(given: RatchetCliOptions, io: CliIo): Promise<RatchetReport | null> {
  const options = { ...given, resultsDir: given.resultsDir ?? defaultResultsDir(io.env) };
  const parsed = await parseRatchetOptions(options, io);
  if (options.diff && !options.constants) {
    throw new ConfigError('--diff needs --constants FILE: the diff is made against that file');
  }
  const shard = options.shard !== undefined ? parseShard(options.shard) : null;
  if (shard && !options.points) {
    throw new ConfigError('--shard needs --points FILE: the shard writes its points there for `merge`');
  }
  if (options.points) await assertWritable(options.points, io.cwd, '--points');
  if (!shard) await assertResultsDir(options.resultsDir, io.cwd);
  const job = await ratchetJobOf(options, parsed, io);
  // Points already computed (a resumed or repeated run) are reused: a point depends only on its key.
  const store = new PointsStore();
  if (options.points && existsSync(resolve(io.cwd, options.points))) {
    store.merge((await readPointsFile(options.points, io.cwd)).points, options.points);
  }
  const progress = progressBar(
    io,
    shard ? `shard ${shard.index}/${shard.count}` : 'ratchet',
    options.quiet === true,
  );
  const clock = { ms: io.clock, now: io.now };
  const onProgress = (done: number, expected: number) => progress.update(done, expected);
  if (shard) {
    const started = io.clock();
    const counts = await withRedis(options, io, async (redis) => {
      try {
        return await computeShard(job, shard, { store, redis }, clock, onProgress);
      } finally {
        progress.stop();
      }
    });
    await writePointsFile(
      options.points!,
      io.cwd,
      store,
      jobSpec(job) as unknown as Record<string, unknown>,
      shard,
    );
    io.stderr(
      `shard ${shard.index}/${shard.count}: ${store.size} points (${counts.engineRuns} engine runs, ${counts.reused} reused) in ${((io.clock() - started) / 1000).toFixed(1)} s; written to ${options.points}; run \`memory-ratchet merge\` on every shard's file\n`,
    );
    return null;
  }
  const started = io.now();
  let report: RatchetReport;
  try {
    report = await withRedis(options, io, async (redis) => {
      try {
        return await runRatchetJob(job, { store, redis }, clock, onProgress);
      } finally {
        progress.stop();
      }
    });
  } catch (error) {
    if (!(error instanceof EvaluationFailedError || error instanceof DeadlineError) || store.size === 0)
      throw error;
    // Nothing computed is lost: the points so far go to a partial points file a rerun resumes from.
    const partial =
      options.points ?? join(options.resultsDir, `${timestampedName('ratchet_partial', started)}.json`);
    await mkdir(dirname(resolve(io.cwd, partial)), { recursive: true });
    await writePointsFile(partial, io.cwd, store, jobSpec(job) as unknown as Record<string, unknown>, null);
    const kept = `partial results: ${store.size} points computed before the failure are in ${partial} (rerun with --points ${partial} to resume)`;
    throw error instanceof DeadlineError
      ? new DeadlineError(error.seconds, error.option, kept)
      : new EvaluationFailedError(error.failed, error.firstCause, error.scenario, kept);
  }
  if (options.points) {
    await writePointsFile(
      options.points,
      io.cwd,
      store,
      jobSpec(job) as unknown as Record<string, unknown>,
      null,
    );
  }
  await emitRatchetReport(report, options, io);
  return report;
}

/** Writes a report where the options ask and prints the summary (shared with `merge`). */
export async function emitRatchetReport(
  report: RatchetReport,
  options: Pick<RatchetCliOptions, 'json' | 'diff' | 'markdown' | 'quiet'> & { readonly resultsDir: string },
  io: CliIo,
): Promise<void> {
  const diff = report.diff;
  const startedAt = new Date(report.run.startedAt);
  const path = await persistResults(
    options.resultsDir,
    io.cwd,
    timestampedName('ratchet', startedAt),
    'ratchet_latest.json',
    report,
  );
  if (options.diff)
    await writeFile(resolve(io.cwd, options.diff), diff ? encodeSource(diff.text, diff.encoding) : '');
  if (options.markdown) await writeFile(resolve(io.cwd, options.markdown), ratchetMarkdown(report));
  await emitOutput(io, options.json, () => ratchetText(report), { document: report });
  if (!options.quiet) {
    const c = report.compute;
    io.stderr(
      `ratchet: ${report.accepted.length} accepted, ${report.rejected.length} rejected, ${report.noSensitivity.length} insensitive, ${report.notModelled.length + report.notRead.length} not modelled or not read; ${report.evaluations.total} evaluations (${c.engineRuns} engine runs, ${c.reused} reused, ${c.skipped} degenerate) in ${report.durationSeconds.toFixed(1)} s; results in ${path}\n`,
    );
  }
}

export function ratchetCommand(program: Command, io: CliIo): void {
  addRedisOptions(
    addRatchetOptions(
      program
        .command('ratchet')
        .description(
          'sweep each constant on training scenarios and keep a change only when it holds on held-out ones',
        )
        .option('--constants <file>', 'the constants file to start from (else the registry defaults)')
        .option('--class <name>', 'the Python class holding the constants', 'Defaults')
        .option('--set <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
        .option('--config <file>', CONFIG_HELP)
        .option(
          '--base <ref>',
          "evaluate the constants file's changes since this git ref (the PR-delta table), as the action does on a pull request",
        )
        .option('--only <names>', 'only these constants (comma-separated; either spelling)')
        .option('--tier <tiers>', 'tiers in scope: 1, 2, 3, a list such as 1,2, or all', '1,2,3')
        .option(JSON_FLAGS, `the full report (every per-scenario point) as JSON: ${JSON_HELP}`)
        .option(
          '--results-dir <dir>',
          `where ratchet_YYYYMMDD_HHMMSS.json and ratchet_latest.json go (${RESULTS_DIR_HELP})`,
        )
        .option(
          '--cliff-threshold <x>',
          'a change of mean nDCG@5 between adjacent values that counts as a cliff',
          String(RATCHET_DEFAULTS.cliffThreshold),
        )
        .option(
          '--concurrency <n>',
          'scenarios evaluated at once (each with all its variants)',
          String(DEFAULT_CONCURRENCY),
        )
        .option(
          '--points <file>',
          'reuse the points in this file (when it exists) and write every point of the run to it',
        )
        .option(
          '--shard <i/N>',
          'compute only shard i of N (every N-th scenario, every point a decision may need) into --points; `merge` decides',
        ),
    ),
    { spread: true },
  ).action(async (options: RatchetCliOptions, command: Command) => {
    await executeRatchet(await withConfig(options, command, io), io);
  });
}
