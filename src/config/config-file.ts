/**
 * The project configuration file (`.github/memory-ratchet.yml` by default), read by the CLI and the action
 * alike: the run's scope, grids per constant, seed bank and budget, and thresholds. Validated against a
 * schema; every error names the file, the line and the key. Pure: the caller reads the file.
 */
import { Ajv } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { CONSTANTS, findConstant } from '../constants/registry.js';
import { ConfigError } from '../errors.js';

export const DEFAULT_CONFIG_PATH = '.github/memory-ratchet.yml';

export interface ProjectConfig {
  readonly 'constants-path'?: string;
  readonly 'constants-class'?: string;
  readonly tiers?: readonly (1 | 2 | 3)[];
  readonly only?: readonly string[];
  readonly bank?: number;
  readonly seeds?: number;
  readonly 'max-seeds'?: number;
  readonly 'confirm-seeds'?: number;
  readonly 'train-fraction'?: number;
  readonly threshold?: number;
  readonly alpha?: number;
  readonly 'cliff-margin'?: number;
  /** Extra folders of scenario scripts (`*.json`) that `sweep` runs beside the hand-crafted ones. */
  readonly scenarios?: readonly string[];
  /** Grid values per constant (canonical names after reading). */
  readonly grids?: Readonly<Record<string, readonly number[]>>;
}

const positive = { type: 'integer', minimum: 1 } as const;
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'constants-path': { type: 'string', minLength: 1 },
    'constants-class': { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    tiers: { type: 'array', items: { enum: [1, 2, 3] }, minItems: 1, uniqueItems: true },
    only: { type: 'array', items: { type: 'string' }, minItems: 1 },
    bank: { type: 'integer', minimum: 0, maximum: 99 },
    seeds: { type: 'integer', minimum: 2 },
    'max-seeds': positive,
    'confirm-seeds': positive,
    'train-fraction': { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    threshold: { type: 'number', minimum: 0 },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    'cliff-margin': { type: 'number', minimum: 0, maximum: 1 },
    scenarios: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    grids: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'number' }, minItems: 2 },
    },
  },
} as const;

const KEYS = Object.keys(SCHEMA.properties);
const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

/** A setting as the command line or an action input spells it (lists comma-separated), for their parsers. */
export const settingText = (value: unknown): string =>
  Array.isArray(value) ? value.join(',') : String(value);

export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new ConfigError(
      `${file}:${lineOf(error.pos[0])}: not valid YAML (${error.message.split('\n')[0]})`,
    );
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) throw new ConfigError(`${file}:1: expected a mapping of settings (key: value)`);
  const value = doc.toJS() as Record<string, unknown>;
  const at = (path: readonly (string | number)[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const key =
      path.length > 0 && isMap(doc.getIn(path.slice(0, -1), true))
        ? (
            doc.getIn(path.slice(0, -1), true) as { items: { key: { value: unknown; range?: number[] } }[] }
          ).items.find((pair) => pair.key.value === path.at(-1))?.key
        : undefined;
    return lineOf(key?.range?.[0] ?? node?.range?.[0]);
  };
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replaceAll('~1', '/').replaceAll('~0', '~')));
    if (error.keyword === 'additionalProperties' && path.length === 0) {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      throw new ConfigError(
        `${file}:${at([key])}: unknown key '${key}'; did you mean '${closest(key, KEYS)}'? (keys: ${KEYS.join(', ')})`,
      );
    }
    const key = path.map(String).join('.');
    throw new ConfigError(`${file}:${at(path)}: key '${key}' ${error.message}`);
  }
  const names = (list: readonly string[], key: string) =>
    list.map((name, i) => {
      const spec = findConstant(name);
      if (!spec) {
        throw new ConfigError(
          `${file}:${at([key, i])}: key '${key}': unknown constant '${name}'; did you mean '${closest(
            name,
            CONSTANTS.map((c) => c.name),
          )}'?`,
        );
      }
      return spec.name;
    });
  const config = value as ProjectConfig & { grids?: Record<string, number[]> };
  const grids = config.grids
    ? Object.fromEntries(
        Object.entries(config.grids).map(([name, values]) => {
          const spec = findConstant(name);
          if (!spec) {
            throw new ConfigError(
              `${file}:${at(['grids', name])}: key 'grids.${name}': unknown constant; did you mean '${closest(
                name,
                CONSTANTS.map((c) => c.name),
              )}'?`,
            );
          }
          if (spec.kind === 'bool') {
            throw new ConfigError(
              `${file}:${at(['grids', name])}: key 'grids.${name}': ${spec.name} is a switch, not swept over a grid`,
            );
          }
          return [spec.name, values];
        }),
      )
    : undefined;
  return {
    ...config,
    ...(config.only ? { only: names(config.only, 'only') } : {}),
    ...(grids ? { grids } : {}),
  };
}
