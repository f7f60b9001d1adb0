/** `memory-ratchet seeds [--n 50] [--json]` and `memory-ratchet scenario --seed ID [--set ...] [--json]` */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { rankingMetrics } from '../metrics/ranking.js';
import { scenarioJson, scenarioText, seedsJson, seedsText } from '../report/seeds-text.js';
import { createScenario, topicOfPartition } from '../scenarios/factory/factory.js';
import { ScenarioBank } from '../scenarios/factory/scenario-bank.js';
import {
  checkBank,
  DEFAULT_BANK,
  DEFAULT_SEED_COUNT,
  DEFAULT_TRAIN_FRACTION,
  MAX_RUN_SEEDS,
  seedOfId,
  trainCount,
} from '../scenarios/factory/seed-bank.js';
import { replayScript } from '../scenarios/replay.js';
import { loadConstants } from './constants-input.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, type JsonOption } from './json-option.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';
import { addRedisOptions, type RedisOptions, withEngine, withRedis } from './redis-options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function seedsCommands(program: Command, io: CliIo): void {
  program
    .command('seeds')
    .description('print the scored scenarios a run of n seeds starts from, with each seed’s role')
    .option('--n <n>', 'how many scored scenarios', String(DEFAULT_SEED_COUNT))
    .option('--bank <b>', 'the seed bank', String(DEFAULT_BANK))
    .option(
      '--train-fraction <x>',
      '⌊fraction·n⌋ train, the rest are the first validation look',
      String(DEFAULT_TRAIN_FRACTION),
    )
    .option(JSON_FLAGS, JSON_HELP)
    .action(async (options: { n: string; bank: string; trainFraction: string; json?: JsonOption }) => {
      const n = parsePositiveInteger('--n', options.n);
      if (n > MAX_RUN_SEEDS)
        throw new ConfigError(`--n ${n} is above the limit of ${MAX_RUN_SEEDS} scenarios; use fewer`);
      if (!/^\d+$/.test(options.bank.trim())) {
        throw new ConfigError(`--bank '${options.bank}': expected a whole number (0 is the default bank)`);
      }
      const bank = new ScenarioBank(checkBank(Number(options.bank)));
      const fraction = parseNumberOption('--train-fraction', options.trainFraction, {
        min: 0,
        max: 1,
        minOpen: true,
        maxOpen: true,
      });
      const train = trainCount(n, fraction);
      const scenarios = [
        ...bank.slice({ role: 'train', from: 0, to: train }),
        ...bank.slice({ role: 'validation', from: 0, to: n - train }),
      ];
      const listing = { bank: bank.bank, scenarios, replaced: bank.degenerate() };
      await emitOutput(
        io,
        options.json,
        () => seedsText(listing),
        () => seedsJson(listing),
      );
    });

  addRedisOptions(
    program
      .command('scenario')
      .description(
        'generate one scenario from the seed bank and print its seed, script, ground truth and ranking',
      )
      .requiredOption('--seed <id>', 'the seed id (it names its bank and role: see `seeds`)')
      .option('--set <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
      .option('--constants <file>', 'read the constants from this file (else the registry defaults)')
      .option('--class <name>', 'the Python class holding the constants', 'Defaults')
      .option(JSON_FLAGS, JSON_HELP),
  ).action(
    async (
      options: RedisOptions & {
        seed: string;
        set: string[];
        constants?: string;
        class?: string;
        json?: JsonOption;
      },
    ) => {
      const seed = /^\d+$/.test(options.seed.trim()) ? seedOfId(Number(options.seed)) : null;
      if (!seed) {
        throw new ConfigError(
          `--seed '${options.seed}': expected a seed id as \`memory-ratchet seeds\` lists them (bank·10,000,000 + role·1,000,000 + index)`,
        );
      }
      const input = await loadConstants(io, options);
      const scenario = createScenario(seed);
      let rankings = new Map<string, { id: string; score: number }[]>();
      if (!scenario.degenerate) {
        rankings = await withRedis(options, io, (redis) =>
          withEngine(redis, input.constants, io, async (engine) => {
            const replay = await replayScript(engine, scenario.script, scenario.name);
            return new Map(replay.queries.map((q) => [q.label, [...q.ranking]]));
          }),
        );
      }
      // Every ranking step in script order; topic queries keep their topic and context, and the agent's calls on
      // a project (a topic's partition) name that topic.
      const topics = new Map(scenario.queries.map((q) => [q.label, q]));
      const queries = scenario.script.steps.flatMap((step) => {
        if (step.op !== 'query' && step.op !== 'assemble') return [];
        const groundTruth = step.relevance ?? {};
        const ranking = rankings.get(step.label) ?? [];
        const ids = ranking.map((r) => r.id);
        const query = topics.get(step.label);
        return [
          {
            label: step.label,
            ...(query ? { topic: query.topic } : topicOfPartition(step.partition)),
            context: query?.context ?? step.exclude ?? [],
            groundTruth,
            ranking,
            metrics: scenario.degenerate ? null : rankingMetrics(ids, groundTruth),
          },
        ];
      });
      const currentLabel = scenario.queries.find((q) => q.topic === 0)?.label;
      const primary = queries.find((q) => q.label === currentLabel);
      const report = {
        scenario,
        ranking: primary?.ranking ?? [],
        metrics: primary?.metrics ?? null,
        queries,
      };
      await emitOutput(
        io,
        options.json,
        () => scenarioText(report),
        () => scenarioJson(report),
      );
    },
  );
}
