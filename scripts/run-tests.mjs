#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (Node 20 takes no globs).
// Arguments narrow the set: `node scripts/run-tests.mjs src/lib/pki` runs the tests under that path.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  let st;
  try { st = statSync(dir); } catch { return []; }
  if (st.isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
  return readdirSync(dir).flatMap((name) => (name === 'node_modules' || name === 'fixtures' ? [] : findTests(join(dir, name))));
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test', 'scripts'];
const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
const result = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
process.exit(result.status ?? 1);
