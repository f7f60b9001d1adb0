/**
 * Reads the class-level constants of one class of a Python module with a real Python grammar
 * (@lezer/python). Nothing is executed: values are read from literals only.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { ConstantsParseError } from '../errors.js';
import { LineIndex } from '../util/line-index.js';
import {
  type LiteralKind,
  type LiteralValue,
  lastAssignmentWins,
  type ParsedConstant,
  type ParsedConstantsFile,
} from './file-model.js';

/** Python number text (underscores, 0x/0o/0b, `.5`, `1.`, exponents) → int or float; undefined otherwise. */
export function pythonNumber(text: string): { kind: 'int' | 'float'; value: number } | undefined {
  const t = text.replaceAll('_', '');
  const radix = /^0([xob])/i.exec(t)?.[1]?.toLowerCase();
  if (radix) {
    const digits = t.slice(2);
    const base = radix === 'x' ? 16 : radix === 'o' ? 8 : 2;
    const pattern = base === 16 ? /^[0-9a-f]+$/i : base === 8 ? /^[0-7]+$/ : /^[01]+$/;
    if (!pattern.test(digits)) return undefined;
    return { kind: 'int', value: Number.parseInt(digits, base) };
  }
  if (/[jJ]$/.test(t)) return undefined; // imaginary
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const value = Number(t);
  if (!Number.isFinite(value)) return undefined;
  return { kind: /[.eE]/.test(t) ? 'float' : 'int', value };
}

/** A string literal's content (prefixes and quotes removed, common escapes decoded unless raw). */
function pythonString(text: string): string | undefined {
  const match = /^([rRbBuUfF]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!match) return undefined;
  const [, prefix = '', , body = ''] = match;
  if (/[rR]/.test(prefix)) return body;
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
    '0': '\0',
  };
  return body.replace(/\\(.)/g, (whole, ch: string) => escapes[ch] ?? whole);
}

/** A literal's value, and the source range a rewrite replaces when it is not the node's own range. */
interface Literal {
  readonly kind: LiteralKind;
  readonly value: LiteralValue | undefined;
  readonly node: SyntaxNode;
  readonly span?: { readonly from: number; readonly to: number };
}

function leaves(node: SyntaxNode, out: SyntaxNode[] = []): SyntaxNode[] {
  if (!node.firstChild) out.push(node);
  for (let child = node.firstChild; child; child = child.nextSibling) leaves(child, out);
  return out;
}

/**
 * @lezer/python reads a float with a trailing dot (`1.`, `1.e5`, `-2.e-3`) as an attribute access on an
 * integer. Such a value is a float literal when its tokens (comments and the parser's empty error
 * markers aside) are adjacent and spell a Python number.
 */
function trailingDotFloat(node: SyntaxNode, source: string): Literal | undefined {
  const tokens = leaves(node).filter(
    (leaf) => leaf.name !== 'Comment' && !(leaf.type.isError && leaf.from === leaf.to),
  );
  if (tokens.length < 2 || !tokens.some((t) => t.name === '.')) return undefined;
  if (!tokens.every((t) => ['Number', '.', 'PropertyName', 'ArithOp'].includes(t.name))) return undefined;
  for (let i = 1; i < tokens.length; i++) if (tokens[i]!.from !== tokens[i - 1]!.to) return undefined;
  const from = tokens[0]!.from;
  const to = tokens.at(-1)!.to;
  const text = source.slice(from, to);
  const sign = /^[+-]/.exec(text)?.[0] ?? '';
  const number = pythonNumber(text.slice(sign.length));
  if (number?.kind !== 'float') return undefined;
  return { kind: 'float', value: sign === '-' ? -number.value : number.value, node, span: { from, to } };
}

function literalOf(node: SyntaxNode, source: string): Literal {
  const text = source.slice(node.from, node.to);
  const expression: Literal = { kind: 'expression', value: undefined, node };
  switch (node.name) {
    case 'MemberExpression':
    case 'BinaryExpression':
    case 'UnaryExpression': {
      const float = trailingDotFloat(node, source);
      if (float) return float;
      if (node.name !== 'UnaryExpression') return expression;
      break;
    }
  }
  switch (node.name) {
    case 'Number': {
      const number = pythonNumber(text);
      return number ? { ...number, node } : expression;
    }
    case 'UnaryExpression': {
      const operator = node.firstChild;
      const operand = operator?.nextSibling;
      const sign = operator ? source.slice(operator.from, operator.to) : '';
      if (operand?.name !== 'Number' || (sign !== '-' && sign !== '+')) return expression;
      // Comments between the sign and the number would make the span ambiguous.
      if (operand.nextSibling) return expression;
      const number = pythonNumber(source.slice(operand.from, operand.to));
      if (!number) return expression;
      return { kind: number.kind, value: sign === '-' ? -number.value : number.value, node };
    }
    case 'Boolean':
      return { kind: 'bool', value: text === 'True', node };
    case 'None':
      return { kind: 'none', value: null, node };
    case 'String': {
      const value = pythonString(text);
      return value === undefined ? expression : { kind: 'string', value, node };
    }
    case 'ParenthesizedExpression': {
      const inner = childrenOf(node).filter((c) => c.name !== '(' && c.name !== ')' && c.name !== 'Comment');
      return inner.length === 1 ? literalOf(inner[0]!, source) : expression;
    }
    case 'TupleExpression': {
      const items = childrenOf(node)
        .filter((c) => !['(', ')', ',', 'Comment'].includes(c.name))
        .map((c) => literalOf(c, source));
      if (items.some((item) => item.value === undefined || item.kind === 'expression')) return expression;
      return { kind: 'tuple', value: items.map((item) => item.value as LiteralValue), node };
    }
    default:
      return expression;
  }
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

/** The offset of the first syntax error under `node`, outside values read as literals (a cursor walk). */
function firstError(node: SyntaxNode, readAsLiterals: readonly SyntaxNode[] = []): number | undefined {
  const key = (from: number, to: number, name: string) => `${from}:${to}:${name}`;
  const skip = new Set(readAsLiterals.map((literal) => key(literal.from, literal.to, literal.name)));
  const cursor = node.cursor();
  let depth = 0;
  for (;;) {
    const skipped = skip.size > 0 && skip.has(key(cursor.from, cursor.to, cursor.name));
    if (!skipped) {
      if (cursor.type.isError) return cursor.from;
      if (cursor.firstChild()) {
        depth++;
        continue;
      }
    }
    for (;;) {
      if (depth === 0) return undefined;
      if (cursor.nextSibling()) break;
      cursor.parent();
      depth--;
    }
  }
}

/** Top-level classes of the module, decorated ones included. */
function moduleClasses(root: SyntaxNode): SyntaxNode[] {
  return childrenOf(root).flatMap((statement) => {
    if (statement.name === 'ClassDefinition') return [statement];
    if (statement.name === 'DecoratedStatement')
      return childrenOf(statement).filter((c) => c.name === 'ClassDefinition');
    return [];
  });
}

function className(node: SyntaxNode, source: string): string | undefined {
  const name = node.getChild('VariableName');
  return name ? source.slice(name.from, name.to) : undefined;
}

const REASONS: Partial<Record<LiteralKind, string>> = {
  string: 'a string: not tunable',
  none: 'None: not tunable',
  tuple: 'a tuple: not tunable',
  expression: 'not a literal: not tunable',
};

interface Assignment {
  readonly constant: ParsedConstant;
  /** The value node, when it holds a literal the grammar itself reads as an error (`1.`). */
  readonly repaired?: SyntaxNode;
}

function assignment(statement: SyntaxNode, source: string, lines: LineIndex): Assignment | undefined {
  const parts = childrenOf(statement).filter((c) => c.name !== 'Comment');
  const target = parts[0];
  if (target?.name !== 'VariableName') return undefined; // attribute, subscript or tuple targets
  let index = 1;
  if (parts[index]?.name === 'TypeDef') index++;
  if (parts[index]?.name !== 'AssignOp' || source.slice(parts[index]!.from, parts[index]!.to) !== '=') {
    return undefined; // augmented assignment or a bare annotation
  }
  const valueNode = parts[index + 1];
  if (!valueNode) return undefined;
  const name = source.slice(target.from, target.to);
  const chained = parts.length > index + 2;
  const literal = chained
    ? { kind: 'expression' as const, value: undefined, node: parts.at(-1)! }
    : literalOf(valueNode, source);
  const span =
    'span' in literal && literal.span ? literal.span : { from: literal.node.from, to: literal.node.to };
  const { line, column } = lines.position(span.from);
  const tunable = literal.kind === 'int' || literal.kind === 'float' || literal.kind === 'bool';
  const reason = chained ? 'a chained assignment: not tunable' : REASONS[literal.kind];
  const constant: ParsedConstant = {
    name,
    value: literal.value,
    kind: literal.kind,
    line,
    column,
    span,
    tunable,
    ...(reason ? { reason } : {}),
  };
  return 'span' in literal && literal.span ? { constant, repaired: literal.node } : { constant };
}

/**
 * The source without the comment and blank lines that end the file (every offset before them unchanged):
 * the grammar reports an error at the end of a class body followed by about 300 such lines, which Python
 * itself ignores.
 */
export function withoutTrailingComments(source: string): string {
  const lines = source.split('\n');
  let end = lines.length;
  while (end > 0 && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
  return end === lines.length ? source : `${lines.slice(0, end).join('\n')}\n`;
}

export function parsePythonConstants(
  source: string,
  file: string,
  classNameWanted = 'Defaults',
): ParsedConstantsFile {
  const tree = parser.parse(withoutTrailingComments(source));
  const lines = new LineIndex(source);
  const classes = moduleClasses(tree.topNode).filter((c) => className(c, source) === classNameWanted);
  const target = classes.at(-1); // Python binds the name to the last definition
  if (!target) {
    const error = firstError(tree.topNode);
    if (error !== undefined) {
      const { line, column } = lines.position(error);
      throw new ConstantsParseError(
        file,
        line,
        column,
        `syntax error, and no class ${classNameWanted} was found; fix the syntax or pass the right --class`,
      );
    }
    const found = moduleClasses(tree.topNode)
      .map((c) => className(c, source))
      .filter(Boolean);
    throw new ConstantsParseError(
      file,
      1,
      1,
      `no class ${classNameWanted} at module level${found.length > 0 ? ` (classes found: ${found.join(', ')})` : ''}; pass --class NAME`,
    );
  }
  const body = target.getChild('Body');
  // `A = 0.1;  B = 0.45` is one StatementGroup holding two statements, as Python reads it.
  const statements = (body ? childrenOf(body) : []).flatMap((statement) =>
    statement.name === 'StatementGroup' ? childrenOf(statement) : [statement],
  );
  const assignments = statements
    .filter((statement) => statement.name === 'AssignStatement')
    .map((statement) => assignment(statement, source, lines))
    .filter((found): found is Assignment => found !== undefined);
  const repaired = assignments.flatMap((a) => (a.repaired ? [a.repaired] : []));
  const error = firstError(target, repaired);
  if (error !== undefined) {
    const { line, column } = lines.position(error);
    throw new ConstantsParseError(
      file,
      line,
      column,
      `syntax error in class ${classNameWanted}; fix the file's syntax`,
    );
  }
  const warnings: string[] = [];
  if (classes.length > 1) {
    warnings.push(
      `${file}: class ${classNameWanted} is defined ${classes.length} times; the last definition is read`,
    );
  }
  return {
    file,
    format: 'python',
    className: classNameWanted,
    constants: lastAssignmentWins(
      file,
      assignments.map((a) => a.constant),
      warnings,
    ),
    warnings,
  };
}
