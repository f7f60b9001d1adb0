import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { progressBar } from '../../src/cli/progress.js';

function terminal() {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream, text: () => text };
}

describe('the progress bar', () => {
  it('follows the total as it grows and shows an ETA', () => {
    const { stream, text } = terminal();
    const bar = progressBar({ progressStream: stream } as unknown as CliIo, 'ratchet', false);
    bar.update(5, 10);
    bar.update(10, 40);
    bar.stop();
    expect(text()).toMatch(/10\/40 evaluations/);
    expect(text()).toMatch(/ETA /);
    expect(text()).not.toMatch(/10\/10 evaluations/);
  });

  it('writes nothing when quiet or without a terminal', () => {
    const { stream, text } = terminal();
    const quiet = progressBar({ progressStream: stream } as unknown as CliIo, 'ratchet', true);
    quiet.update(1, 2);
    quiet.stop();
    const none = progressBar({ progressStream: undefined } as unknown as CliIo, 'ratchet', false);
    none.update(1, 2);
    none.stop();
    expect(text()).toBe('');
  });
});
