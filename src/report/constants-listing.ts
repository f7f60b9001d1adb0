/** Renders what a constants file holds, for `memory-ratchet constants`. Pure. */
import type { LiteralValue, ParsedConstantsFile } from '../constants/file-model.js';

export interface ConstantsListing {
  readonly parsed: ParsedConstantsFile;
  readonly warnings: readonly string[];
}

function pythonish(value: LiteralValue | undefined): string {
  if (value === undefined) return '(expression)';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `(${value.map(pythonish).join(', ')})`;
  return String(value);
}

export function constantsJson({ parsed, warnings }: ConstantsListing): string {
  return `${JSON.stringify(
    {
      file: parsed.file,
      class: parsed.className ?? null,
      constants: parsed.constants.map((c) => ({
        name: c.name,
        value: c.value ?? null,
        line: c.line,
        tunable: c.tunable,
        ...(c.reason ? { reason: c.reason } : {}),
      })),
      warnings,
    },
    null,
    2,
  )}\n`;
}

export function constantsText({ parsed, warnings }: ConstantsListing): string {
  const rows = parsed.constants.map((c) => [
    c.name,
    pythonish(c.value),
    String(c.line),
    c.tunable ? 'tunable' : `not tunable: ${c.reason ?? ''}`.replace(/: not tunable$/, ''),
  ]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['name', 'value', 'line'][i]!.length),
  );
  const line = (cells: string[]) =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]!.padStart(widths[2]!)}  ${cells[3]}`;
  const where = parsed.className ? ` (${parsed.format}, class ${parsed.className})` : ` (${parsed.format})`;
  const out = [
    `${parsed.file}${where}: ${parsed.constants.length} constants`,
    line(['name', 'value', 'line', '']),
    ...rows.map(line),
  ];
  if (warnings.length > 0) out.push('', 'warnings:', ...warnings.map((w) => `  ${w}`));
  return `${out.join('\n')}\n`;
}
