/** `memory-ratchet replay FILE [--set NAME=VALUE]... [--json]` */
import type { Command } from 'commander';
import { defaultConstants, parseAssignments, withOverrides } from '../constants/values.js';
import { replayJson, replayText } from '../report/replay-text.js';
import { parseScenarioScript } from '../scenarios/load-script.js';
import { replayScript } from '../scenarios/replay.js';
import { readTextFile } from './files.js';
import type { CliIo } from './io.js';
import { emitOutput, JSON_FLAGS, JSON_HELP, type JsonOption } from './json-option.js';
import { addRedisOptions, type RedisOptions, withEngine, withRedis } from './redis-options.js';

interface ReplayOptions extends RedisOptions {
  readonly set: string[];
  readonly json?: JsonOption | undefined;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function replayCommand(program: Command, io: CliIo): void {
  addRedisOptions(
    program
      .command('replay')
      .description('run a scenario script and print each query’s ranking and metrics')
      .argument('<file>', 'scenario script (JSON, see docs/scenario-format.md)')
      .option(
        '--set <NAME=VALUE>',
        'override a constant (repeatable; Defaults name or sweep key)',
        collect,
        [],
      )
      .option(JSON_FLAGS, JSON_HELP),
  ).action(async (file: string, options: ReplayOptions) => {
    const overrides = parseAssignments(options.set);
    const constants = withOverrides(defaultConstants(), overrides, '--set');
    const script = parseScenarioScript(await readTextFile(file, io.cwd, 'scenario script'), file);
    await withRedis(options, io, (redis) =>
      withEngine(redis, constants, io, async (engine) => {
        const result = await replayScript(engine, script, file);
        const report = { ...result, redis: redis.kind, constants };
        await emitOutput(
          io,
          options.json,
          () => replayText(report, overrides),
          () => replayJson(report),
        );
      }),
    );
  });
}
