/**
 * `--json [file]`, the same on every command: with no FILE or `-` the JSON goes to stdout in place of the
 * text; with a FILE it is written there and stdout keeps the text.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeJsonFile } from '../util/json-file.js';
import type { CliIo } from './io.js';

export const JSON_FLAGS = '--json [file]';
export const JSON_HELP =
  'print JSON instead of text, or with FILE also write it there (- or no FILE: stdout)';

export type JsonOption = boolean | string;

export const jsonOnStdout = (option: JsonOption | undefined): boolean => option === true || option === '-';

/** The file `--json` names, if any. */
export const jsonFile = (option: JsonOption | undefined): string | null =>
  typeof option === 'string' && option !== '-' ? option : null;

export const jsonText = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

/** The JSON of an output: its text, or a document (a large one: a file gets it piece by piece). */
export type JsonOutput = (() => string) | { readonly document: unknown };

/** Prints the text, or the JSON in its place; writes the JSON file when `--json` names one. */
export async function emitOutput(
  io: CliIo,
  option: JsonOption | undefined,
  text: () => string,
  json: JsonOutput,
): Promise<void> {
  const file = jsonFile(option);
  const jsonOf = () => (typeof json === 'function' ? json() : jsonText(json.document));
  if (file) {
    const path = resolve(io.cwd, file);
    if (typeof json === 'function') await writeFile(path, json());
    else await writeJsonFile(path, json.document);
  }
  io.stdout(jsonOnStdout(option) ? jsonOf() : text());
}
