/** Common Redis options of every command that runs the engine, and the session around one run. */
import type { Command } from 'commander';
import type { Constants } from '../constants/values.js';
import { MemoryEngine } from '../engine/engine.js';
import {
  acquireRedis,
  DEFAULT_COMMAND_TIMEOUT_MS,
  defaultPrivateServers,
  type RedisHandle,
} from '../redis/acquire.js';
import { withDeadline } from '../util/deadline.js';
import type { CliIo } from './io.js';
import { parseNumberOption, parsePositiveInteger } from './option-values.js';

export interface RedisOptions {
  readonly redisUrl?: string;
  readonly commandTimeout?: string;
  readonly timeout?: string;
  readonly embedded?: boolean;
  readonly quiet?: boolean;
  /** Private redis-servers to start ('auto' or a whole number); only commands that spread engine work. */
  readonly redisServers?: string;
}

/**
 * The Redis options; `spread`: the command spreads engine work over several servers, so it offers how many
 * private servers to start.
 */
export function addRedisOptions(command: Command, { spread = false } = {}): Command {
  const withServers = spread
    ? command.option(
        '--redis-servers <n>',
        'private redis-servers to start when no Redis URL is given; scenarios are spread over them (auto: 2 on a machine with 2 or more cores, else 1)',
        'auto',
      )
    : command;
  return withServers
    .option(
      '--redis-url <url>',
      'Redis to use (else REDIS_URL, else a private redis-server, else the embedded emulator)',
    )
    .option('--embedded', 'use the embedded in-process emulator instead of a real Redis')
    .option(
      '--timeout <seconds>',
      'fail the run when it has not finished after this long (default: no limit)',
    )
    .option(
      '--command-timeout <seconds>',
      'fail the run when one Redis command takes longer (a paused or silent server)',
      String(DEFAULT_COMMAND_TIMEOUT_MS / 1000),
    )
    .option('--quiet', 'print only results');
}

/** Acquires a Redis for the duration of `work`, releasing it on success, error and interrupt. */
export async function withRedis<T>(
  options: RedisOptions,
  io: CliIo,
  work: (handle: RedisHandle) => Promise<T>,
): Promise<T> {
  const seconds = parseNumberOption(
    '--command-timeout',
    options.commandTimeout ?? String(DEFAULT_COMMAND_TIMEOUT_MS / 1000),
    {
      min: 0,
      minOpen: true,
    },
  );
  const deadline =
    options.timeout === undefined
      ? null
      : parseNumberOption('--timeout', options.timeout, { min: 0, minOpen: true });
  const servers =
    options.redisServers === undefined
      ? 1
      : options.redisServers === 'auto'
        ? defaultPrivateServers()
        : parsePositiveInteger('--redis-servers', options.redisServers);
  const handle = await acquireRedis({
    servers,
    commandTimeoutMs: Math.round(seconds * 1000),
    url: options.redisUrl ?? io.env.REDIS_URL,
    searchPath: io.env.PATH,
    allowEmbedded: true,
    preferEmbedded: options.embedded === true,
    notice: (message) => io.stderr(`${message}\n`),
  });
  const unregister = io.onInterrupt(() => handle.close());
  try {
    // Engines opened during the work register their keys' removal too, so an interrupt leaves nothing.
    return await withDeadline(work({ ...handle, track: io.onInterrupt }), deadline, '--timeout');
  } finally {
    // Unregister only once closed: an interrupt meanwhile must still wait for the same close.
    await handle.close();
    unregister();
  }
}

/** Opens an engine run for the duration of `work`; its keys are removed on success, error and interrupt. */
export async function withEngine<T>(
  handle: RedisHandle,
  constants: Constants,
  io: CliIo,
  work: (engine: MemoryEngine) => Promise<T>,
): Promise<T> {
  const engine = await MemoryEngine.open(handle.client, constants);
  const unregister = io.onInterrupt(() => engine.close());
  try {
    return await work(engine);
  } finally {
    await engine.close();
    unregister();
  }
}
