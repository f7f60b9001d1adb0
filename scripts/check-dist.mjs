// Fails when the committed dist/ differs from a fresh bundle of the sources (run `npm run bundle` to refresh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fresh = mkdtempSync(join(tmpdir(), 'memory-ratchet-dist-'));
execFileSync('npx', ['ncc', 'build', 'lib/src/index.js', '-o', fresh, '--target', 'es2022', '--quiet'], { stdio: 'inherit' });
const files = (dir) => readdirSync(dir).sort();
const stale = [];
const committed = files('dist');
for (const name of new Set([...committed, ...files(fresh)])) {
  let a = null;
  let b = null;
  try { a = readFileSync(join('dist', name)); } catch {}
  try { b = readFileSync(join(fresh, name)); } catch {}
  if (!a || !b || !a.equals(b)) stale.push(name);
}
if (stale.length > 0) {
  console.error(`dist/ is stale (${stale.join(', ')}): run \`npm run bundle\` and commit dist/`);
  process.exit(1);
}
console.log('dist/ is up to date');
