#!/usr/bin/env node
// Renders a ratchet report's markdown as GitHub shows a PR comment (GFM with GitHub's stylesheet, Mermaid
// charts drawn by Mermaid) in headless Chromium, light and dark, and saves the screenshots.
//
//   npm run screenshots [-- --markdown report.md] [--out docs/images] [--chromium /usr/bin/chromium]
//
// Without --markdown it makes the report itself: a pull request raising DECAY_RATE 0.3 → 0.6 on the example
// constants (a repository in a temporary folder, `ratchet --base HEAD --markdown`), the case the headline
// must get right. Needs Chromium (Debian: apt-get install chromium) and `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { marked } from 'marked';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    markdown: { type: 'string' },
    out: { type: 'string', default: 'docs/images' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});

function exampleMarkdown() {
  const repo = mkdtempSync(join(tmpdir(), 'mr-shot-'));
  const source = readFileSync('examples/popoto/constants.py', 'utf8');
  const file = join(repo, 'src/popoto/fields/constants.py');
  mkdirSync(join(repo, 'src/popoto/fields'), { recursive: true });
  const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
  git('init', '-q');
  writeFileSync(file, source.replace('DECAY_RATE = 0.1  #', 'DECAY_RATE = 0.3  #'));
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(file, source.replace('DECAY_RATE = 0.1  #', 'DECAY_RATE = 0.6  #'));
  const out = join(repo, 'report.md');
  execFileSync(
    process.execPath,
    [
      resolve('lib/src/cli.js'),
      'ratchet',
      '--constants', 'src/popoto/fields/constants.py',
      '--base', 'HEAD',
      '--only', 'DECAY_RATE,WF_MIN_THRESHOLD,CO_OCCURRENCE_DECAY_PER_HOP',
      '--markdown', out,
      '--results-dir', join(repo, 'results'),
    ],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, XDG_CACHE_HOME: join(repo, '.cache') },
    },
  );
  return readFileSync(out, 'utf8');
}

const markdown = values.markdown ? readFileSync(values.markdown, 'utf8') : exampleMarkdown();
// GitHub renders ```mermaid blocks as diagrams; everything else is GFM.
const renderer = new marked.Renderer();
const code = renderer.code.bind(renderer);
renderer.code = (token) =>
  token.lang === 'mermaid' ? `<pre class="mermaid">${token.text.replace(/</g, '&lt;')}</pre>` : code(token);
const body = marked.parse(markdown, { gfm: true, renderer }).replace(/<details>/g, '<details open>');
const mermaidJs = readFileSync('node_modules/mermaid/dist/mermaid.min.js', 'utf8');

mkdirSync(values.out, { recursive: true });
const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });
try {
  for (const theme of ['light', 'dark']) {
    const css = readFileSync(`node_modules/github-markdown-css/github-markdown-${theme}.css`, 'utf8');
    const background = theme === 'dark' ? '#0d1117' : '#ffffff';
    const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
      body { background: ${background}; margin: 0; }
      .markdown-body { box-sizing: border-box; max-width: 900px; margin: 0 auto; padding: 24px; }
    </style></head><body><article class="markdown-body">${body}</article>
    <script>${mermaidJs}</script>
    <script>
      mermaid.initialize({ startOnLoad: false, theme: '${theme === 'dark' ? 'dark' : 'default'}' });
      mermaid.run({ querySelector: 'pre.mermaid' }).then(() => { document.body.dataset.done = '1'; },
        (e) => { document.body.dataset.done = 'error: ' + e; });
    </script></body></html>`;
    const page = await browser.newPage({ viewport: { width: 960, height: 800 }, colorScheme: theme });
    await page.setContent(html);
    await page.waitForFunction(() => document.body.dataset.done !== undefined, null, { timeout: 60_000 });
    const done = await page.evaluate(() => document.body.dataset.done);
    if (done !== '1') throw new Error(`mermaid failed to draw (${theme}): ${done}`);
    const charts = await page.locator('pre.mermaid svg').count();
    const path = join(values.out, `comment-${theme}.png`);
    await page.screenshot({ path, fullPage: true });
    console.log(`${path}: ${charts} charts drawn`);
    await page.close();
  }
} finally {
  await browser.close();
}
