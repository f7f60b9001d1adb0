/** Renderings of a calibration: the terminal table and the JSON document. Pure. */
import { type BankCalibration, pooled, type Rate } from '../ratchet/calibration.js';
import { table } from './format.js';

export const CALIBRATION_SCHEMA = 'memory-ratchet/calibration@1';

export interface CalibrationReport {
  readonly schema: typeof CALIBRATION_SCHEMA;
  readonly banks: readonly BankCalibration[];
  readonly pooled: { readonly fullNull: Rate; readonly boundaryNull: Rate; readonly power: Rate };
  /** Banks whose planted proposals were accepted at least 80 % of the time. */
  readonly banksWithPower80: number;
  readonly settings: {
    readonly runs: number;
    readonly planted: number;
    readonly threshold: number;
    readonly alpha: number;
    readonly seeds: number;
    readonly maxSeeds: number;
    readonly confirmSeeds: number;
  };
  readonly durationSeconds: number;
  readonly command: string;
}

export function calibrationReport(
  banks: readonly BankCalibration[],
  settings: CalibrationReport['settings'],
  durationSeconds: number,
  command: string,
): CalibrationReport {
  return {
    schema: CALIBRATION_SCHEMA,
    banks,
    pooled: {
      fullNull: pooled(banks, (b) => b.fullNull),
      boundaryNull: pooled(banks, (b) => b.boundaryNull),
      power: pooled(banks, (b) => b.power),
    },
    banksWithPower80: banks.filter((b) => b.power.trials > 0 && b.power.rate >= 0.8).length,
    settings,
    durationSeconds,
    command,
  };
}

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;
export const rateText = (r: Rate): string =>
  r.trials === 0
    ? 'n/a'
    : `${percent(r.rate)} [${percent(r.interval[0])}, ${percent(r.interval[1])}] (${r.hits}/${r.trials})`;

export function calibrationText(report: CalibrationReport): string {
  const s = report.settings;
  const rows = report.banks.map((b) => [
    String(b.bank),
    String(b.proposals.length),
    String(b.validationScenarios),
    rateText(b.fullNull),
    rateText(b.boundaryNull),
    rateText(b.power),
  ]);
  return `${[
    'CALIBRATION',
    '===========',
    `${s.runs} sign-flip runs per bank · threshold ${s.threshold} · α ${s.alpha} · planted effect threshold + ${s.planted} · ${s.seeds} seeds, budget ${s.maxSeeds}, ${s.confirmSeeds} confirmation · ${report.durationSeconds.toFixed(1)} s`,
    '',
    ...table([
      [
        'bank',
        'proposals',
        'validation',
        'full null: runs accepting',
        'boundary null: runs accepting',
        'power',
      ],
      ...rows,
    ]),
    '',
    `false accepts per run (full null):        ${rateText(report.pooled.fullNull)}`,
    `accepts per run at the threshold (size):  ${rateText(report.pooled.boundaryNull)}  (α = ${s.alpha})`,
    `planted effects accepted (power):         ${rateText(report.pooled.power)}; banks with power ≥ 80 %: ${report.banksWithPower80} of ${report.banks.length}`,
    '',
    `Reproduce: ${report.command}`,
  ].join('\n')}\n`;
}
