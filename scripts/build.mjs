#!/usr/bin/env node
// `npm run build` (also run by `npm ci` and `npm test`): transpiles every product source under src/ to
// JavaScript in dist/, file for file, with esbuild, the transpiler tsx runs the sources with. Types are
// not checked here (`npm run typecheck` does that). bin/mcms runs this build while it is current and the
// sources otherwise; loading the build spares the CLI and the server tsx's per-module hooks at start-up.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { STAMP, sourceFiles, stampFor } from './build-state.mjs';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const sources = sourceFiles(root);
// The stamp describes the sources as they are before they are read: one edited during the build makes it stale.
const stamp = stampFor(root, sources);
// The stamp goes first: a command starting meanwhile runs the sources, not a half-removed build.
rmSync(join(dist, STAMP), { force: true });
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: sources, outdir: dist, outbase: join(root, 'src'),
  format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked',
  tsconfig: join(root, 'tsconfig.json'), logLevel: 'warning',
});
writeFileSync(join(dist, STAMP), `${JSON.stringify(stamp)}\n`);
if (!process.argv.includes('--quiet')) console.log(`mcms build: ${sources.length} sources → dist/`);
