// Benchmark of the engine and the ratchet, on a private redis-server this script starts (run `npm run build`
// first; `npm run bench` does). Measures, in one run:
//  - redis-benchmark throughput of the raw commands the engine uses (SET -P 16 is the reference every other
//    figure is divided by, so results compare across machines);
//  - engine runs per second by record count (10/50/100/1,000) for the ratchet's round-1 variant mix, factored
//    and, for comparison, one variant per replay (the unoptimised engine), with Redis CPU, round trips and
//    commands inside Lua per run;
//  - the full default ratchet (examples/popoto/constants.py, 50 seeds, Tiers 1–3): wall time and CPU split
//    between Node and Redis (INFO cpu), as a run that starts its own servers does it (two on a machine with
//    two or more cores) and on the one server this script started (as with --redis-url);
//  - the peak RSS of a 200-seed ratchet (skipped with --quick).
// Writes bench/results/latest.json and prints a markdown summary.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parseConstantsFile } from '../lib/src/constants/parse-file.js';
import { CONSTANTS } from '../lib/src/constants/registry.js';
import { resolveConstants } from '../lib/src/constants/resolve.js';
import { defaultConstants, withOverrides } from '../lib/src/constants/values.js';
import { runRatchetJob } from '../lib/src/jobs/ratchet-job.js';
import { acquireRedis, defaultPrivateServers } from '../lib/src/redis/acquire.js';
import { PointsStore } from '../lib/src/points/store.js';
import { findRedisServer, startRedisServer } from '../lib/src/redis/server.js';
import { engineEvaluator } from '../lib/src/scenarios/evaluate.js';
import { factoredEvaluator } from '../lib/src/scenarios/evaluate-variants.js';
import { createScenario } from '../lib/src/scenarios/factory/factory.js';
import { defaultSeeds } from '../lib/src/scenarios/factory/seed-bank.js';
import { singleGrid } from '../lib/src/sweep/grid.js';
import { mapPool } from '../lib/src/util/pool.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const run = promisify(execFile);

const executable = await findRedisServer(process.env.PATH ?? '');
if (!executable) throw new Error('redis-server is not on PATH (apt-get install redis-server)');
const server = await startRedisServer(executable);
const client = new Redis(server.url);
const redisHandle = { client, kind: 'server', description: server.url, close: async () => {} };

async function redisCpu() {
  const info = await client.info('cpu');
  const field = (name) => Number(info.match(new RegExp(`${name}:([\\d.]+)`))[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}
async function commandCalls() {
  const info = await client.info('commandstats');
  let scripts = 0;
  let inside = 0;
  for (const [, name, calls] of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) {
    if (['eval', 'evalsha'].includes(name)) scripts += Number(calls);
    else if (!['info', 'config', 'script', 'ping', 'exists'].includes(name)) inside += Number(calls);
  }
  return { scripts, inside };
}

// 1. redis-benchmark
async function benchmark(args) {
  const { stdout } = await run('redis-benchmark', ['-p', String(server.port), '-q', ...args]);
  return [...stdout.matchAll(/([^\r\n]*?): ([\d.]+) requests per second/g)].map(([, name, rps]) => ({
    command: name.trim().split(' ')[0].replace(/:$/, ''),
    rps: Number(rps),
  }));
}
await client.del('bench:h', 'bench:z');
for (let i = 0; i < 50; i++) {
  await client.hset('bench:h', `m${i}`, `0.${i} 1 1 0`);
  await client.zadd('bench:z', i, `m${i}`);
}
const raw = [
  ...(await benchmark(['-P', '16', '-n', '400000', '-t', 'set,hset,zadd,sadd'])),
  ...(await benchmark(['-P', '16', '-n', '100000', 'HGETALL', 'bench:h'])),
  ...(await benchmark(['-P', '16', '-n', '100000', 'ZRANGE', 'bench:z', '0', '-1', 'WITHSCORES'])),
];
await client.del('bench:h', 'bench:z', 'key:__rand_int__', 'myhash', 'myset', 'myzset');
await client.flushall();
const setRps = raw.find((r) => r.command === 'SET').rps;

// 2. Engine runs per second by record count.
const base = defaultConstants();
const variants = [base];
for (const spec of CONSTANTS.filter(
  (s) => [1, 2, 3].includes(s.tier) && s.engine.status === 'read' && s.kind !== 'bool' && s.grid.length > 0,
)) {
  for (const value of singleGrid(spec.name, base).values) {
    if (value !== base[spec.name]) variants.push(withOverrides(base, { [spec.name]: value }));
  }
}
function scenariosOf(records, count) {
  const out = [];
  for (const seed of defaultSeeds(200)) {
    const scenario = createScenario({ ...seed, recordCount: records });
    if (!scenario.degenerate) out.push(scenario);
    if (out.length === count) break;
  }
  return out;
}
async function measure(label, scenarios, evaluate) {
  await client.config('RESETSTAT');
  const cpu0 = await redisCpu();
  const t0 = performance.now();
  const runs = (await mapPool(scenarios, 3, evaluate)).reduce((n, k) => n + k, 0);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (await redisCpu()) - cpu0;
  const calls = await commandCalls();
  return {
    label,
    runs,
    seconds,
    runsPerSecond: runs / seconds,
    redisCpuMsPerRun: (cpu * 1000) / runs,
    roundTripsPerRun: calls.scripts / runs,
    luaCommandsPerRun: calls.inside / runs,
    ratioToSet: runs / seconds / setRps,
  };
}
const factored = factoredEvaluator({ client, redisKind: 'server', clock: () => performance.now() });
const single = engineEvaluator({ client, redisKind: 'server', clock: () => performance.now() });
const sizes = [];
for (const records of [10, 50, 100, 1000]) {
  // Enough scenarios that a measurement lasts seconds, not a fraction of one (this machine is noisy).
  const scenarios = scenariosOf(records, records === 1000 ? 4 : 24);
  const fused = await measure(`${records} records, factored`, scenarios, async (scenario) => {
    const results = await factored.evaluateVariants(scenario, variants);
    if (results.some((r) => r.status === 'error')) throw new Error(results.find((r) => r.status === 'error').reason);
    return results.length;
  });
  const sample = records === 1000 ? variants.slice(0, 6) : variants.slice(0, 20);
  const alone = await measure(`${records} records, one variant per replay`, scenarios.slice(0, 4), async (scenario) => {
    for (const constants of sample) {
      const result = await single.evaluate(scenario, constants);
      if (result.status === 'error') throw new Error(result.reason);
    }
    return sample.length;
  });
  sizes.push({ records, factored: fused, singleVariant: alone });
}
const per100 = sizes.find((s) => s.records === 100).factored.redisCpuMsPerRun;
const per1000 = sizes.find((s) => s.records === 1000).factored.redisCpuMsPerRun;

// 3. The full default ratchet.
const path = 'examples/popoto/constants.py';
const source = readFileSync(join(root, path), 'utf8');
const parsed = parseConstantsFile(source, path, {});
const constants = resolveConstants(parsed).constants;
const scope = CONSTANTS.filter((s) => [1, 2, 3].includes(s.tier));
function job(seeds) {
  return {
    constants,
    file: { path, source, parsed },
    constantsClass: 'Defaults',
    baseConstants: null,
    scope,
    tiers: [1, 2, 3],
    only: null,
    bank: 0,
    seeds,
    maxSeeds: Math.max(400, seeds),
    confirmSeeds: 60,
    trainFraction: 0.7,
    threshold: 0.01,
    cliffMargin: 0.1,
    cliffThreshold: 0.1,
    alpha: 0.05,
    rounds: 2,
    concurrency: 3,
    command: 'bench',
  };
}
async function cpuOf(clients) {
  let total = 0;
  for (const c of clients) {
    const info = await c.info('cpu');
    const field = (name) => Number(info.match(new RegExp(`${name}:([\\d.]+)`))[1]);
    total += field('used_cpu_user') + field('used_cpu_sys');
  }
  return total;
}
async function timedRatchet(handle) {
  const clients = handle.clients ?? [handle.client];
  const cpu0 = await cpuOf(clients);
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await runRatchetJob(job(50), { store: new PointsStore(), redis: handle }, {
    ms: () => performance.now(),
    now: () => new Date(),
  });
  const wall = (performance.now() - t0) / 1000;
  const nodeCpu = process.cpuUsage(node0);
  return {
    seeds: 50,
    servers: clients.length,
    wallSeconds: wall,
    nodeCpuSeconds: (nodeCpu.user + nodeCpu.system) / 1e6,
    redisCpuSeconds: (await cpuOf(clients)) - cpu0,
    engineRuns: report.compute.engineRuns,
    reused: report.compute.reused,
    accepted: report.accepted,
    engineRunsPerSecond: report.compute.engineRuns / wall,
    wallAtMillionSetPerSecond: (wall * setRps) / 1e6,
  };
}
// As `ratchet --redis-url` runs it (one server), and as a run that starts its own servers does (the default).
const ratchetOneServer = await timedRatchet(redisHandle);
const privateServers = await acquireRedis({
  servers: defaultPrivateServers(),
  searchPath: process.env.PATH ?? '',
  allowEmbedded: false,
});
const ratchet = await timedRatchet(privateServers).finally(() => privateServers.close());

// 4. Peak RSS of a 200-seed ratchet, in a process of its own.
let rss200 = null;
if (!quick) {
  const probe = join(root, 'bench', 'rss-probe.mjs');
  rss200 = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', probe, join(root, 'lib/src/cli.js'), 'ratchet', '--constants', path, '--seeds', '200',
        '--redis-url', server.url, '--results-dir', join(root, 'bench', 'results', 'tmp'), '--quiet'],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const t = performance.now();
    child.on('exit', (code) => {
      const match = stderr.match(/max-rss-kb (\d+)/);
      if (code !== 0 || !match) reject(new Error(`200-seed ratchet failed (${code}): ${stderr}`));
      else resolve({ seeds: 200, peakRssMb: Number(match[1]) / 1024, wallSeconds: (performance.now() - t) / 1000 });
    });
  });
}

await client.quit();
await server.stop();

const result = {
  when: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  redisBenchmark: raw,
  setPerSecond: setRps,
  variantsPerScenario: variants.length,
  engine: sizes,
  cost1000vs100: per1000 / per100,
  ratchet,
  ratchetOneServer,
  rss200,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

const f = (x, d = 1) => x.toFixed(d);
console.log(`redis-benchmark (-P 16): ${raw.map((r) => `${r.command} ${Math.round(r.rps).toLocaleString('en')}/s`).join(', ')}`);
console.log('\n| records | factored runs/s | ratio to SET | Redis CPU ms/run | round trips/run | Lua commands/run | one-variant runs/s | ratio to SET |');
console.log('|---|---|---|---|---|---|---|---|');
for (const s of sizes) {
  console.log(
    `| ${s.records} | ${f(s.factored.runsPerSecond)} | ${s.factored.ratioToSet.toExponential(2)} | ${f(s.factored.redisCpuMsPerRun, 2)} | ${f(s.factored.roundTripsPerRun, 3)} | ${f(s.factored.luaCommandsPerRun)} | ${f(s.singleVariant.runsPerSecond)} | ${s.singleVariant.ratioToSet.toExponential(2)} |`,
  );
}
console.log(`\n1,000-record runs cost ${f(result.cost1000vs100, 2)}× the 100-record ones (Redis CPU per run).`);
for (const [name, r] of [
  [`Default ratchet (50 seeds, Tiers 1–3; ${ratchet.servers} private redis-server${ratchet.servers === 1 ? '' : 's'})`, ratchet],
  ['The same on one server (--redis-url)', ratchetOneServer],
]) {
  console.log(
    `${name}: ${f(r.wallSeconds)} s wall (${f(r.wallAtMillionSetPerSecond)} s at 1M SET/s), ` +
      `Node ${f(r.nodeCpuSeconds)} s CPU, Redis ${f(r.redisCpuSeconds)} s CPU, ${r.engineRuns} engine runs ` +
      `(${f(r.engineRunsPerSecond)}/s), ${r.reused} reused; accepted ${r.accepted.join(', ')}.`,
  );
}
if (rss200) console.log(`200-seed ratchet: peak RSS ${f(rss200.peakRssMb)} MB, ${f(rss200.wallSeconds)} s.`);
console.log('\nwritten to bench/results/latest.json');
