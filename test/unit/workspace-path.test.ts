import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePath } from '../../src/action/workspace-path.js';

describe('paths read from the checkout stay inside the workspace', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'mr-ws-')));
  const workspace = join(root, 'repo');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, 'src', 'constants.py'), 'class Defaults:\n    DECAY_RATE = 0.1\n');
  writeFileSync(join(root, 'secret.py'), 'TOKEN = 1\n');
  symlinkSync(join(root, 'secret.py'), join(workspace, 'src', 'link.py'));
  symlinkSync(join(workspace, 'src', 'constants.py'), join(workspace, 'inner-link.py'));

  it('accepts a file in the repository, and a symlink to one', async () => {
    expect(await workspacePath(workspace, 'src/constants.py', 'constants-path')).toBe(
      join(workspace, 'src', 'constants.py'),
    );
    expect(await workspacePath(workspace, 'inner-link.py', 'constants-path')).toBe(
      join(workspace, 'src', 'constants.py'),
    );
  });

  it('refuses absolute paths, paths that climb out, and symlinks that lead out, naming the input', async () => {
    await expect(workspacePath(workspace, join(root, 'secret.py'), 'constants-path')).rejects.toThrow(
      /input 'constants-path': .*secret\.py is outside the workspace/,
    );
    await expect(workspacePath(workspace, '../secret.py', 'constants-path')).rejects.toThrow(
      /input 'constants-path': \.\.\/secret\.py is outside the workspace/,
    );
    await expect(workspacePath(workspace, 'src/link.py', 'constants-path')).rejects.toThrow(
      /input 'constants-path': src\/link\.py resolves outside the workspace \(a symlink to .*secret\.py\)/,
    );
  });
});
