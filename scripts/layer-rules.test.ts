/**
 * The layer rules can fail: dependency-cruiser, with the project's own configuration, rejects a
 * fixture tree that breaks each of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

test('dependency-cruiser rejects each layer violation in the fixture tree', () => {
  const result = spawnSync(process.execPath,
    [resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', resolve(root, '.dependency-cruiser.cjs'), 'src'],
    { cwd: resolve(root, 'test/fixtures/layers'), encoding: 'utf8' });
  assert.notEqual(result.status, 0, 'violations make depcruise exit non-zero');
  const found = [...result.stdout.matchAll(/error ([\w-]+): (\S+) → (\S+)/g)].map((m) => `${m[1]} ${m[2]} -> ${m[3]}`);
  const expect = (rule: string, from: string, to: RegExp) =>
    assert.ok(found.some((f) => f.startsWith(`${rule} ${from}`) && to.test(f)), `${rule} from ${from}: got\n${found.join('\n')}`);
  expect('domain-no-frameworks', 'src/domain/billing/uses-framework.ts', /kysely/);
  expect('domain-no-frameworks', 'src/domain/billing/uses-framework.ts', /fs/);
  expect('domain-no-frameworks', 'src/domain/billing/uses-framework.ts', /adapters\/store/);
  expect('domain-via-index', 'src/domain/billing/uses-framework.ts', /other\/internal/);
  expect('entrypoints-no-adapters', 'src/entrypoints/uses-adapter.ts', /adapters\/store/);
  expect('lib-is-a-leaf', 'src/lib/uses-domain.ts', /domain/);
});
