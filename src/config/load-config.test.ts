import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envName, loadConfig, settings } from './index.js';
import { BEGIN, END, configTable } from '../../scripts/config-table.js';

const withDir = (work: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcms-config-'));
  try {
    work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('the embedded default needs no file and no environment', () => withDir((dir) => {
  const config = loadConfig({ env: {}, cwd: dir });
  assert.equal(config.port, 8080);
  assert.equal(config.dataDir, join(dir, 'data'));
  assert.equal(config.databaseUrl, `sqlite:${join(dir, 'data', 'mcms.db')}`);
  assert.equal(config.baseUrl, 'http://localhost:8080');
  assert.equal(config.profiles['smime-signing'].generation, 'strict');
  assert.ok(Object.isFrozen(config));
}));

test('precedence: defaults < file < environment < overrides', () => withDir((dir) => {
  writeFileSync(join(dir, 'mcms.config.yaml'), 'port: 9000\nca:\n  rootName: From File\nprofiles:\n  smime-dual:\n    validityDays: 100\n');
  const fromFile = loadConfig({ env: {}, cwd: dir });
  assert.equal(fromFile.port, 9000);
  assert.equal(fromFile.ca.rootName, 'From File');
  assert.equal(fromFile.profiles['smime-dual'].validityDays, 100);
  assert.equal(fromFile.profiles['smime-dual'].generation, 'strict', 'siblings keep their defaults');
  const fromEnv = loadConfig({ env: { MCMS_PORT: '9100', MCMS_TRUST_PROXY: 'yes' }, cwd: dir });
  assert.equal(fromEnv.port, 9100);
  assert.equal(fromEnv.trustProxy, true);
  assert.equal(loadConfig({ env: { MCMS_PORT: '9100' }, cwd: dir, overrides: { port: 9200 } }).port, 9200);
}));

test('each invalid value is one line naming the key and its env name', () => withDir((dir) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ MCMS_PORT: '70000' }, /^invalid configuration: port \(MCMS_PORT\): .*65535/],
    [{ MCMS_TRUST_PROXY: 'maybe' }, /trustProxy \(MCMS_TRUST_PROXY\): "maybe" is not true or false/],
    [{ MCMS_BASE_URL: 'ftp://example.test' }, /baseUrl \(MCMS_BASE_URL\)/],
    [{ MCMS_DATABASE_URL: 'mysql://x' }, /databaseUrl \(MCMS_DATABASE_URL\): must start with sqlite: or postgres:\/\//],
    [{ MCMS_CA_COUNTRY: 'Germany' }, /ca\.country \(MCMS_CA_COUNTRY\): must be an ISO 3166 two-letter code/],
    [{ MCMS_CERTIFICATES_VALIDATION: 'sponsor' }, /ca\.organization \(MCMS_CA_ORGANIZATION\): is required when certificates\.validation is sponsor/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig({ env, cwd: dir }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, message);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
  }
  writeFileSync(join(dir, 'broken.json'), '{ "port": ');
  assert.throws(() => loadConfig({ env: { MCMS_CONFIG: 'broken.json' }, cwd: dir }), /config file .*broken\.json is not valid JSON/);
  assert.throws(() => loadConfig({ env: { MCMS_CONFIG: 'missing.json' }, cwd: dir }), /cannot read config file .*missing\.json: ENOENT/);
}));

test('env names derive from the path', () => {
  assert.equal(envName(['profiles', 'smime-signing', 'validityDays']), 'MCMS_PROFILES_SMIME_SIGNING_VALIDITY_DAYS');
  assert.equal(envName(['ca', 'keyAlgorithm']), 'MCMS_CA_KEY_ALGORITHM');
  const names = settings().map((s) => s.env);
  assert.equal(new Set(names).size, names.length, 'no two settings share an env name');
  for (const s of settings()) assert.ok(s.description.length > 0, `${s.env} has a description`);
});

test('the README configuration table is the one the schema gives', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim();
  assert.equal(table, configTable(), 'README is stale: run `npm run docs:config`');
});
