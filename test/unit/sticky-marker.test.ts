import { describe, expect, it } from 'vitest';
import { MARKER_VERSION, marker, readMarker } from '../../src/github/sticky-comment.js';

// The marker is the hidden last line of the sticky comment: an HTML comment with the version and JSON.

describe('the sticky comment marker', () => {
  it('is an HTML comment carrying the version and the data as JSON', () => {
    expect(MARKER_VERSION).toBe('v1');
    expect(marker({ head: 'abc', run: 7, state: 'done' })).toBe(
      '<!-- memory-ratchet:v1 {"head":"abc","run":7,"state":"done"} -->',
    );
  });

  it('is read back only at the end of a body, trailing whitespace allowed', () => {
    expect(
      readMarker('x\n<!-- memory-ratchet:v1 {"head":"a","run":1,"state":"in-progress"} -->\n  '),
    ).toEqual({
      head: 'a',
      run: 1,
      state: 'in-progress',
    });
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a","run":1,"state":"done"} --> more')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v2 {"head":"a","run":1,"state":"done"} -->')).toBeNull();
  });

  it('reads any state other than in-progress as done', () => {
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a","run":1} -->')!.state).toBe('done');
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a","run":1,"state":"weird"} -->')!.state).toBe('done');
  });

  it('rejects missing bodies, broken JSON and data without a string head and a numeric run', () => {
    expect(readMarker(null)).toBeNull();
    expect(readMarker(undefined)).toBeNull();
    expect(readMarker('')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a",} -->')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v1 {"head":1,"run":1} -->')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a","run":"1"} -->')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v1 {"run":1} -->')).toBeNull();
    expect(readMarker('<!-- memory-ratchet:v1 {"head":"a"} -->')).toBeNull();
  });
});
