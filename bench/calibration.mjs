// Calibration benchmark of the ratchet's decisions on the real engine, on a private redis-server this script
// starts (run `npm run build` first; `npm run bench:calibration` does both):
//  1. the default ratchet (examples/popoto/constants.py, Tiers 1–3) on bank 0 (its time) and on banks 1..5:
//     which constants each bank accepts and where (the decisions must reproduce across banks);
//  2. the reported effect of every accepted change (its confirmation estimate) against the same change
//     re-measured on 200 fresh scenarios of a bank no run uses (the winner's curse, measured);
//  3. `calibrate` on banks 1..5: false accepts per run under sign-flip nulls, the size at the threshold, and
//     the power for a planted effect of threshold + 0.03 (200 runs per bank, so 1,000 runs in all).
// Writes bench/results/calibration.json and prints a markdown summary.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parseConstantsFile } from '../lib/src/constants/parse-file.js';
import { CONSTANTS } from '../lib/src/constants/registry.js';
import { resolveConstants } from '../lib/src/constants/resolve.js';
import { withOverrides } from '../lib/src/constants/values.js';
import { calibrateJob } from '../lib/src/jobs/calibrate-job.js';
import { runRatchetJob } from '../lib/src/jobs/ratchet-job.js';
import { PointsStore } from '../lib/src/points/store.js';
import { pointsEvaluator } from '../lib/src/ratchet/points-evaluator.js';
import { findRedisServer, startRedisServer } from '../lib/src/redis/server.js';
import { calibrationReport, calibrationText } from '../lib/src/report/calibration-text.js';
import { factoredEvaluator } from '../lib/src/scenarios/evaluate-variants.js';
import { ScenarioBank } from '../lib/src/scenarios/factory/scenario-bank.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 200);
const executable = await findRedisServer(process.env.PATH ?? '');
if (!executable) throw new Error('redis-server is not on PATH (apt-get install redis-server)');
const server = await startRedisServer(executable);
const client = new Redis(server.url);
const redis = { client, kind: 'server', description: server.url, close: async () => {} };
const clock = { ms: () => performance.now(), now: () => new Date() };

const path = 'examples/popoto/constants.py';
const source = readFileSync(join(root, path), 'utf8');
const parsed = parseConstantsFile(source, path, {});
const constants = resolveConstants(parsed).constants;
const job = (bank) => ({
  constants,
  file: { path, source, parsed },
  constantsClass: 'Defaults',
  baseConstants: null,
  scope: CONSTANTS.filter((s) => [1, 2, 3].includes(s.tier)),
  tiers: [1, 2, 3],
  only: null,
  bank,
  seeds: 50,
  maxSeeds: 400,
  confirmSeeds: 60,
  trainFraction: 0.7,
  threshold: 0.01,
  cliffMargin: 0.1,
  cliffThreshold: 0.1,
  alpha: 0.05,
  rounds: 2,
  concurrency: 3,
  command: 'bench',
});

// 1. The default ratchet on bank 0 (timed on its own store) and on banks 1..5.
const store = new PointsStore();
const t0 = performance.now();
const bank0 = await runRatchetJob(job(0), { store: new PointsStore(), redis }, clock);
const defaultSeconds = (performance.now() - t0) / 1000;
const WATCHED = ['DECAY_RATE', 'CO_OCCURRENCE_INITIAL_WEIGHT', 'delta', 'CO_OCCURRENCE_DECAY_PER_HOP'];
const banks = [];
for (const bank of [1, 2, 3, 4, 5]) {
  const report = await runRatchetJob(job(bank), { store, redis }, clock);
  banks.push({
    bank,
    seconds: report.durationSeconds,
    accepted: report.decisions
      .filter((d) => d.action === 'ACCEPT')
      .map((d) => ({
        constant: d.constant,
        current: d.current,
        proposed: d.proposed,
        nearOptimal: d.nearOptimal,
        edgeOfGrid: d.edgeOfGrid,
        edgeStop: d.edgeStop,
        round: d.round,
        validationDelta: d.validationDelta,
        validationScenarios: d.validationScenarios,
        reported: d.confirmation.delta,
        change: d.joint ? d.joint.change : { [d.constant]: d.proposed },
      })),
    watched: Object.fromEntries(
      WATCHED.map((name) => {
        const d = report.decisions.find((x) => x.constant === name);
        return [name, { action: d.action, proposed: d.proposed, nearOptimal: d.nearOptimal, reason: d.reason }];
      }),
    ),
  });
}

// Per watched constant: how many banks share the most common decision, and how many accepted proposals lie
// in one bank's reported near-optimal interval (the interval holding the most of them).
const stability = Object.fromEntries(
  WATCHED.map((name) => {
    const rows = banks.map((b) => b.watched[name]);
    const accepts = rows.filter((r) => r.action === 'ACCEPT');
    const decision = accepts.length >= rows.length - accepts.length ? 'ACCEPT' : 'not accepted';
    const same = decision === 'ACCEPT' ? accepts.length : rows.length - accepts.length;
    // The reported interval holding the most banks' proposals.
    const inCommon = Math.max(
      0,
      ...accepts.map((o) => accepts.filter((r) => r.proposed >= o.nearOptimal.from && r.proposed <= o.nearOptimal.to).length),
    );
    const widest = accepts.find(
      (o) => accepts.filter((r) => r.proposed >= o.nearOptimal.from && r.proposed <= o.nearOptimal.to).length === inCommon,
    )?.nearOptimal;
    return [name, { decision, sameDecision: same, banks: rows.length, proposals: accepts.map((r) => r.proposed), intervals: accepts.map((r) => r.nearOptimal), proposalsInCommonInterval: inCommon, commonInterval: widest ?? null }];
  }),
);
// Accepted values at the outermost value searched whose valid range does not end there.
const edgeWithoutRangeEnd = banks.flatMap((b) =>
  b.accepted.filter((a) => a.edgeOfGrid && a.edgeStop !== 'range-end').map((a) => `bank ${b.bank}: ${a.constant} = ${a.proposed}`),
);
const acceptedElsewhere = [...new Set(banks.flatMap((b) => b.accepted.map((a) => a.constant)))].filter(
  (name) => !WATCHED.includes(name),
);

// 2. Reported effects against the same changes re-measured on 200 fresh scenarios (bank 900, never drawn).
const fresh = new ScenarioBank(900);
const slice = { role: 'confirmation', from: 0, to: 200 };
const compute = factoredEvaluator({ client, redisKind: 'server', clock: clock.ms });
const remeasured = [];
for (const b of banks) {
  const seen = new Set();
  for (const a of b.accepted) {
    const key = JSON.stringify(a.change);
    if (seen.has(key)) continue;
    seen.add(key);
    // The change's base: the constants with every earlier round's accepted changes applied.
    const earlier = Object.fromEntries(b.accepted.filter((x) => x.round < a.round).map((x) => [x.constant, x.proposed]));
    const base = withOverrides(constants, earlier);
    const evaluator = pointsEvaluator(fresh, base, store, { compute });
    const [current, candidate] = await Promise.all([evaluator.run({}, slice), evaluator.run(a.change, slice)]);
    const deltas = candidate.map((p, i) => p.metrics['ndcg@5'] - current[i].metrics['ndcg@5']);
    remeasured.push({
      bank: b.bank,
      change: a.change,
      round: a.round,
      validation: a.validationDelta,
      reported: a.reported,
      remeasured: deltas.reduce((x, y) => x + y, 0) / deltas.length,
    });
  }
}
const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
const effects = {
  changes: remeasured.length,
  meanValidation: mean(remeasured.map((r) => r.validation)),
  meanReported: mean(remeasured.map((r) => r.reported)),
  meanRemeasured: mean(remeasured.map((r) => r.remeasured)),
};

// 3. Calibration on banks 1..5.
const t3 = performance.now();
const calibration = await calibrateJob({ job: job(0), banks: [1, 2, 3, 4, 5], runs, planted: 0.03 }, { store, redis }, clock);
const calibrationSummary = calibrationReport(
  calibration,
  { runs, planted: 0.03, threshold: 0.01, alpha: 0.05, seeds: 50, maxSeeds: 400, confirmSeeds: 60 },
  (performance.now() - t3) / 1000,
  `npx memory-ratchet calibrate --constants ${path} --banks 1-5 --runs ${runs}`,
);

const result = {
  date: new Date().toISOString(),
  defaultRatchet: { seconds: defaultSeconds, accepted: bank0.accepted, engineRuns: bank0.compute.engineRuns },
  banks,
  stability,
  acceptedElsewhere,
  edgeWithoutRangeEnd,
  effects,
  remeasured,
  calibration: calibrationSummary,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'calibration.json'), `${JSON.stringify(result, null, 2)}\n`);

const f3 = (x) => (x >= 0 ? '+' : '') + x.toFixed(3);
console.log(`## Calibration (${result.date.slice(0, 10)})\n`);
console.log(`Default ratchet (bank 0): ${defaultSeconds.toFixed(1)} s, accepted ${bank0.accepted.join(', ') || 'nothing'}\n`);
console.log('| constant | same decision | decision | proposals (banks 1–5) | in one reported interval |');
console.log('|---|---|---|---|---|');
for (const [name, s] of Object.entries(stability))
  console.log(`| ${name} | ${s.sameDecision}/${s.banks} | ${s.decision} | ${s.proposals.join(', ')} | ${s.proposalsInCommonInterval}/${s.proposals.length}${s.commonInterval ? ` in [${s.commonInterval.from}, ${s.commonInterval.to}]` : ''} |`);
console.log(`\nAccepted outside those four: ${acceptedElsewhere.join(', ') || 'none'}`);
console.log(`Accepted at the edge of the search without the valid range ending there: ${edgeWithoutRangeEnd.join(', ') || 'none'}`);
console.log(
  `\nEffects of ${effects.changes} accepted changes: validation ${f3(effects.meanValidation)}, reported (confirmation) ${f3(effects.meanReported)}, re-measured on 200 fresh scenarios ${f3(effects.meanRemeasured)}\n`,
);
console.log(calibrationText(calibrationSummary));
await client.quit();
await server.stop();
