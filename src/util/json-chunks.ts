/**
 * JSON text in pieces: the exact text `JSON.stringify(value, null, indent)` gives, cut into chunks at array
 * elements and object members, so a large report can be written without holding its whole text (or the
 * text of its largest array) in memory at once. Pure.
 */

export interface JsonChunkOptions {
  /** Spaces per level, as JSON.stringify's third argument (0: no whitespace). */
  readonly indent?: number;
  /** Levels cut into chunks (default 3: a report’s points one by one); deeper values are stringified whole. */
  readonly depth?: number;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** The value JSON.stringify serialises for `value` under `key`: after toJSON. */
function serialised(key: string, value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  return value;
}

export function* jsonChunks(value: unknown, options: JsonChunkOptions = {}): Generator<string> {
  const step = ' '.repeat(options.indent ?? 0);
  yield* chunks(serialised('', value), '', step, options.depth ?? 3);
}

function* chunks(value: unknown, indent: string, step: string, depth: number): Generator<string> {
  if (value === null || typeof value !== 'object' || depth === 0) {
    const text = JSON.stringify(value, null, step) ?? 'null';
    // Nested text gets the indent of where it sits (JSON escapes newlines inside strings).
    yield step === '' || indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = indent + step;
  const newline = step === '' ? '' : '\n';
  const colon = step === '' ? ':' : ': ';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield `[${newline}`;
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const element = serialised(String(i), value[i]);
      if (omitted(element)) yield 'null';
      else yield* chunks(element, inner, step, depth - 1);
      yield i < value.length - 1 ? `,${newline}` : newline;
    }
    yield `${indent}]`;
    return;
  }
  const members: [string, unknown][] = [];
  for (const name of Object.keys(value)) {
    const member = serialised(name, (value as Record<string, unknown>)[name]);
    if (!omitted(member)) members.push([name, member]);
  }
  if (members.length === 0) {
    yield '{}';
    return;
  }
  yield `{${newline}`;
  for (const [i, [name, member]] of members.entries()) {
    yield `${inner}${JSON.stringify(name)}${colon}`;
    yield* chunks(member, inner, step, depth - 1);
    yield i < members.length - 1 ? `,${newline}` : newline;
  }
  yield `${indent}}`;
}
