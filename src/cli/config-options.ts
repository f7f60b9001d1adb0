/** The configuration file for the CLI: `--config FILE`, else `.github/memory-ratchet.yml` when it exists. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_PATH, parseProjectConfig, settingText } from '../config/config-file.js';
import { readTextFile } from './files.js';
import type { CliIo } from './io.js';

/** Configuration keys and the options they fill. */
const OPTION_OF: Readonly<Record<string, string>> = {
  'constants-path': 'constants',
  'constants-class': 'class',
  tiers: 'tier',
  only: 'only',
  bank: 'bank',
  seeds: 'seeds',
  'max-seeds': 'maxSeeds',
  'confirm-seeds': 'confirmSeeds',
  'train-fraction': 'trainFraction',
  threshold: 'threshold',
  alpha: 'alpha',
  'cliff-margin': 'cliffMargin',
  scenarios: 'scenarios',
};

export const CONFIG_HELP = `settings for the run (scope, grids per constant, seeds, bank, budget, thresholds); options given on the command line win (default: ${DEFAULT_CONFIG_PATH} when it exists)`;

/**
 * The options with the configuration file's values wherever the command line left an option at its default,
 * and the file's grids.
 */
export async function withConfig<T extends { readonly config?: string }>(
  options: T,
  command: Command,
  io: CliIo,
): Promise<T & { readonly grids?: Readonly<Record<string, readonly number[]>> }> {
  const path = options.config ?? DEFAULT_CONFIG_PATH;
  // A missing default file is no configuration; a missing file named with --config is an error (read below).
  if (options.config === undefined && !existsSync(resolve(io.cwd, path))) return options;
  const text = await readTextFile(path, io.cwd, 'configuration file');
  const config = parseProjectConfig(text, path) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...options };
  for (const [key, option] of Object.entries(OPTION_OF)) {
    const value = config[key];
    if (value === undefined || command.getOptionValueSource(option) === 'cli') continue;
    if (!command.options.some((o) => o.attributeName() === option)) continue; // not an option of this command
    merged[option] = settingText(value);
  }
  if (config.grids) merged.grids = config.grids;
  return merged as T & { readonly grids?: Readonly<Record<string, readonly number[]>> };
}
