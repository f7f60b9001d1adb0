/**
 * Starts a private redis-server on a free loopback port with no persistence, and stops it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RedisUnavailableError } from '../errors.js';

export interface StartedServer {
  readonly port: number;
  readonly url: string;
  /** The server's process id (fault tests pause it). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** The first `redis-server` executable on PATH, or undefined. */
export async function findRedisServer(pathVariable: string): Promise<string | undefined> {
  for (const dir of pathVariable.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Resolves once the server prints that it accepts connections; rejects if it exits first. */
function waitForReady(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`not ready after ${ms} ms: ${output.trim()}`)), ms);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** Starts redis-server; `extraArgs` add settings (the cluster tests start cluster-enabled nodes). */
export async function startRedisServer(
  executable: string,
  attempts = 3,
  extraArgs: readonly string[] = [],
): Promise<StartedServer> {
  let lastError = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'memory-ratchet-redis-'));
    const child = spawn(
      executable,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitForReady(child, 10_000);
      child.stdout?.resume();
      child.stderr?.resume();
      let stopping: Promise<void> | undefined;
      const stop = async () => {
        child.kill('SIGCONT'); // a paused server would never handle the SIGTERM
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5000))) child.kill('SIGKILL');
        await rm(dir, { recursive: true, force: true });
      };
      return {
        port,
        pid: child.pid,
        url: `redis://127.0.0.1:${port}`,
        // Every caller waits for the same shutdown, so nobody returns before the server is gone.
        stop: () => {
          stopping ??= stop();
          return stopping;
        },
      };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }
  throw new RedisUnavailableError(
    `could not start ${executable} (${lastError}); pass --redis-url (or set REDIS_URL) to use a running Redis`,
  );
}
