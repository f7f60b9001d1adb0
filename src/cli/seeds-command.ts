/** `memory-ratchet seeds [--n 50] [--json]` and `memory-ratchet scenario --seed ID [--set ...] [--json]` */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { rankingMetrics } from '../metrics/ranking.js';
import { scenarioJson, scenarioText, seedsJson, seedsText } from '../report/seeds-text.js';
import { createScenario } from '../scenarios/factory/factory.js';
import { DEFAULT_SEED_COUNT, DEFAULT_TRAIN_FRACTION, defaultSeeds } from '../scenarios/factory/seed-bank.js';
import { replayScript } from '../scenarios/replay.js';
import { loadConstants } from './constants-input.js';
import type { CliIo } from './io.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';
import { addRedisOptions, type RedisOptions, withEngine, withRedis } from './redis-options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function seedsCommands(program: Command, io: CliIo): void {
  program
    .command('seeds')
    .description('print the default seed bank with each seed’s split')
    .option('--n <n>', 'how many seeds', String(DEFAULT_SEED_COUNT))
    .option(
      '--train-fraction <x>',
      'seed ids below ⌊fraction·n⌋ train, the rest validate',
      String(DEFAULT_TRAIN_FRACTION),
    )
    .option('--json', 'print JSON')
    .action((options: { n: string; trainFraction: string; json?: boolean }) => {
      const n = parsePositiveInteger('--n', options.n);
      const fraction = parseNumberOption('--train-fraction', options.trainFraction, {
        min: 0,
        max: 1,
        minOpen: true,
        maxOpen: true,
      });
      const seeds = defaultSeeds(n, fraction);
      const scenarios = seeds.map(createScenario);
      io.stdout(options.json ? seedsJson(seeds, n, fraction) : seedsText(scenarios, n, fraction));
    });

  addRedisOptions(
    program
      .command('scenario')
      .description(
        'generate one scenario from the seed bank and print its seed, script, ground truth and ranking',
      )
      .requiredOption('--seed <id>', 'the seed id')
      .option('--n <n>', 'the size of the seed bank the seed belongs to', String(DEFAULT_SEED_COUNT))
      .option('--set <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
      .option('--constants <file>', 'read the constants from this file (else the registry defaults)')
      .option('--class <name>', 'the Python class holding the constants', 'Defaults')
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: RedisOptions & {
        seed: string;
        n: string;
        set: string[];
        constants?: string;
        class?: string;
        json?: boolean;
      },
    ) => {
      const n = parsePositiveInteger('--n', options.n);
      const seedId = Number(options.seed);
      if (!Number.isInteger(seedId) || seedId < 0 || seedId >= n) {
        throw new ConfigError(
          `--seed '${options.seed}': expected a seed id from 0 to ${n - 1} (the bank has --n ${n} seeds)`,
        );
      }
      const input = await loadConstants(io, options);
      const scenario = createScenario(defaultSeeds(n)[seedId]!);
      let rankings = new Map<string, { id: string; score: number }[]>();
      if (!scenario.degenerate) {
        rankings = await withRedis(options, io, (redis) =>
          withEngine(redis, input.constants, io, async (engine) => {
            const replay = await replayScript(engine, scenario.script, scenario.name);
            return new Map(replay.queries.map((q) => [q.label, [...q.ranking]]));
          }),
        );
      }
      const queries = scenario.queries.map((query) => {
        const ranking = rankings.get(query.label) ?? [];
        const ids = ranking.map((r) => r.id);
        return {
          ...query,
          ranking,
          metrics: scenario.degenerate ? null : rankingMetrics(ids, query.groundTruth),
        };
      });
      const primary = queries.find((q) => q.topic === 0);
      const report = {
        scenario,
        ranking: primary?.ranking ?? [],
        metrics: primary?.metrics ?? null,
        queries,
      };
      io.stdout(options.json ? scenarioJson(report) : scenarioText(report));
    },
  );
}
