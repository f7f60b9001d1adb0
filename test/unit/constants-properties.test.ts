import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/constants/diff.js';
import type { ParsedConstant } from '../../src/constants/file-model.js';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { rewriteConstants } from '../../src/constants/rewrite.js';
import { ConstantsParseError } from '../../src/errors.js';

type Kind = 'int' | 'float' | 'bool';
interface Entry {
  name: string;
  kind: Kind;
  text: string;
  value: number | boolean;
  parenthesized: boolean;
  annotated: boolean;
  comment: string;
  blankBefore: boolean;
}

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const nonZeroLead = fc.tuple(fc.constantFrom(...'123456789'), digits(0, 4)).map(([a, b]) => a + b);

const floatSpelling = fc.oneof(
  fc.tuple(nonZeroLead, digits(1, 4)).map(([i, f]) => `${i}.${f}`),
  fc.tuple(digits(1, 1), digits(1, 4)).map(([i, f]) => `${i}.${f}`),
  digits(1, 4).map((f) => `.${f}`),
  nonZeroLead.map((i) => `${i}.`),
  fc.tuple(nonZeroLead, fc.integer({ min: -12, max: 12 })).map(([m, e]) => `${m}e${e}`),
  fc.tuple(nonZeroLead, digits(1, 3), fc.integer({ min: -9, max: 9 })).map(([m, f, e]) => `${m}.${f}E${e}`),
  fc.tuple(nonZeroLead, digits(3, 3), digits(1, 2)).map(([a, b, f]) => `${a}_${b}.${f}`),
);
const intSpelling = fc.oneof(
  nonZeroLead,
  fc.constant('0'),
  fc.tuple(nonZeroLead, digits(3, 3)).map(([a, b]) => `${a}_${b}`),
  fc.integer({ min: 1, max: 4095 }).map((n) => `0x${n.toString(16)}`),
);
const numberValue = (text: string): number =>
  text.startsWith('0x') ? Number.parseInt(text.slice(2), 16) : Number(text.replaceAll('_', ''));

const commentText = fc.constantFrom(
  '',
  '  # best from sweep',
  '  # a = b # c',
  '  # ünïcødé ✓ 日本語',
  '  # \'quoted\' = "x"',
);

const entry = (name: string): fc.Arbitrary<Entry> =>
  fc
    .record({
      kind: fc.constantFrom<Kind>('int', 'float', 'bool'),
      float: floatSpelling,
      int: intSpelling,
      bool: fc.boolean(),
      negative: fc.boolean(),
      parenthesized: fc.boolean(),
      annotated: fc.boolean(),
      comment: commentText,
      blankBefore: fc.boolean(),
    })
    .map((r): Entry => {
      const layout = {
        parenthesized: r.parenthesized,
        annotated: r.annotated,
        comment: r.comment,
        blankBefore: r.blankBefore,
      };
      if (r.kind === 'bool')
        return { name, kind: r.kind, text: r.bool ? 'True' : 'False', value: r.bool, ...layout };
      const body = r.kind === 'int' ? r.int : r.float;
      const sign = r.negative ? '-' : '';
      return {
        name,
        kind: r.kind,
        text: sign + body,
        value: (r.negative ? -1 : 1) * numberValue(body),
        ...layout,
      };
    });

interface File {
  entries: Entry[];
  source: string;
}

const file: fc.Arbitrary<File> = fc
  .record({
    names: fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), { minLength: 1, maxLength: 12 }),
    indent: fc.constantFrom('    ', '  ', '\t'),
    eol: fc.constantFrom('\n', '\r\n'),
    trailingNewline: fc.boolean(),
    docstring: fc.boolean(),
    otherClass: fc.boolean(),
  })
  .chain((shape) =>
    fc.tuple(fc.constant(shape), fc.tuple(...shape.names.map((name) => entry(name)))).map(([s, entries]) => {
      const { indent, eol } = s;
      const lines: string[] = ['"""Module docstring."""', 'import os', ''];
      if (s.otherClass) lines.push('class Other:', ...entries.map((e) => `${indent}${e.name} = 12345`), '');
      lines.push('class Defaults:');
      if (s.docstring) lines.push(`${indent}"""Central registry. X = 1 # not an attribute."""`);
      for (const e of entries) {
        if (e.blankBefore) lines.push('', `${indent}# -- section ${e.name} --`);
        const target = e.annotated ? `${e.name}: ${e.kind === 'bool' ? 'bool' : e.kind}` : e.name;
        if (e.parenthesized)
          lines.push(`${indent}${target} = (`, `${indent}${indent}${e.text}${e.comment}`, `${indent})`);
        else lines.push(`${indent}${target} = ${e.text}${e.comment}`);
      }
      lines.push('', 'def helper():', `${indent}return Defaults`);
      if (s.otherClass) lines.push('', 'class Later:', ...entries.map((e) => `${indent}${e.name} = 777`));
      const source = lines.join(eol) + (s.trailingNewline ? eol : '');
      return { entries, source };
    }),
  );

const newValue = (kind: Kind): fc.Arbitrary<number | boolean> =>
  kind === 'bool'
    ? fc.boolean()
    : kind === 'int'
      ? fc.integer({ min: -100000, max: 100000 })
      : fc.oneof(
          fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -50, max: 50 }).map((n) => n / 10),
          fc.constantFrom(1e-9, 2, 0.30000000000000004, 1e21),
        );

/** The source with every value span cut out: what must never change. */
function outsideSpans(source: string, constants: readonly ParsedConstant[]): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const c of [...constants].sort((a, b) => a.span.from - b.span.from)) {
    parts.push(source.slice(at, c.span.from));
    at = c.span.to;
  }
  parts.push(source.slice(at));
  return parts;
}

function gitApplyCheck(path: string, before: string, diff: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'mr-apply-'));
  execFileSync('git', ['init', '-q', dir]);
  mkdirSync(join(dir, 'src/pkg'), { recursive: true });
  writeFileSync(join(dir, path), before);
  writeFileSync(join(dir, 'change.diff'), diff);
  execFileSync('git', ['-C', dir, 'apply', '--check', 'change.diff'], { stdio: 'pipe' });
}

describe('constants file properties (fast-check)', () => {
  it('parses generated files to the values written, with spans that cover exactly the literals', () => {
    fc.assert(
      fc.property(file, ({ entries, source }) => {
        const parsed = parseConstantsFile(source, 'constants.py');
        expect(parsed.constants.map((c) => [c.name, c.value, c.kind])).toEqual(
          entries.map((e) => [e.name, e.value, e.kind]),
        );
        for (const [i, c] of parsed.constants.entries())
          expect(source.slice(c.span.from, c.span.to)).toBe(entries[i]!.text);
      }),
      { numRuns: 300 },
    );
  });

  it('rewrites random values so that re-parsing gives them and every other byte stays', () => {
    const withChanges = file.chain((f) =>
      fc.tuple(
        fc.constant(f),
        fc.tuple(...f.entries.map((e) => fc.option(newValue(e.kind), { nil: undefined }))),
      ),
    );
    let applied = 0;
    fc.assert(
      fc.property(withChanges, ([{ entries, source }, values]) => {
        const parsed = parseConstantsFile(source, 'src/pkg/constants.py');
        const changes = Object.fromEntries(
          entries.flatMap((e, i) => (values[i] === undefined ? [] : [[e.name, values[i]!] as const])),
        );
        const { text, edits } = rewriteConstants(source, parsed, changes);
        const reparsed = parseConstantsFile(text, 'src/pkg/constants.py');
        const expected = entries.map((e) => (e.name in changes ? changes[e.name] : e.value));
        expect(reparsed.constants.map((c) => c.value)).toEqual(expected);
        // integers stay integers
        reparsed.constants.forEach((c, i) => {
          if (entries[i]!.kind === 'int' && Number.isInteger(expected[i])) expect(c.kind).toBe('int');
          if (entries[i]!.kind === 'float') expect(c.kind).toBe('float');
        });
        expect(outsideSpans(text, reparsed.constants)).toEqual(outsideSpans(source, parsed.constants));
        expect(edits.every((edit) => source.slice(edit.from, edit.to) === edit.old)).toBe(true);
        if (edits.length > 0 && applied < 25) {
          applied++;
          gitApplyCheck('src/pkg/constants.py', source, unifiedDiff('src/pkg/constants.py', source, text));
        }
      }),
      { numRuns: 200 },
    );
    expect(applied).toBe(25);
  });

  it('survives random and truncated input with typed errors or results, never a crash', () => {
    const check = (source: string, name: string) => {
      try {
        parseConstantsFile(source, name);
      } catch (error) {
        if (!(error instanceof ConstantsParseError)) throw error;
        expect(error.line).toBeGreaterThanOrEqual(1);
        expect(error.column).toBeGreaterThanOrEqual(1);
      }
    };
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom('c.py', 'c.json', 'c.yaml'),
        check,
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(file, fc.nat(), ({ source }, cut) => {
        check(source.slice(0, cut % (source.length + 1)), 'c.py');
      }),
      { numRuns: 1500 },
    );
  });
});
