/** Common Redis options of every command that runs the engine, and the session around one run. */
import type { Command } from 'commander';
import type { Constants } from '../constants/values.js';
import { MemoryEngine } from '../engine/engine.js';
import { acquireRedis, DEFAULT_COMMAND_TIMEOUT_MS, type RedisHandle } from '../redis/acquire.js';
import { withDeadline } from '../util/deadline.js';
import type { CliIo } from './io.js';
import { parseNumberOption } from './option-values.js';

export interface RedisOptions {
  readonly redisUrl?: string;
  readonly commandTimeout?: string;
  readonly timeout?: string;
  readonly embedded?: boolean;
  readonly quiet?: boolean;
}

export function addRedisOptions(command: Command): Command {
  return command
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
  const handle = await acquireRedis({
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
