/**
 * Turns the text of a scenario script into a validated `ScenarioScript`, or a `ScenarioError` that
 * names the file, line and column, the JSON path, what is wrong and how to fix it. Pure.
 */
import { Ajv, type ErrorObject } from 'ajv';
import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { checkNesting } from '../constants/source-text.js';
import { ScenarioError } from '../errors.js';
import { lineColumnAt } from '../util/line-index.js';
import { SCENARIO_SCRIPT_SCHEMA, type ScenarioScript, STEP_OPS, type Step } from './script.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictTuples: false });
const validate = ajv.compile(SCENARIO_SCRIPT_SCHEMA);

type PathSegment = string | number;

/** `/steps/3/importance` style pointer → `steps[3].importance`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : /^[A-Za-z_$][\w$]*$/.test(segment)
          ? `${i === 0 ? '' : '.'}${segment}`
          : `[${JSON.stringify(segment)}]`,
    )
    .join('');
}

interface Locator {
  error(path: readonly PathSegment[], message: string): ScenarioError;
}

/** Places errors by JSON path alone, for scripts that come as values rather than text. */
class PathOnly implements Locator {
  constructor(private readonly source: string) {}

  error(path: readonly PathSegment[], message: string): ScenarioError {
    return new ScenarioError(`${this.source}: ${path.length > 0 ? `${formatPath(path)}: ` : ''}${message}`);
  }
}

class Located implements Locator {
  constructor(
    private readonly source: string,
    private readonly text: string,
    private readonly root: Node,
  ) {}

  error(path: readonly PathSegment[], message: string): ScenarioError {
    // The deepest node that exists along the path gives the position.
    let node: Node | undefined;
    for (let n = path.length; n >= 0 && !node; n--)
      node = findNodeAtLocation(this.root, [...path.slice(0, n)]);
    const { line, column } = lineColumnAt(this.text, node?.offset ?? 0);
    const where = path.length > 0 ? `${formatPath(path)}: ` : '';
    return new ScenarioError(`${this.source}:${line}:${column}: ${where}${message}`);
  }
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describeSchemaError(error: ErrorObject): { path: PathSegment[]; message: string } {
  const path = pointerToPath(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      if (path.at(-1) === 'op') {
        return { path, message: `unknown op; use one of ${STEP_OPS.join(', ')}` };
      }
      return {
        path,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'required':
      return { path, message: `missing required property '${String(p.missingProperty)}'` };
    case 'additionalProperties':
      return {
        path: [...path, String(p.additionalProperty)],
        message: 'unknown property; remove it or check its spelling (see docs/scenario-format.md)',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `out of range: ${error.message ?? ''}` };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

/** The most useful of Ajv's errors: skip if/then wrappers and prefer the deepest path. */
function pickSchemaError(errors: readonly ErrorObject[]): ErrorObject {
  const useful = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'const');
  const pool = useful.length > 0 ? useful : errors;
  return [...pool].sort(
    (a, b) => pointerToPath(b.instancePath).length - pointerToPath(a.instancePath).length,
  )[0]!;
}

function findNonFinite(value: unknown, path: PathSegment[] = []): PathSegment[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = findNonFinite(child, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function checkReferences(script: ScenarioScript, at: Locator): void {
  const declared = new Map<string, number>();
  // PolicyEntry ids and the fingerprint of their group (a group is offered to crystallisation batch after batch).
  const policies = new Map<string, string>();
  const labels = new Map<string, number>();
  const uniqueLabel = (label: string, path: PathSegment[], i: number) => {
    const first = labels.get(label);
    if (first !== undefined) {
      throw at.error(path, `duplicate query label '${label}' (first used at steps[${first}])`);
    }
    labels.set(label, i);
  };
  const requireId = (id: string, path: PathSegment[]) => {
    if (!declared.has(id)) {
      throw at.error(
        path,
        `unknown id '${id}': no earlier "save" step declares it; save it first or fix the id`,
      );
    }
  };
  script.steps.forEach((step: Step, i) => {
    const here = (...rest: PathSegment[]): PathSegment[] => ['steps', i, ...rest];
    switch (step.op) {
      case 'save': {
        const first = declared.get(step.id);
        if (first !== undefined && !step.update) {
          throw at.error(
            here('id'),
            `duplicate id '${step.id}' (first saved at steps[${first}]); use a new id, or add "update": true to re-save it`,
          );
        }
        if (first === undefined && step.update) {
          throw at.error(
            here('update'),
            `"update": true re-saves a record, but '${step.id}' was never saved before`,
          );
        }
        if (first === undefined) declared.set(step.id, i);
        break;
      }
      case 'crystallize': {
        // A group may crystallise the PolicyEntry or not; either way later steps may name it.
        if (step.successes > step.total) {
          throw at.error(
            here('successes'),
            `${step.successes} successes out of ${step.total} events; successes cannot exceed the total`,
          );
        }
        const first = declared.get(step.id);
        const fingerprint = policies.get(step.id);
        if (first !== undefined && fingerprint === undefined) {
          throw at.error(
            here('id'),
            `'${step.id}' is a record saved at steps[${first}]; a PolicyEntry needs an id of its own`,
          );
        }
        if (fingerprint !== undefined && fingerprint !== step.fingerprint) {
          throw at.error(
            here('fingerprint'),
            `'${step.id}' was offered under fingerprint '${fingerprint}' before; one (fingerprint, action) group keeps one id`,
          );
        }
        if (first === undefined) declared.set(step.id, i);
        policies.set(step.id, step.fingerprint);
        break;
      }
      case 'touch':
      case 'outcome':
      case 'predict':
      case 'td':
      case 'weakenAll':
        requireId(step.id, here('id'));
        break;
      case 'link':
      case 'strengthen':
        requireId(step.a, here('a'));
        requireId(step.b, here('b'));
        if (step.a === step.b) throw at.error(here('b'), `a record cannot be linked to itself ('${step.a}')`);
        break;
      case 'assemble':
        uniqueLabel(step.label, here('label'), i);
        step.exclude?.forEach((id, j) => {
          requireId(id, here('exclude', j));
        });
        for (const id of Object.keys(step.relevance ?? {})) requireId(id, here('relevance', id));
        if (step.tokens && step.maxTokens === undefined) {
          throw at.error(
            here('tokens'),
            '"tokens" counts toward a budget: give "maxTokens" too, or drop them',
          );
        }
        break;
      case 'query': {
        uniqueLabel(step.label, here('label'), i);
        const method = step.method ?? 'composite';
        if (method === 'composite' && !step.weights) {
          throw at.error(here(), 'a composite query needs "weights", e.g. {"decay": 0.6, "confidence": 0.4}');
        }
        if (method === 'topByDecay' && (step.weights || step.boostFrom)) {
          throw at.error(here('method'), 'a topByDecay query takes neither "weights" nor "boostFrom"');
        }
        step.exclude?.forEach((id, j) => {
          requireId(id, here('exclude', j));
        });
        step.boostFrom?.forEach((id, j) => {
          requireId(id, here('boostFrom', j));
        });
        for (const id of Object.keys(step.relevance ?? {})) requireId(id, here('relevance', id));
        break;
      }
      case 'advance':
        break;
    }
  });
}

/** Most steps a scenario script may hold (a million saves would take minutes and gigabytes). */
export const MAX_SCRIPT_STEPS = 200_000;

export function parseScenarioScript(text: string, source = 'scenario'): ScenarioScript {
  checkNesting(text, source);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const { line, column } = lineColumnAt(text, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : 'empty document';
    throw new ScenarioError(
      `${source}:${line}:${column}: invalid JSON (${what}); fix the syntax at that position`,
    );
  }
  return checkScript(getNodeValue(root), new Located(source, text, root));
}

/** Validates a script given as a value (already parsed JSON); errors carry the JSON path. */
export function validateScenarioScript(value: unknown, source = 'scenario'): ScenarioScript {
  return checkScript(value, new PathOnly(source));
}

function checkScript(value: unknown, at: Locator): ScenarioScript {
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (Array.isArray(steps) && steps.length > MAX_SCRIPT_STEPS) {
    throw at.error(
      ['steps'],
      `${steps.length} steps, over the limit of ${MAX_SCRIPT_STEPS}; split the script`,
    );
  }
  const nonFinite = findNonFinite(value);
  if (nonFinite) throw at.error(nonFinite, 'not a finite number; use a value within double range');
  if (!validate(value)) {
    const { path, message } = describeSchemaError(pickSchemaError(validate.errors ?? []));
    throw at.error(path, message);
  }
  const script = value as unknown as ScenarioScript;
  checkReferences(script, at);
  return script;
}
