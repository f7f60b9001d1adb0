/**
 * `memory-ratchet calibrate [--banks 1-5] [--runs 200] [--planted 0.03] [ratchet options]`: measures the
 * ratchet's false-accept rate and power on the real engine by replaying its decision procedure on each
 * bank's measured deltas under sign-flip nulls and planted effects.
 */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { calibrateJob } from '../jobs/calibrate-job.js';
import { PointsStore } from '../points/store.js';
import { calibrationReport, calibrationText } from '../report/calibration-text.js';
import { checkBank } from '../scenarios/factory/seed-bank.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, jsonText } from './json-option.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';
import {
  addRatchetOptions,
  parseRatchetOptions,
  type RatchetCliOptions,
  ratchetJobOf,
} from './ratchet-command.js';
import { addRedisOptions, withRedis } from './redis-options.js';

interface CalibrateOptions extends RatchetCliOptions {
  readonly banks: string;
  readonly runs: string;
  readonly planted: string;
}

/** Parses a bank list: `1-5`, `1,3,7` or a mix. */
export function parseBanks(text: string): number[] {
  const banks = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new ConfigError(`--banks '${text}': expected bank numbers such as 1-5 or 1,3,7`);
    const lo = Number(range[1]);
    const hi = range[2] === undefined ? lo : Number(range[2]);
    if (hi < lo) throw new ConfigError(`--banks '${part}': the range runs backwards`);
    for (let b = lo; b <= hi; b++) banks.add(checkBank(b));
  }
  return [...banks];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function calibrateCommand(program: Command, io: CliIo): void {
  addRedisOptions(
    addRatchetOptions(
      program
        .command('calibrate')
        .description(
          'measure the ratchet’s false-accept rate and power on the engine: sign-flip nulls and planted effects on real deltas',
        )
        .option('--constants <file>', 'the constants file to start from (else the registry defaults)')
        .option('--class <name>', 'the Python class holding the constants', 'Defaults')
        .option('--set <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
        .option('--only <names>', 'only these constants (comma-separated; either spelling)')
        .option('--tier <tiers>', 'tiers in scope: 1, 2, 3, a list such as 1,2, or all', '1,2,3')
        .option('--banks <list>', 'seed banks to measure on (1-5, or 1,3,7)', '1-5')
        .option('--runs <n>', 'simulated runs per bank under each null', '200')
        .option('--planted <x>', 'planted effect above the threshold', '0.03')
        .option(JSON_FLAGS, `the calibration as JSON: ${JSON_HELP}`)
        .option('--concurrency <n>', 'scenarios evaluated at once', '3')
        .option(
          '--cliff-threshold <x>',
          'a change of mean nDCG@5 between adjacent values that counts as a cliff',
          '0.1',
        )
        .option('--results-dir <dir>', 'unused; accepted for symmetry with ratchet'),
    ),
    { spread: true },
  ).action(async (options: CalibrateOptions) => {
    const parsed = await parseRatchetOptions(options, io);
    const banks = parseBanks(options.banks);
    const runs = parsePositiveInteger('--runs', options.runs);
    const planted = parseNumberOption('--planted', options.planted, { min: 0 });
    const job = await ratchetJobOf(options, parsed, io);
    const started = io.clock();
    const clock = { ms: io.clock, now: io.now };
    const store = new PointsStore();
    const results = await withRedis(options, io, (redis) =>
      calibrateJob({ job, banks, runs, planted }, { store, redis }, clock, (bank) => {
        if (!options.quiet)
          io.stderr(`calibrate: bank ${bank.bank} done (${bank.proposals.length} proposals)\n`);
      }),
    );
    const command = [
      'npx memory-ratchet calibrate',
      ...(options.constants ? [`--constants ${options.constants}`] : []),
      `--banks ${options.banks}`,
      `--runs ${runs}`,
      `--planted ${planted}`,
      `--seeds ${parsed.seeds}`,
      `--max-seeds ${parsed.maxSeeds}`,
      `--confirm-seeds ${parsed.confirmSeeds}`,
      `--threshold ${parsed.threshold}`,
      `--alpha ${parsed.alpha}`,
    ].join(' ');
    const report = calibrationReport(
      results,
      {
        runs,
        planted,
        threshold: parsed.threshold,
        alpha: parsed.alpha,
        seeds: parsed.seeds,
        maxSeeds: parsed.maxSeeds,
        confirmSeeds: parsed.confirmSeeds,
      },
      (io.clock() - started) / 1000,
      command,
    );
    await emitOutput(
      io,
      options.json,
      () => calibrationText(report),
      () => jsonText(report),
    );
  });
}
