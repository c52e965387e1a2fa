// When bin/mcms may run the JavaScript build: only while it is made from the sources as they are.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../test/support/openssl.js';
// @ts-expect-error: plain JavaScript without declarations (it runs before tsx is loaded)
import { STAMP, currentBuild, sourceFiles, stampFor } from './build-state.mjs';

const dir = tempDir('mcms-build-state-');
after(() => dir.remove());
const root = dir.path;
const write = (path: string, text = '') => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const age = (path: string, seconds: number) => {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(join(root, path), when, when);
};
const stamp = () => {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', STAMP), JSON.stringify(stampFor(root, sourceFiles(root))));
};

test('the build is current until a source, tsconfig.json or the build script changes, or a source comes or goes', () => {
  for (const path of ['src/main/cli.ts', 'src/lib/a.ts', 'src/lib/a.test.ts', 'src/lib/fixtures/f.ts', 'src/types.d.ts', 'tsconfig.json', 'scripts/build.mjs']) {
    write(path);
    age(path, -3600);
  }
  assert.deepEqual((sourceFiles(root) as string[]).map((f) => f.slice(root.length + 1)), ['src/lib/a.ts', 'src/main/cli.ts'], 'no tests, fixtures or declarations');
  assert.equal(currentBuild(root), null, 'no build at all');
  stamp();
  assert.equal(currentBuild(root), `file://${join(root, 'dist/main/cli.js')}`);

  age('src/lib/a.test.ts', 60);
  age('src/lib/fixtures/f.ts', 60);
  assert.notEqual(currentBuild(root), null, 'tests and fixtures are not in the build');
  for (const input of ['src/lib/a.ts', 'tsconfig.json', 'scripts/build.mjs']) {
    age(input, 60);
    assert.equal(currentBuild(root), null, `${input} changed`);
    stamp();
    assert.notEqual(currentBuild(root), null);
  }
  age('src/lib/a.ts', -7200);
  assert.equal(currentBuild(root), null, 'a source replaced by an older copy');
  stamp();
  writeFileSync(join(root, 'src/lib/a.ts'), 'export {};\n');
  age('src/lib/a.ts', -7200);
  assert.equal(currentBuild(root), null, 'a source whose size changed');
  stamp();
  write('src/lib/b.ts');
  age('src/lib/b.ts', -3600);
  assert.equal(currentBuild(root), null, 'a new source, however old');
  stamp();
  rmSync(join(root, 'src/lib/b.ts'));
  assert.equal(currentBuild(root), null, 'a source gone');
  writeFileSync(join(root, 'dist', STAMP), '{"sources":');
  assert.equal(currentBuild(root), null, 'a damaged stamp');
});

test('bin/mcms answers the same from the build and, with MCMS_FROM_SOURCE=1, from the sources', () => {
  const repo = resolve(import.meta.dirname, '..');
  assert.notEqual(currentBuild(repo), null, 'npm test builds first, so the build is current here');
  const bin = resolve(repo, 'bin/mcms');
  const run = (env: Record<string, string>) => spawnSync(process.execPath, [bin, '--version'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const fromBuild = run({});
  const fromSource = run({ MCMS_FROM_SOURCE: '1' });
  assert.equal(fromBuild.status, 0, fromBuild.stderr);
  assert.equal(fromSource.status, 0, fromSource.stderr);
  assert.match(fromBuild.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.equal(fromSource.stdout, fromBuild.stdout);
});
