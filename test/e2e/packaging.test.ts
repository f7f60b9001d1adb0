import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the npm package', () => {
  it('is at most 5 MB, carries the LICENSE and the CLI, and keeps bundled-only packages out of dependencies', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
    ) as {
      size: number;
      files: { path: string }[];
    }[];
    expect(pack!.size).toBeLessThanOrEqual(5 * 1024 * 1024);
    const files = pack!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('lib/src/cli.js');
    expect(existsSync('LICENSE')).toBe(true);
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License/);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies))
      expect(name).not.toMatch(/^@actions\/|^@octokit\//);
  }, 60_000);
});
