/**
 * The escrow commands end to end through ./bin/mcms, as operators use them: an officer generates and
 * re-keys, reads the history, delivers the person's own PKCS#12; requests a recovery that two recovery
 * agents approve with their own tokens; exports it once; marks a key compromised, re-certifies, and
 * rotates the KRA key. Refusals exit non-zero with one line on stderr.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPkcs12 } from '../../src/lib/pki/index.js';
import { openssl, tempDir } from '../support/openssl.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

describe('mcms escrow CLI', () => {
  const dir = tempDir('mcms-escrow-cli-');
  const dataDir = join(dir.path, 'data');
  const env = { ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '' };
  const mcms = (args: string[], token?: string) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...(token ? ['--token', token] : []), ...args], { cwd: dir.path, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
  };
  const tokens: Record<string, string> = {};
  const serials: string[] = [];

  before(() => {
    assert.equal(mcms(['init']).status, 0);
    for (const [name, role] of [['olivia', 'officer'], ['agent-a', 'recovery-agent'], ['agent-b', 'recovery-agent']] as const) {
      const added = mcms(['--json', 'operator', 'add', name, '--role', role]);
      assert.equal(added.status, 0, added.stderr);
      tokens[name] = added.json().token as string;
    }
    assert.equal(mcms(['subscriber', 'add', 'dana@example.test']).status, 0);
  });
  after(() => dir.remove());

  test('generate twice: the first identity becomes past; history shows both', () => {
    for (const _ of [1, 2]) {
      const out = mcms(['--json', 'escrow', 'generate', 'dana@example.test'], tokens.olivia);
      assert.equal(out.status, 0, out.stderr);
      serials.push((out.json().identity as { serial: string }).serial);
    }
    const history = mcms(['escrow', 'history', 'dana@example.test'], tokens.olivia);
    assert.equal(history.status, 0, history.stderr);
    assert.match(history.stdout, new RegExp(`${serials[1]}\\s+current`));
    assert.match(history.stdout, new RegExp(`${serials[0]}\\s+past\\s+rekeyed`));
  });

  test('deliver writes a 0600 PKCS#12 and prints its password once; openssl opens it', () => {
    const out = join(dir.path, 'dana.p12');
    const delivered = mcms(['escrow', 'deliver', 'dana@example.test', '--out', out], tokens.olivia);
    assert.equal(delivered.status, 0, delivered.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const password = /password \(shown once\): (\S+)/.exec(delivered.stdout)![1]!;
    assert.match(openssl(['pkcs12', '-in', out, '-nodes', '-nocerts', '-passin', `pass:${password}`]), /BEGIN PRIVATE KEY[\s\S]+BEGIN PRIVATE KEY/);
  });

  test('recover, two agents approve with their own tokens, the officer exports once', () => {
    const requested = mcms(['--json', 'escrow', 'recover', 'dana@example.test', '--serial', serials[0]!, '--reason', 'legal hold'], tokens.olivia);
    assert.equal(requested.status, 0, requested.stderr);
    const id = requested.json().id as string;
    const out = join(dir.path, 'recovered.p12');
    const early = mcms(['escrow', 'export', id, '--out', out], tokens.olivia);
    assert.notEqual(early.status, 0);
    assert.match(early.stderr, /^mcms: recovery .* has 0 of 2 approvals\n$/);
    const own = mcms(['approve', id], tokens.olivia);
    assert.equal(own.status, 77, 'an officer may not approve recoveries');
    assert.equal(mcms(['approve', id], tokens['agent-a']).status, 0);
    const twice = mcms(['approve', id], tokens['agent-a']);
    assert.equal(twice.status, 73);
    assert.match(twice.stderr, /already voted/);
    assert.equal(mcms(['approve', id], tokens['agent-b']).status, 0);
    const exported = mcms(['escrow', 'export', id, '--out', out], tokens.olivia);
    assert.equal(exported.status, 0, exported.stderr);
    const password = /password \(shown once\): (\S+)/.exec(exported.stdout)![1]!;
    const contents = readPkcs12(readFileSync(out), password);
    assert.equal(contents.identities.length, 1);
    const again = mcms(['escrow', 'export', id, '--out', join(dir.path, 'again.p12')], tokens.olivia);
    assert.equal(again.status, 73);
    assert.match(again.stderr, /exported already/);
  });

  test('compromised, recertify, rotate-kra', () => {
    const compromised = mcms(['escrow', 'compromised', serials[1]!], tokens.olivia);
    assert.equal(compromised.status, 0, compromised.stderr);
    assert.match(mcms(['escrow', 'history', 'dana@example.test'], tokens.olivia).stdout, new RegExp(`${serials[1]}\\s+past\\s+compromised`));
    const refused = mcms(['escrow', 'recertify', serials[1]!], tokens.olivia);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /compromised/);
    const recertified = mcms(['--json', 'escrow', 'recertify', serials[0]!], tokens.olivia);
    assert.equal(recertified.status, 0, recertified.stderr);
    const rotated = mcms(['escrow', 'rotate-kra', '--batch-size', '1', '--limit', '1']);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /new KRA key .*: 1 re-wrapped, 2 remaining/);
    assert.match(mcms(['escrow', 'rotate-kra']).stdout, /resumed KRA key .*: 2 re-wrapped, 0 remaining/);
    assert.equal(mcms(['escrow', 'deliver', 'dana@example.test', '--out', join(dir.path, 'after.p12')], tokens.olivia).status, 0);
    assert.equal(mcms(['audit', 'verify']).status, 0);
  });
});
