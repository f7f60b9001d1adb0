/** Reads JSON and YAML constants files: a flat map of name → value, or such a map under the class name. */
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { isMap, isScalar, LineCounter, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { ConstantsParseError } from '../errors.js';
import { LineIndex } from '../util/line-index.js';
import {
  type LiteralKind,
  type LiteralValue,
  lastAssignmentWins,
  type ParsedConstant,
  type ParsedConstantsFile,
} from './file-model.js';

function kindOf(value: unknown, integerSpelling: boolean): LiteralKind {
  if (typeof value === 'number') return integerSpelling ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (value === null) return 'none';
  return 'expression';
}

const REASONS: Partial<Record<LiteralKind, string>> = {
  string: 'a string: not tunable',
  none: 'null: not tunable',
  expression: 'not a number or boolean: not tunable',
};

function constant(
  lines: LineIndex,
  name: string,
  value: unknown,
  spelling: string,
  from: number,
  to: number,
): ParsedConstant {
  const kind = kindOf(value, /^-?\d+$/.test(spelling.trim()));
  const { line, column } = lines.position(from);
  const reason = REASONS[kind];
  return {
    name,
    value: kind === 'expression' ? undefined : (value as LiteralValue),
    kind,
    line,
    column,
    span: { from, to },
    tunable: kind === 'int' || kind === 'float' || kind === 'bool',
    ...(reason ? { reason } : {}),
  };
}

export function parseJsonConstants(source: string, file: string, className?: string): ParsedConstantsFile {
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const { line, column } = new LineIndex(source).position(errors[0]?.offset ?? 0);
    const what = errors[0] ? printParseErrorCode(errors[0].error) : 'empty document';
    throw new ConstantsParseError(
      file,
      line,
      column,
      `invalid JSON (${what}); fix the syntax at that position`,
    );
  }
  let map: Node = root;
  const nested = className ? findNodeAtLocation(root, [className]) : undefined;
  if (nested?.type === 'object') map = nested;
  if (map.type !== 'object') {
    throw new ConstantsParseError(
      file,
      1,
      1,
      'expected a JSON object of constants, e.g. {"DECAY_RATE": 0.1}',
    );
  }
  const warnings: string[] = [];
  const lines = new LineIndex(source);
  const assignments = (map.children ?? []).flatMap((property) => {
    const [key, valueNode] = property.children ?? [];
    if (!key || !valueNode) return [];
    const spelling = source.slice(valueNode.offset, valueNode.offset + valueNode.length);
    const value = valueNode.type === 'array' || valueNode.type === 'object' ? undefined : valueNode.value;
    return [
      constant(
        lines,
        String(key.value),
        value,
        spelling,
        valueNode.offset,
        valueNode.offset + valueNode.length,
      ),
    ];
  });
  return {
    file,
    format: 'json',
    ...(map !== root && className ? { className } : {}),
    constants: lastAssignmentWins(file, assignments, warnings),
    warnings,
  };
}

export function parseYamlConstants(source: string, file: string, className?: string): ParsedConstantsFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const position = lineCounter.linePos(error.pos[0]);
    throw new ConstantsParseError(
      file,
      position.line,
      position.col,
      `invalid YAML (${error.code}); fix the syntax there`,
    );
  }
  const top: unknown = document.contents;
  const nested: unknown = className && isMap(top) ? top.get(className, true) : undefined;
  const map: unknown = isMap(nested) ? nested : top;
  if (!isMap(map)) {
    throw new ConstantsParseError(file, 1, 1, 'expected a YAML mapping of constants, e.g. "DECAY_RATE: 0.1"');
  }
  const warnings: string[] = [];
  const lines = new LineIndex(source);
  const assignments = (map as YAMLMap).items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    const valueNode = pair.value as { range?: [number, number, number] } | null;
    const name = String((pair.key as Scalar).value);
    if (!valueNode?.range) return [];
    const [from, to] = valueNode.range;
    const spelling = source.slice(from, to);
    const value = isScalar(valueNode) ? valueNode.value : undefined;
    return [constant(lines, name, value, spelling, from, to)];
  });
  return {
    file,
    format: 'yaml',
    ...(map !== top && className ? { className } : {}),
    constants: lastAssignmentWins(file, assignments, warnings),
    warnings,
  };
}
