/**
 * A real Redis Cluster for tests: three cluster-enabled redis-server processes on free loopback ports,
 * joined by `redis-cli --cluster create` with no replicas.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { findRedisServer, type StartedServer, startRedisServer } from '../../src/redis/server.js';

const run = promisify(execFile);

export interface TestCluster {
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

export async function startCluster(masters = 3): Promise<TestCluster> {
  const executable = await findRedisServer(process.env.PATH ?? '');
  if (!executable) throw new Error('redis-server is not on PATH');
  const servers: StartedServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startRedisServer(executable, 3, ['--cluster-enabled', 'yes', '--cluster-node-timeout', '5000']),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const server of servers) {
      const client = new Redis(server.url);
      try {
        for (let i = 0; i < 100; i++) {
          const info = await client.cluster('INFO');
          if (String(info).includes('cluster_state:ok')) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        client.disconnect();
      }
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  return {
    url: servers[0]!.url,
    ports: servers.map((s) => s.port),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
