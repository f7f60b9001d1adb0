/** Parses a constants file of any supported format, chosen by its extension. Pure. */
import { ConstantsParseError } from '../errors.js';
import { type ConstantsFormat, MAX_CONSTANTS_FILE_BYTES, type ParsedConstantsFile } from './file-model.js';
import { parseJsonConstants, parseYamlConstants } from './parse-data.js';
import { parsePythonConstants } from './parse-python.js';
import { checkNesting } from './source-text.js';

export function formatOf(file: string): ConstantsFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.py') || lower.endsWith('.pyi')) return 'python';
  throw new ConstantsParseError(
    file,
    1,
    1,
    'unknown constants file type; use a .py, .json, .yaml or .yml file',
  );
}

export interface ParseOptions {
  /** The Python class to read (default `Defaults`); for JSON/YAML, an optional top-level key to read under. */
  readonly className?: string;
}

export function parseConstantsFile(
  source: string,
  file: string,
  options: ParseOptions = {},
): ParsedConstantsFile {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_CONSTANTS_FILE_BYTES) {
    throw new ConstantsParseError(
      file,
      1,
      1,
      `the file is ${bytes} bytes, over the 1 MB limit for a constants file; point --constants at the constants module itself`,
    );
  }
  switch (formatOf(file)) {
    case 'python':
      return parsePythonConstants(source, file, options.className ?? 'Defaults');
    case 'json':
      checkNesting(source, file);
      return parseJsonConstants(source, file, options.className);
    case 'yaml':
      checkNesting(source, file);
      return parseYamlConstants(source, file, options.className);
  }
}
