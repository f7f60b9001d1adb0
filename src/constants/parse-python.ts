/**
 * Reads the class-level constants of one class of a Python module with a real Python grammar
 * (@lezer/python). Nothing is executed: values are read from literals only.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { ConstantsParseError } from '../errors.js';
import {
  type LiteralKind,
  type LiteralValue,
  lastAssignmentWins,
  lineColumnAt,
  type ParsedConstant,
  type ParsedConstantsFile,
} from './file-model.js';

interface Literal {
  readonly kind: LiteralKind;
  readonly value: LiteralValue | undefined;
  /** The node whose characters a rewrite replaces (inside any parentheses). */
  readonly node: SyntaxNode;
}

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

function literalOf(node: SyntaxNode, source: string): Literal {
  const text = source.slice(node.from, node.to);
  const expression: Literal = { kind: 'expression', value: undefined, node };
  switch (node.name) {
    case 'Number': {
      const number = pythonNumber(text);
      return number ? { ...number, node } : expression;
    }
    case 'UnaryExpression': {
      const operator = node.firstChild;
      const operand = operator?.nextSibling;
      const sign = operator ? source.slice(operator.from, operator.to) : '';
      if (!operand || operand.name !== 'Number' || (sign !== '-' && sign !== '+')) return expression;
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

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type.isError) return node;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    const found = firstError(child);
    if (found) return found;
  }
  return undefined;
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

function assignment(statement: SyntaxNode, source: string): ParsedConstant | undefined {
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
  const { line, column } = lineColumnAt(source, literal.node.from);
  const tunable = literal.kind === 'int' || literal.kind === 'float' || literal.kind === 'bool';
  const reason = chained ? 'a chained assignment: not tunable' : REASONS[literal.kind];
  return {
    name,
    value: literal.value,
    kind: literal.kind,
    line,
    column,
    span: { from: literal.node.from, to: literal.node.to },
    tunable,
    ...(reason ? { reason } : {}),
  };
}

export function parsePythonConstants(
  source: string,
  file: string,
  classNameWanted = 'Defaults',
): ParsedConstantsFile {
  const tree = parser.parse(source);
  const classes = moduleClasses(tree.topNode).filter((c) => className(c, source) === classNameWanted);
  const target = classes.at(-1); // Python binds the name to the last definition
  if (!target) {
    const error = firstError(tree.topNode);
    if (error) {
      const { line, column } = lineColumnAt(source, error.from);
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
  const error = firstError(target);
  if (error) {
    const { line, column } = lineColumnAt(source, error.from);
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
  const body = target.getChild('Body');
  const assignments = (body ? childrenOf(body) : [])
    .filter((statement) => statement.name === 'AssignStatement')
    .map((statement) => assignment(statement, source))
    .filter((constant): constant is ParsedConstant => constant !== undefined);
  return {
    file,
    format: 'python',
    className: classNameWanted,
    constants: lastAssignmentWins(file, assignments, warnings),
    warnings,
  };
}
