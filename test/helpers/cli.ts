import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const CLI = resolve('lib/src/cli.js');

/** The cache folder the CLI's default results folder lives in, for every run of the tests. */
export const TEST_CACHE = mkdtempSync(join(tmpdir(), 'mr-cache-'));

/** Runs the built CLI in a child process, as a user would. */
export function runBuiltCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { PATH: process.env.PATH, XDG_CACHE_HOME: TEST_CACHE, ...env },
        maxBuffer: 64 * 1024 * 1024,
        ...(cwd ? { cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
