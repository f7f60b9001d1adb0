/**
 * Input files as text, within limits: the size is checked before decoding, the encoding is the one the file
 * declares (Python's `# -*- coding: … -*-` in its first two lines; else UTF-8, strictly), and bracket
 * nesting is bounded before any recursive parser sees it. The encoding is kept so a rewrite writes the same
 * bytes back. Pure.
 */
import { InputError } from '../errors.js';

/** Largest input file read (constants files, scenario scripts). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
/** Deepest bracket nesting accepted in a JSON or YAML input. */
export const MAX_NESTING = 64;

/** `utf-8-sig`: UTF-8 that starts with a byte-order mark (kept out of the text, written back). */
export type SourceEncoding = 'utf-8' | 'utf-8-sig' | 'latin-1';

export interface SourceText {
  readonly text: string;
  readonly encoding: SourceEncoding;
}

const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

function normalise(label: string): SourceEncoding | null {
  const l = label.toLowerCase().replaceAll('_', '-');
  if (['utf-8', 'utf8', 'utf-8-sig'].includes(l)) return 'utf-8';
  if (['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1', 'iso-latin-1'].includes(l)) return 'latin-1';
  return null;
}

/** The declared encoding of a Python file (PEP 263: a comment on line 1 or 2), if any. */
export function declaredEncoding(bytes: Uint8Array, what: string): SourceEncoding | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1').split('\n').slice(0, 2);
  for (const line of head) {
    const match = CODING.exec(line);
    if (!match) continue;
    const encoding = normalise(match[1]!);
    if (!encoding) {
      throw new InputError(
        `${what} declares the encoding '${match[1]}', which is not supported; save it as UTF-8 or Latin-1`,
      );
    }
    return encoding;
  }
  return null;
}

export function decodeSource(
  bytes: Uint8Array,
  what: string,
  options: { python?: boolean } = {},
): SourceText {
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new InputError(
      `${what} is ${bytes.length} bytes, over the limit of ${MAX_INPUT_BYTES}; inputs this large are not read`,
    );
  }
  const declared = options.python ? declaredEncoding(bytes, what) : null;
  if (declared === 'latin-1') return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin-1' };
  try {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a leading byte-order mark
    return { text, encoding: bom ? 'utf-8-sig' : 'utf-8' };
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InputError(
      `${what} is not valid UTF-8 (byte ${at} is not)${options.python ? '; declare its encoding on line 1 or 2 (# -*- coding: latin-1 -*-) or save it as UTF-8' : '; save it as UTF-8'}`,
    );
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, i + 1), { stream: true });
    } catch {
      return i + 1;
    }
  }
  return bytes.length;
}

/** The bytes of text in an encoding (a rewrite keeps the file's own). */
export function encodeSource(text: string, encoding: SourceEncoding): Buffer {
  if (encoding === 'latin-1') return Buffer.from(text, 'latin1');
  return Buffer.from(encoding === 'utf-8-sig' ? `\uFEFF${text}` : text, 'utf8');
}

/**
 * Throws when brackets nest deeper than `max` (strings skipped), naming the line and column, before a
 * recursive parser could overflow its stack on it.
 */
export function checkNesting(text: string, what: string, max = MAX_NESTING): void {
  let depth = 0;
  let quote: string | null = null;
  let line = 1;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    column++;
    if (c === '\n') {
      line++;
      column = 0;
      if (quote === "'" || quote === '"') quote = quote === '"' ? quote : null; // YAML single quotes end at lines
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        throw new InputError(
          `${what}:${line}:${column}: nested more than ${max} levels deep; inputs are not nested that deep`,
        );
      }
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
}
