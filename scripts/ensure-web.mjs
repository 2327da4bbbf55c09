#!/usr/bin/env node
// Builds the web UI when web/dist is missing or older than its sources, so `npm start` always
// serves the current UI without rebuilding on every start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const config = join(root, 'web/vite.config.ts');
if (!existsSync(config)) process.exit(0);

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = join(root, 'web/dist/index.html');
const sources = Math.max(newest(join(root, 'web/src')), statSync(join(root, 'web/index.html')).mtimeMs, statSync(config).mtimeMs);
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0);
console.log('building the web UI…');
const r = spawnSync('vite', ['build', '--config', config, '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
