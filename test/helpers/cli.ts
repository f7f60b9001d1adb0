import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const CLI = resolve('lib/src/cli.js');

/** Runs the built CLI in a child process, as a user would. */
export function runBuiltCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
