import { describe, expect, it } from 'vitest';
import type { ConstantEdit } from '../../src/constants/rewrite.js';
import { linesInPatch, suggestedLines } from '../../src/github/suggestions.js';

// Line numbers counted by hand from each patch: GitHub's review comments may only sit on the right-hand
// (new file) lines a patch shows, added or context.

describe('linesInPatch', () => {
  it('counts added and context lines from the hunk start, skipping removed lines', () => {
    const patch = '@@ -10,4 +20,4 @@\n a\n-b\n+B\n c\n+d';
    expect([...linesInPatch(patch)]).toEqual([20, 21, 22, 23]);
  });

  it('restarts at each hunk and reads hunks without line counts', () => {
    const patch = '@@ -1 +1 @@\n-x\n+y\n@@ -40,2 +41,3 @@ def f():\n k\n+n\n k';
    expect([...linesInPatch(patch)]).toEqual([1, 41, 42, 43]);
  });

  it('ignores what comes before the first hunk and the no-newline marker', () => {
    const patch = '+++ b/c.py\n @@ not a hunk\n@@ -3,1 +5,2 @@\n a\n\\ No newline at end of file\n+b';
    expect([...linesInPatch(patch)]).toEqual([5, 6]);
  });

  it('counts an empty line as context, and a hunk header only at the start of a line', () => {
    expect([...linesInPatch('@@ -1,3 +7,3 @@\n a\n\n  @@ -1 +100 @@')]).toEqual([7, 8, 9]);
  });

  it('skips lines that are none of added, removed or context', () => {
    expect([...linesInPatch('@@ -1,2 +1,2 @@\nx junk\n a')]).toEqual([1]);
  });

  it('shows nothing for an empty patch', () => {
    expect(linesInPatch('').size).toBe(0);
  });
});

const edit = (line: number, from: number, to: number, text: string): ConstantEdit =>
  ({ name: `C${line}`, line, column: 0, from, to, old: '', new: text }) as ConstantEdit;

describe('suggestedLines', () => {
  it('applies every edit on a line, in source order whatever order they come in', () => {
    //            0         1
    //            0123456789012345
    const source = 'A = 1; B = 22\nC = 3';
    const lines = suggestedLines(source, [edit(1, 11, 13, '7'), edit(1, 4, 5, '100')]);
    expect([...lines]).toEqual([[1, 'A = 100; B = 7']]);
  });

  it('edits later lines and the last line without a newline, keeping each line whole', () => {
    const source = 'x\n  C = 3  # note\nD = 4';
    const lines = suggestedLines(source, [edit(3, 22, 23, '5'), edit(2, 8, 9, '0.5')]);
    expect(lines.get(2)).toBe('  C = 0.5  # note');
    expect(lines.get(3)).toBe('D = 5');
    expect(lines.size).toBe(2);
  });

  it('drops the carriage return of a CRLF line', () => {
    expect(suggestedLines('a\r\nB = 1\r\n', [edit(2, 7, 8, '2')]).get(2)).toBe('B = 2');
  });
});
