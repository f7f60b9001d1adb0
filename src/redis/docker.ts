/** A Redis container on a free loopback port, for runners with Docker but no redis-server. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './server.js';

const exec = promisify(execFile);

export interface StartedContainer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `redis:7-alpine` with no persistence; undefined when Docker is not usable here. */
export async function startRedisContainer(image = 'redis:7-alpine'): Promise<StartedContainer | undefined> {
  try {
    await exec('docker', ['info'], { timeout: 10_000 });
  } catch {
    return undefined;
  }
  const port = await freePort();
  const { stdout } = await exec(
    'docker',
    [
      'run',
      '-d',
      '--rm',
      '-p',
      `127.0.0.1:${port}:6379`,
      image,
      'redis-server',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { timeout: 120_000 },
  );
  const id = stdout.trim();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await exec('docker', ['rm', '-f', id]).catch(() => undefined);
    },
  };
}
