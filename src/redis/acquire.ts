/**
 * Getting a Redis: the URL given; else a private `redis-server` on a free loopback port with no
 * persistence; else (when allowed) the embedded in-process emulator, announced through `notice`.
 */
import { availableParallelism } from 'node:os';
import { Cluster, Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { errorMessage, RedisUnavailableError } from '../errors.js';
import { startRedisContainer } from './docker.js';
import { findRedisServer, startRedisServer } from './server.js';

export type RedisKind = 'server' | 'embedded';

export interface RedisHandle {
  /** A standalone client, or a Cluster client when the URL points at a Redis Cluster node. */
  readonly client: Redis | Cluster;
  /** `server` for a real Redis (given or started), `embedded` for the in-process emulator. */
  readonly kind: RedisKind;
  /** Where it came from, for logs: a redacted URL, "redis-server on port N" or "embedded emulator". */
  readonly description: string;
  /** Disconnects, and stops the server if this handle started it. Safe to call twice. */
  close(): Promise<void>;
  /** Registers cleanup to run on an interrupt while work on this handle is open (keys to remove). */
  readonly track?: (cleanup: () => Promise<void>) => () => void;
  /**
   * Every client engine work may be spread over, `client` first: the private servers started for this run
   * (Redis runs scripts one at a time, so a second server puts a second core to work). Absent: `client` alone.
   */
  readonly clients?: readonly (Redis | Cluster)[];
}

export interface AcquireOptions {
  readonly url?: string | undefined;
  /** Fall back to the embedded emulator when no redis-server can be started (the CLI's default). */
  readonly allowEmbedded?: boolean;
  /** Skip starting redis-server, e.g. to force the embedded emulator. */
  readonly preferEmbedded?: boolean;
  /** The PATH to look for redis-server in (the entry points pass the process's). */
  readonly searchPath?: string | undefined;
  /** Try a Redis container when there is no redis-server (the action does; the CLI does not). */
  readonly allowDocker?: boolean;
  readonly notice?: (message: string) => void;
  /** How long one command may take (default 60 s): a paused or silent server fails the run, naming it. */
  readonly commandTimeoutMs?: number;
  /** How many private redis-servers to start when no URL is given (default 1); work is spread over them. */
  readonly servers?: number;
}

export const NO_REDIS =
  'no Redis available. Provide one of: (1) a Redis URL (the redis-url input, --redis-url or REDIS_URL), for example a ' +
  'redis service container; (2) redis-server on PATH (Debian/Ubuntu: apt-get install redis-server); (3) Docker, to run ' +
  'a redis:7-alpine container';

export function embeddedNotice(asked: boolean): string {
  const why = asked ? 'as asked' : 'no Redis URL given and no redis-server on PATH';
  return (
    `memory-ratchet: ${why}: using the embedded in-process emulator (results are marked "embedded"; ` +
    'install redis-server or pass --redis-url for the real thing)'
  );
}

/** The URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** How long closing waits for QUIT before it disconnects. */
const QUIT_WAIT_MS = 2000;

/** How long one Redis command may take before the run fails naming it (default 60 s). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** The cause of a failed connection in words a user can act on, from the client's own error. */
export function connectionCause(error: unknown): string {
  const message = errorMessage(error);
  if (/ECONNREFUSED/.test(message)) return `nothing listens there (${message})`;
  if (/SSL|TLS|certificate|wrong version number|self[- ]signed|EPROTO/i.test(message))
    return `the TLS handshake failed (${message}); use rediss:// only for a TLS port, and a certificate the client trusts`;
  if (/ECONNRESET/.test(message))
    return `the server closed the connection at once (${message}); is the port a Redis port?`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `the host name does not resolve (${message})`;
  if (/ETIMEDOUT|timed? ?out/i.test(message)) return `no answer in time (${message})`;
  if (/NOAUTH/.test(message))
    return `the server needs a password (${message}); give it in the URL: redis://:PASSWORD@host:port`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message))
    return `the password or user name is wrong (${message})`;
  if (/Protocol error|unknown reply|reply type/i.test(message))
    return `the server there does not speak the Redis protocol (${message}); is the port a Redis port?`;
  if (/DB index is out of range|invalid DB index/i.test(message))
    return `that database number does not exist on the server (${message}); use a db from 0 to databases − 1`;
  return message;
}

export async function connectToUrl(
  url: string,
  commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
): Promise<RedisHandle> {
  const shown = redactUrl(url);
  let client: Redis;
  let lastError: unknown;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 3000,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
  } catch (error) {
    throw new RedisUnavailableError(
      `--redis-url / REDIS_URL '${shown}' is not a valid Redis URL (${errorMessage(error)}); use redis://host:port[/db]`,
    );
  }
  client.on('error', (error: unknown) => {
    // Kept to name the cause: a failed connect itself only says "Connection is closed".
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
    // ioredis selects a database after connecting and only reports a bad number on the side.
    const db = Number(new URL(url).pathname.slice(1) || 0);
    if (db !== 0) await client.select(db);
  } catch (error) {
    client.disconnect();
    const failure = lastError && /Connection is closed/.test(errorMessage(error)) ? lastError : error;
    let cause = connectionCause(failure);
    if (url.startsWith('rediss:') && /ETIMEDOUT|ECONNRESET|timed? ?out/i.test(errorMessage(failure)))
      cause += ' — a rediss:// (TLS) URL pointed at a port that does not speak TLS?';
    throw new RedisUnavailableError(
      `cannot use Redis at ${shown}: ${cause}. Check that it is running and that --redis-url / ` +
        'REDIS_URL is right, or leave both unset to start a private redis-server.',
    );
  }
  if (await isClusterNode(client)) {
    client.disconnect();
    return connectToCluster(url, shown, commandTimeoutMs);
  }
  return handleFor(client, shown);
}

function handleFor(client: Redis | Cluster, description: string): RedisHandle {
  let closing: Promise<void> | undefined;
  return {
    client,
    kind: 'server',
    description,
    close: () => {
      // QUIT waits behind any command in flight; a server that stopped answering gets a hard disconnect.
      closing ??= Promise.race([
        client.quit(),
        new Promise((_, reject) => setTimeout(reject, QUIT_WAIT_MS).unref()),
      ]).then(
        () => undefined,
        () => client.disconnect(),
      );
      return closing;
    },
  };
}

async function isClusterNode(client: Redis): Promise<boolean> {
  const info = await client.info('cluster').catch(() => '');
  return /^cluster_enabled:1\b/m.test(info);
}

/**
 * A Redis Cluster: every run's keys share one hash tag, so each script runs on the master of that slot;
 * the Cluster client routes them and follows MOVED/ASK.
 */
async function connectToCluster(url: string, shown: string, commandTimeoutMs: number): Promise<RedisHandle> {
  const parsed = new URL(url);
  const cluster = new Cluster([{ host: parsed.hostname, port: Number(parsed.port || 6379) }], {
    lazyConnect: true,
    enableReadyCheck: true,
    clusterRetryStrategy: () => null,
    redisOptions: {
      connectTimeout: 3000,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 1,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    },
  });
  cluster.on('error', () => {
    // Errors surface through the failing command.
  });
  try {
    await cluster.connect();
    await cluster.ping();
  } catch (error) {
    cluster.disconnect();
    throw new RedisUnavailableError(
      `cannot use the Redis Cluster at ${shown} (${errorMessage(error)}). Check that every node is reachable.`,
    );
  }
  return handleFor(cluster, `${shown} (cluster of ${cluster.nodes('master').length} masters)`);
}

function embedded(): RedisHandle {
  const client = new RedisMock() as unknown as Redis;
  return {
    client,
    kind: 'embedded',
    description: 'embedded emulator',
    async close() {
      client.disconnect();
    },
  };
}

/**
 * How many private servers a run that spreads its engine work starts by default: Redis runs one script at a
 * time, so a second server puts a second core to work; more would take the cores Node needs.
 */
export function defaultPrivateServers(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

/** The private servers of a run, each connected; closing stops them all. */
async function startPrivateServers(path: string, count: number, timeout: number): Promise<RedisHandle> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startRedisServer(path)));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = () => Promise.all(servers.map((server) => server.stop())).then(() => undefined);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  const handles: RedisHandle[] = [];
  try {
    for (const server of servers) handles.push(await connectToUrl(server.url, timeout));
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()));
    await stopAll();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const ports = servers.map((server) => server.port).join(', ');
  return {
    client: handles[0]!.client,
    kind: 'server',
    description: count === 1 ? `redis-server on port ${ports}` : `${count} redis-servers on ports ${ports}`,
    ...(count > 1 ? { clients: handles.map((h) => h.client) } : {}),
    close: () => {
      closing ??= Promise.all(handles.map((h) => h.close()))
        .then(() => undefined)
        .finally(stopAll);
      return closing;
    },
  };
}

export async function acquireRedis(options: AcquireOptions = {}): Promise<RedisHandle> {
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (options.url) return connectToUrl(options.url, timeout);
  const serverPath = options.preferEmbedded ? undefined : await findRedisServer(options.searchPath ?? '');
  if (serverPath) return startPrivateServers(serverPath, Math.max(1, options.servers ?? 1), timeout);
  if (options.allowDocker && !options.preferEmbedded) {
    const container = await startRedisContainer();
    if (container) {
      const handle = await connectToUrl(container.url, timeout).catch(async (error: unknown) => {
        await container.stop();
        throw error;
      });
      let closing: Promise<void> | undefined;
      return {
        client: handle.client,
        kind: 'server',
        description: 'redis container',
        close: () => {
          closing ??= handle.close().finally(() => container.stop());
          return closing;
        },
      };
    }
  }
  if (options.allowEmbedded === false) {
    throw new RedisUnavailableError(NO_REDIS);
  }
  options.notice?.(embeddedNotice(options.preferEmbedded === true));
  return embedded();
}
