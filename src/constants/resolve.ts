/**
 * Resolves a parsed constants file against the registry: the file's values where it has them, registry
 * defaults (with a warning) where it does not, and the file's unknown constants listed as not modelled.
 */
import { ConfigError } from '../errors.js';
import type { ParsedConstant, ParsedConstantsFile } from './file-model.js';
import { CONSTANTS, type ConstantSpec, type ConstantValue, findConstant } from './registry.js';
import { type Constants, defaultConstants, describeRange, inRange } from './values.js';

export interface ResolvedConstants {
  readonly constants: Constants;
  /** Canonical name → the file's assignment it came from (absent: the registry default). */
  readonly fromFile: Readonly<Record<string, ParsedConstant>>;
  /** Registry attributes the file does not assign (they keep the registry default). */
  readonly missing: readonly string[];
  /** Constants the file assigns that the registry does not know. */
  readonly notModelled: readonly ParsedConstant[];
  readonly warnings: readonly string[];
}

function fileValue(spec: ConstantSpec, constant: ParsedConstant, file: string): ConstantValue {
  const where = `${file}:${constant.line}`;
  const { value } = constant;
  if (spec.kind === 'bool') {
    if (typeof value !== 'boolean') {
      throw new ConfigError(`${where}: ${spec.name} takes True or False, not ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (typeof value !== 'number') {
    throw new ConfigError(
      `${where}: ${spec.name} takes a number, not ${JSON.stringify(value)}; fix the value`,
    );
  }
  return value;
}

export function resolveConstants(parsed: ParsedConstantsFile): ResolvedConstants {
  const values: Record<string, ConstantValue> = { ...defaultConstants() };
  const fromFile: Record<string, ParsedConstant> = {};
  const notModelled: ParsedConstant[] = [];
  const warnings: string[] = [...parsed.warnings];
  for (const constant of parsed.constants) {
    const spec = findConstant(constant.name);
    if (!spec) {
      notModelled.push(constant);
      continue;
    }
    if (!constant.tunable) {
      warnings.push(
        `${parsed.file}:${constant.line}: ${spec.name} is ${constant.reason ?? 'not tunable'}; the registry default ${String(spec.default)} is used`,
      );
      continue;
    }
    values[spec.name] = fileValue(spec, constant, parsed.file);
    fromFile[spec.name] = constant;
  }
  for (const [name, constant] of Object.entries(fromFile)) {
    const spec = findConstant(name)!;
    if (!inRange(spec, values[name]!, values)) {
      throw new ConfigError(
        `${parsed.file}:${constant.line}: ${name} = ${String(values[name])} is outside its valid range ${describeRange(spec, values)}; fix the value in the file`,
      );
    }
  }
  const missing = CONSTANTS.filter((spec) => spec.isAttribute && !(spec.name in fromFile)).map(
    (spec) => spec.name,
  );
  if (missing.length > 0) {
    warnings.push(
      `${parsed.file}: not assigned in the file, so the registry defaults are used: ${missing.join(', ')}`,
    );
  }
  if (notModelled.length > 0) {
    warnings.push(
      `${parsed.file}: not modelled (unknown to the registry): ${notModelled.map((c) => c.name).join(', ')}`,
    );
  }
  return { constants: Object.freeze(values), fromFile, missing, notModelled, warnings };
}
