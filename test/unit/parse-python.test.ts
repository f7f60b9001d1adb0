import { describe, expect, it } from 'vitest';
import type { ParsedConstant } from '../../src/constants/file-model.js';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { pythonNumber } from '../../src/constants/parse-python.js';
import { rewriteConstants } from '../../src/constants/rewrite.js';
import { ConstantsParseError } from '../../src/errors.js';

const parse = (source: string, className?: string) =>
  parseConstantsFile(source, 'constants.py', className ? { className } : {});
const byName = (source: string) => new Map(parse(source).constants.map((c) => [c.name, c]));
const spanText = (source: string, c: ParsedConstant) => source.slice(c.span.from, c.span.to);

const SHAPES = `import os
from enum import Enum


class TemporalPeriod(Enum):
    WEEKLY = 604800


class Defaults:
    """Central registry of tunable behavioral constants.

    DECAY_RATE = 99  # inside the docstring: not an attribute
    """

    # -- DecayingSortedField ------------------------------------------------
    DECAY_RATE = 0.1  # best from sweep 2026-04-20
    DECAY_CONFIDENCE_MODULATION_ENABLED = True
    CONFIDENCE_EPSILON = 1e-9  # not user config
    ACTED_CYCLE_STRENGTHEN_FACTOR = (
        1.2  # empirically inert (variance=0.0)
    )
    MIN_EVENTS_FOR_CRYSTALLIZATION = 3
    BIG = 1_000
    HALF = .5
    NEGATIVE = -0.2
    POSITIVE = +2
    WHOLE = 1.
    HEX = 0x1F
    LABEL = "a = b # not a comment"
    OTHER_LABEL = 'x#y=z'
    PAIR = (1, 2.5)
    NOTHING = None
    CALLED = float("0.3")
    NAMED = DECAY_RATE
    SUM = 0.1 + 0.2
    ANNOTATED: float = 0.25
    A = B = 4

    def method(self):
        DECAY_RATE = 5
        return DECAY_RATE

    class Inner:
        DECAY_RATE = 6


def helper():
    return Defaults.DECAY_RATE


class InteractionWeight:
    DECAY_RATE = 7.0
    HUMAN = 6.0
`;

describe('parsing popoto-style Python constants', () => {
  const c = byName(SHAPES);

  it('reads literals of every spelling with their line and exact span', () => {
    expect(c.get('DECAY_RATE')).toMatchObject({ value: 0.1, kind: 'float', line: 16, tunable: true });
    expect(spanText(SHAPES, c.get('DECAY_RATE')!)).toBe('0.1');
    expect(c.get('DECAY_CONFIDENCE_MODULATION_ENABLED')).toMatchObject({ value: true, kind: 'bool' });
    expect(c.get('CONFIDENCE_EPSILON')).toMatchObject({ value: 1e-9, kind: 'float' });
    expect(c.get('ACTED_CYCLE_STRENGTHEN_FACTOR')).toMatchObject({ value: 1.2, line: 20 });
    expect(spanText(SHAPES, c.get('ACTED_CYCLE_STRENGTHEN_FACTOR')!)).toBe('1.2');
    expect(c.get('MIN_EVENTS_FOR_CRYSTALLIZATION')).toMatchObject({ value: 3, kind: 'int' });
    expect(c.get('BIG')).toMatchObject({ value: 1000, kind: 'int' });
    expect(c.get('HALF')).toMatchObject({ value: 0.5, kind: 'float' });
    expect(c.get('NEGATIVE')).toMatchObject({ value: -0.2, kind: 'float' });
    expect(spanText(SHAPES, c.get('NEGATIVE')!)).toBe('-0.2');
    expect(c.get('POSITIVE')).toMatchObject({ value: 2, kind: 'int' });
    expect(c.get('WHOLE')).toMatchObject({ value: 1, kind: 'float' });
    expect(c.get('HEX')).toMatchObject({ value: 31, kind: 'int' });
    expect(c.get('ANNOTATED')).toMatchObject({ value: 0.25, tunable: true });
  });

  it('reads strings with = and # inside, tuples and None as values that are not tunable', () => {
    expect(c.get('LABEL')).toMatchObject({
      value: 'a = b # not a comment',
      tunable: false,
      reason: 'a string: not tunable',
    });
    expect(c.get('OTHER_LABEL')).toMatchObject({ value: 'x#y=z', tunable: false });
    expect(c.get('PAIR')).toMatchObject({ value: [1, 2.5], tunable: false, reason: 'a tuple: not tunable' });
    expect(c.get('NOTHING')).toMatchObject({ value: null, tunable: false });
  });

  it('reports non-literals as "not a literal: not tunable"', () => {
    for (const name of ['CALLED', 'NAMED', 'SUM']) {
      expect(c.get(name), name).toMatchObject({
        value: undefined,
        tunable: false,
        reason: 'not a literal: not tunable',
      });
    }
    expect(c.get('A')).toMatchObject({ tunable: false, reason: 'a chained assignment: not tunable' });
  });

  it('ignores the docstring, methods, nested classes, other classes and module code', () => {
    expect([...c.keys()]).not.toContain('HUMAN');
    expect(c.get('DECAY_RATE')!.value).toBe(0.1);
    expect(parse(SHAPES, 'InteractionWeight').constants.map((x) => [x.name, x.value])).toEqual([
      ['DECAY_RATE', 7],
      ['HUMAN', 6],
    ]);
  });

  it('lets the last assignment win, with a warning', () => {
    const parsed = parse('class Defaults:\n    DECAY_RATE = 0.1\n    TD_ALPHA = 0.2\n    DECAY_RATE = 0.3\n');
    expect(parsed.constants.map((x) => [x.name, x.value])).toEqual([
      ['TD_ALPHA', 0.2],
      ['DECAY_RATE', 0.3],
    ]);
    expect(parsed.warnings).toEqual([
      'constants.py:4: DECAY_RATE is assigned again (first at line 2); the last assignment wins',
    ]);
  });

  it('reads statements separated by semicolons, each with its column, and rewrites only the right literal', () => {
    const source = 'class Defaults:\n    A = 0.1;  B = 0.45\n    C = 1; D = 2;\n';
    const parsed = parse(source);
    expect(parsed.constants.map((x) => [x.name, x.value, x.line, x.column])).toEqual([
      ['A', 0.1, 2, 9],
      ['B', 0.45, 2, 19],
      ['C', 1, 3, 9],
      ['D', 2, 3, 16],
    ]);
    const { text, edits } = rewriteConstants(source, parsed, { B: 0.5, C: 3 });
    expect(text).toBe('class Defaults:\n    A = 0.1;  B = 0.5\n    C = 3; D = 2;\n');
    expect(edits.map((e) => [e.name, e.line, e.column, e.old, e.new])).toEqual([
      ['B', 2, 19, '0.45', '0.5'],
      ['C', 3, 9, '1', '3'],
    ]);
  });

  it('handles Windows line endings, tabs, no trailing newline, unicode comments and decorators', () => {
    const crlf = 'class Defaults:\r\n    DECAY_RATE = 0.2  # ünïcødé ✓\r\n    TD_GAMMA = 0.9\r\n';
    expect(parse(crlf).constants.map((x) => [x.name, x.value, x.line])).toEqual([
      ['DECAY_RATE', 0.2, 2],
      ['TD_GAMMA', 0.9, 3],
    ]);
    expect(
      parse('class Defaults:\n\tDECAY_RATE = 0.4\n\tTD_ALPHA = 0.05').constants.map((x) => x.value),
    ).toEqual([0.4, 0.05]);
    expect(
      parse('@dataclass\nclass Defaults(Base):\n    DECAY_RATE = 0.7  # 日本語\n').constants[0]!.value,
    ).toBe(0.7);
  });

  it('reads the class defined last when a module defines it twice', () => {
    const parsed = parse('class Defaults:\n    X = 1\n\nclass Defaults:\n    X = 2\n');
    expect(parsed.constants[0]!.value).toBe(2);
    expect(parsed.warnings[0]).toMatch(/defined 2 times/);
  });

  it('gives typed errors with line and column', () => {
    expect(() => parse('X = 1\n')).toThrow(ConstantsParseError);
    expect(() => parse('class Other:\n    X = 1\n')).toThrow(
      'constants.py:1:1: no class Defaults at module level (classes found: Other); pass --class NAME',
    );
    const error = (() => {
      try {
        parse('class Defaults:\n    DECAY_RATE = 0.1\n    TD_ALPHA = (\n');
      } catch (e) {
        return e as ConstantsParseError;
      }
    })();
    expect(error).toBeInstanceOf(ConstantsParseError);
    expect(error!.line).toBeGreaterThanOrEqual(3);
    expect(error!.message).toMatch(/^constants\.py:\d+:\d+: syntax error in class Defaults/);
  });

  it('converts every Python number spelling', () => {
    expect(pythonNumber('1_000')).toEqual({ kind: 'int', value: 1000 });
    expect(pythonNumber('0o17')).toEqual({ kind: 'int', value: 15 });
    expect(pythonNumber('0b101')).toEqual({ kind: 'int', value: 5 });
    expect(pythonNumber('1E5')).toEqual({ kind: 'float', value: 100000 });
    expect(pythonNumber('1_0.5_0e-1_0')).toEqual({ kind: 'float', value: 10.5e-10 });
    expect(pythonNumber('3j')).toBeUndefined();
  });
});

describe('JSON and YAML constants files', () => {
  it('reads a JSON object with spans and lines', () => {
    const source =
      '{\n  "DECAY_RATE": 0.1,\n  "MIN_EVENTS_FOR_CRYSTALLIZATION": 3,\n  "FLAG": true,\n  "NAME": "x"\n}\n';
    const parsed = parseConstantsFile(source, 'c.json');
    expect(parsed.constants.map((x) => [x.name, x.value, x.kind, x.line, x.tunable])).toEqual([
      ['DECAY_RATE', 0.1, 'float', 2, true],
      ['MIN_EVENTS_FOR_CRYSTALLIZATION', 3, 'int', 3, true],
      ['FLAG', true, 'bool', 4, true],
      ['NAME', 'x', 'string', 5, false],
    ]);
    expect(() => parseConstantsFile('{"a": 1,}', 'c.json')).toThrow(/^c\.json:1:9: invalid JSON/);
    expect(() => parseConstantsFile('[1]', 'c.json')).toThrow(/expected a JSON object/);
  });

  it('reads YAML, optionally under the class key', () => {
    const source = '# tuned\nDefaults:\n  DECAY_RATE: 0.1  # comment\n  TD_GAMMA: 0.95\n';
    const parsed = parseConstantsFile(source, 'c.yaml', { className: 'Defaults' });
    expect(parsed.constants.map((x) => [x.name, x.value, x.line])).toEqual([
      ['DECAY_RATE', 0.1, 3],
      ['TD_GAMMA', 0.95, 4],
    ]);
    expect(() => parseConstantsFile('a: [1,\n', 'c.yml')).toThrow(ConstantsParseError);
  });

  it('refuses unknown extensions and files over 1 MB', () => {
    expect(() => parseConstantsFile('', 'c.toml')).toThrow(/use a \.py, \.json, \.yaml or \.yml file/);
    expect(() => parseConstantsFile(`# ${'x'.repeat(1024 * 1024)}\n`, 'big.py')).toThrow(
      /over the 1 MB limit/,
    );
  });
});
