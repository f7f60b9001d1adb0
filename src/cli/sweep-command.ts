/** `memory-ratchet sweep --tier 1|2|3|all [--interactions] [--only NAMES] [--json FILE] ...` */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, EvaluationFailedError, errorMessage, InputError } from '../errors.js';
import { sweepSummaryLine, sweepText } from '../report/sweep-text.js';
import { handleEvaluator } from '../scenarios/evaluate-variants.js';
import type { GeneratedScenario } from '../scenarios/factory/factory.js';
import { ScenarioBank } from '../scenarios/factory/scenario-bank.js';
import {
  DEFAULT_BANK,
  DEFAULT_SEED_COUNT,
  MAX_RUN_SEEDS,
  trainCount,
} from '../scenarios/factory/seed-bank.js';

function bankScenarios(n: number): GeneratedScenario[] {
  const bank = new ScenarioBank(DEFAULT_BANK);
  const train = trainCount(n);
  return [
    ...bank.slice({ role: 'train', from: 0, to: train }),
    ...bank.slice({ role: 'validation', from: 0, to: n - train }),
  ];
}

import { folderScenarios, handCraftedScenarios } from '../scenarios/hand-crafted.js';
import { DEFAULT_RESAMPLES } from '../stats/bootstrap.js';
import { DEFAULT_BOOTSTRAP_SEED, DEFAULT_CLIFF_THRESHOLD } from '../sweep/aggregate.js';
import { parseOnly, parseTiers, planSweep } from '../sweep/plan.js';
import { buildSweepResults, timestampedName } from '../sweep/results.js';
import { DEFAULT_CONCURRENCY } from '../sweep/runner.js';
import { executeSweep } from '../sweep/sweep.js';
import { CONFIG_HELP, withConfig } from './config-options.js';
import { loadConstants } from './constants-input.js';
import { readTextFile } from './files.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, type JsonOption, jsonFile, jsonOnStdout } from './json-option.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';
import { progressBar } from './progress.js';
import { addRatchetOptions, executeRatchet, type RatchetCliOptions } from './ratchet-command.js';
import { addRedisOptions, type RedisOptions, withRedis } from './redis-options.js';
import {
  assertResultsDir,
  assertWritable,
  defaultResultsDir,
  persistResults,
  RESULTS_DIR_HELP,
} from './results-files.js';

interface SweepOptions extends RedisOptions {
  readonly tier: string;
  readonly interactions?: boolean;
  readonly only?: string;
  readonly json?: JsonOption | undefined;
  readonly resultsDir?: string | undefined;
  readonly constants?: string;
  readonly class?: string;
  readonly set: string[];
  readonly cliffThreshold: string;
  readonly concurrency: string;
  readonly parametric?: boolean;
  readonly seeds: string;
  readonly ratchet?: boolean;
  /** Extra folders of scenario scripts, comma-separated. */
  readonly scenarios?: string;
  readonly config?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The scripts of `--scenarios` folders (or the configuration file's `scenarios`). */
async function extraScenarios(folders: string | undefined, io: CliIo) {
  const out = [];
  for (const folder of (folders ?? '').split(',').filter(Boolean)) {
    let names: string[];
    try {
      names = (await readdir(resolve(io.cwd, folder))).filter((name) => name.endsWith('.json'));
    } catch (error) {
      throw new InputError(
        `--scenarios '${folder}': cannot read the folder (${errorMessage(error)}); check the path`,
      );
    }
    const files = await Promise.all(
      names.map(async (name) => ({
        name,
        text: await readTextFile(join(folder, name), io.cwd, 'scenario script'),
      })),
    );
    out.push(...folderScenarios(folder, files));
  }
  return out;
}

export function sweepCommand(program: Command, io: CliIo): void {
  addRedisOptions(
    addRatchetOptions(
      program
        .command('sweep')
        .description('sweep each constant over its grid on the same scenarios and report the optimal values')
        .option('--tier <tiers>', 'tiers to sweep: 1, 2, 3, a list such as 1,2, or all', 'all')
        .option('--only <names>', 'sweep only these constants (comma-separated; either spelling)')
        .option('--interactions', 'also run the 5×5 interaction sweeps')
        .option(
          '--parametric',
          'sweep over generated scenarios (the seed bank) instead of the hand-crafted ones',
        )
        .option('--seeds <n>', 'with --parametric: how many seeds of the bank', String(DEFAULT_SEED_COUNT))
        .option('--ratchet', 'with --parametric: run the ratchet (train/validation split) after the sweep')
        .option(JSON_FLAGS, `the results document as JSON: ${JSON_HELP}`)
        .option(
          '--scenarios <folders>',
          'also run the scenario scripts (*.json) in these folders (comma-separated)',
        )
        .option('--config <file>', CONFIG_HELP)
        .option(
          '--results-dir <dir>',
          `where sweep_YYYYMMDD_HHMMSS.json and latest.json go (${RESULTS_DIR_HELP})`,
        )
        .option(
          '--constants <file>',
          'read the current constants from this file (else the registry defaults)',
        )
        .option('--class <name>', 'the Python class holding the constants', 'Defaults')
        .option('--set <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
        .option(
          '--cliff-threshold <x>',
          'a change of mean nDCG@5 between adjacent values that counts as a cliff',
          String(DEFAULT_CLIFF_THRESHOLD),
        )
        .option(
          '--concurrency <n>',
          'scenarios evaluated at once (each with all its variants)',
          String(DEFAULT_CONCURRENCY),
        ),
      { withSeeds: false },
    ),
    { spread: true },
  ).action(async (cli: SweepOptions, command: Command) => {
    const given = await withConfig(cli, command, io);
    const options = { ...given, resultsDir: given.resultsDir ?? defaultResultsDir(io.env) };
    // Everything that can be wrong with the input fails here, before any work starts.
    const tiers = parseTiers(options.tier);
    const only = options.only !== undefined ? parseOnly(options.only) : undefined;
    const cliffThreshold = parseNumberOption('--cliff-threshold', options.cliffThreshold, { min: 0 });
    const concurrency = parsePositiveInteger('--concurrency', options.concurrency);
    const seedCount = parsePositiveInteger('--seeds', options.seeds);
    if (seedCount > MAX_RUN_SEEDS) {
      throw new ConfigError(
        `--seeds ${seedCount} is above the limit of ${MAX_RUN_SEEDS} scenarios; use fewer`,
      );
    }
    if (options.ratchet && !options.parametric) {
      throw new ConfigError(
        '--ratchet needs --parametric: the ratchet splits generated scenarios into train and validation',
      );
    }
    const jsonPath = jsonFile(options.json);
    if (jsonPath) await assertWritable(jsonPath, io.cwd, '--json');
    await assertResultsDir(options.resultsDir, io.cwd);
    const input = await loadConstants(io, options);
    for (const warning of input.warnings) if (!options.quiet) io.stderr(`warning: ${warning}\n`);
    const plan = planSweep(
      { tiers, ...(only ? { only } : {}), interactions: options.interactions === true },
      input.constants,
    );
    // Generated scenarios: the bank's first scored ones (degenerate draws replaced), train then validation.
    const scenarios = options.parametric
      ? bankScenarios(seedCount)
      : [...handCraftedScenarios(), ...(await extraScenarios(options.scenarios, io))];
    const seeds = options.parametric ? scenarios.map((s) => (s as GeneratedScenario).seed) : null;

    const startedAt = io.now();
    const started = io.clock();
    const progress = progressBar(io, 'sweep', options.quiet === true);
    const sweeping = withRedis(options, io, async (redis) => {
      // Scenarios spread over every private server, the same number in flight per server.
      const spread = handleEvaluator(redis, io.clock, concurrency);
      try {
        const execution = await executeSweep(spread.evaluator, scenarios, input.constants, plan, {
          cliffThreshold,
          concurrency: spread.concurrency,
          onProgress: (done, total) => progress.update(done, total),
        });
        return { results: execution, redisKind: redis.kind };
      } finally {
        progress.stop();
      }
    });
    const { results, redisKind } = await sweeping.catch(async (error: unknown) => {
      if (!(error instanceof EvaluationFailedError) || error.computed.length === 0) throw error;
      // Nothing computed is lost: the points scored before the failure, marked partial.
      const path = await persistResults(
        options.resultsDir,
        io.cwd,
        timestampedName('sweep_partial', startedAt),
        'sweep_partial_latest.json',
        {
          schema: 'memory-ratchet/sweep-partial@1',
          partial: true,
          error: error.message,
          points: error.computed,
        },
      );
      const failed = new EvaluationFailedError(
        error.failed,
        error.firstCause,
        error.scenario,
        `partial results: ${error.computed.length} points scored before the failure are in ${path}`,
      );
      throw failed;
    });
    const document = buildSweepResults(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: io.now().toISOString(),
        wallSeconds: (io.clock() - started) / 1000,
        redis: redisKind,
        scenarioSource: seeds ? 'generated' : 'hand-crafted',
        scenarios: scenarios.map((s) => s.name),
        seeds: seeds ? seeds.map((s) => s.seedId) : null,
        tiers,
        only: only ?? null,
        interactions: options.interactions === true,
        cliffThreshold,
        bootstrap: { resamples: DEFAULT_RESAMPLES, seed: DEFAULT_BOOTSTRAP_SEED },
        constantsFile: input.file?.path ?? null,
      },
      input.constants,
      plan,
      results,
    );
    const path = await persistResults(
      options.resultsDir,
      io.cwd,
      timestampedName('sweep', startedAt),
      'latest.json',
      document,
    );
    await emitOutput(io, options.json, () => sweepText(document), { document });
    if (!options.quiet) io.stderr(sweepSummaryLine(document, path));
    if (options.ratchet) {
      // The sweep's --json holds the sweep; the ratchet's report goes to the results directory, and its
      // text to stdout only when stdout is not carrying the sweep's JSON.
      const { json: _sweepJson, ...ratchetOptions } = options as unknown as RatchetCliOptions;
      const onStdout = !jsonOnStdout(options.json);
      if (onStdout) io.stdout('\n');
      await executeRatchet(ratchetOptions, onStdout ? io : { ...io, stdout: () => undefined });
    }
  });
}
