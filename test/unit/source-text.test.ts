import { describe, expect, it } from 'vitest';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { rewriteConstants } from '../../src/constants/rewrite.js';
import {
  checkNesting,
  decodeSource,
  encodeSource,
  MAX_INPUT_BYTES,
  MAX_NESTING,
} from '../../src/constants/source-text.js';
import { MAX_SCRIPT_STEPS, parseScenarioScript } from '../../src/scenarios/load-script.js';

describe('input files within limits', () => {
  it('decodes a Python file by its declared encoding and writes the same bytes back', () => {
    const text = '# -*- coding: latin-1 -*-\nclass Defaults:\n    DECAY_RATE = 0.1  # caf\u00e9\n';
    const bytes = Buffer.from(text, 'latin1');
    expect(bytes.includes(0xe9)).toBe(true);
    const decoded = decodeSource(bytes, 'c.py', { python: true });
    expect(decoded).toEqual({ text, encoding: 'latin-1' });
    const parsed = parseConstantsFile(decoded.text, 'c.py');
    const rewritten = rewriteConstants(decoded.text, parsed, { DECAY_RATE: 0.05 }).text;
    const out = encodeSource(rewritten, decoded.encoding);
    // Only the literal changed, byte for byte.
    expect(out).toEqual(Buffer.from(text.replace('0.1', '0.05'), 'latin1'));
  });

  it('reads UTF-8 strictly and says how to fix a file that is not', () => {
    const bytes = Buffer.from('class Defaults:\n    DECAY_RATE = 0.1  # caf\u00e9\n', 'latin1');
    expect(() => decodeSource(bytes, 'c.py', { python: true })).toThrow(
      /c\.py is not valid UTF-8 \(byte 45 is not\); declare its encoding on line 1 or 2/,
    );
    expect(() => decodeSource(Buffer.from('# coding: koi8-r\n'), 'c.py', { python: true })).toThrow(
      /declares the encoding 'koi8-r', which is not supported/,
    );
    expect(decodeSource(Buffer.from('x = "caf\u00e9"'), 'c.py').encoding).toBe('utf-8');
    // A byte-order mark is not part of the text, and is written back.
    const bom = Buffer.from('\uFEFFclass Defaults:\n    DECAY_RATE = 0.1\n', 'utf8');
    const decoded = decodeSource(bom, 'c.py', { python: true });
    expect(decoded.encoding).toBe('utf-8-sig');
    expect(parseConstantsFile(decoded.text, 'c.py').constants[0]!.value).toBe(0.1);
    expect(encodeSource(decoded.text, decoded.encoding)).toEqual(bom);
  });

  it('refuses inputs over the size limit before decoding them', () => {
    expect(() => decodeSource(new Uint8Array(MAX_INPUT_BYTES + 1), 'big.json')).toThrow(
      new RegExp(`big\\.json is ${MAX_INPUT_BYTES + 1} bytes, over the limit of ${MAX_INPUT_BYTES}`),
    );
  });

  it('refuses nesting deeper than the limit with its line and column, ignoring brackets in strings', () => {
    const deep = `{\n  "a": ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}}`;
    expect(() => checkNesting(deep, 'x.json')).toThrow(
      // The object on line 1 is level 1, so the 64th bracket on line 2 (column 7 + 64) is level 65.
      new RegExp(`x\\.json:2:${7 + MAX_NESTING}: nested more than ${MAX_NESTING} levels deep`),
    );
    expect(() => checkNesting(`{"a": "${'['.repeat(1000)}"}`, 'x.json')).not.toThrow();
    expect(() => parseScenarioScript(`{"name": "x", "steps": ${'['.repeat(100_000)}`, 's.json')).toThrow(
      /s\.json:1:\d+: nested more than 64 levels deep/,
    );
  });

  it('refuses a scenario script with more steps than the limit', () => {
    const steps = Array.from({ length: MAX_SCRIPT_STEPS + 1 }, () => ({ op: 'advance', seconds: 1 }));
    expect(() => parseScenarioScript(JSON.stringify({ name: 'long', steps }), 'long.json')).toThrow(
      new RegExp(`${MAX_SCRIPT_STEPS + 1} steps, over the limit of ${MAX_SCRIPT_STEPS}`),
    );
  });

  it('reads a Python file that ends in hundreds of comment lines, as Python does', () => {
    const source = `class Defaults:\n    DECAY_RATE = 0.1\n${'# trailing comment\n'.repeat(400)}`;
    expect(parseConstantsFile(source, 'c.py').constants.map((c) => [c.name, c.value])).toEqual([
      ['DECAY_RATE', 0.1],
    ]);
  });
});
