/**
 * The delivery commands through ./bin/mcms: `profile build` writes a 0600 .mobileconfig that passes
 * the profile checker; `invite` without a mail server prints the link and says it was not mailed;
 * `link list` and `link revoke` show and close it; refusals exit non-zero with one line on stderr.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/openssl.js';
import { checkMobileconfig } from '../support/profile-schema.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

describe('mcms profile / invite / link', () => {
  const dir = tempDir('mcms-delivery-cli-');
  const dataDir = join(dir.path, 'data');
  const env = { ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '', MCMS_MAIL_HOST: '', MCMS_BASE_URL: 'https://pki.example.test' };
  const mcms = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: dir.path, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
  };

  before(() => {
    assert.equal(mcms(['init']).status, 0);
    assert.equal(mcms(['subscriber', 'add', 'nia@example.test']).status, 0);
  });
  after(() => dir.remove());

  test('profile build writes a 0600 profile that passes the checker', () => {
    const out = join(dir.path, 'nia.mobileconfig');
    const built = mcms(['--json', 'profile', 'build', 'nia@example.test', '--out', out]);
    assert.equal(built.status, 0, built.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const result = built.json();
    assert.equal(result.file, out);
    assert.equal((result.encryptionSerials as string[]).length, 1);
    assert.equal(result.mobileconfig, undefined, 'no profile bytes on stdout');
    const pem = mcms(['ca', 'show', '--pem']).stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    const profile = checkMobileconfig(readFileSync(out), { dir: dir.path, rootPem: pem[pem.length - 1]! });
    assert.equal(profile.ofType('com.apple.security.pkcs12').length, 1);
    const again = mcms(['profile', 'build', 'nia@example.test', '--device', String(result.deviceId), '--out', out]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /payloads not encrypted \(no device identity known\)/);
  });

  test('invite without a mail server prints the link once and says it was not mailed; link list and revoke', () => {
    const invited = mcms(['invite', 'nia@example.test']);
    assert.equal(invited.status, 0, invited.stderr);
    assert.match(invited.stdout, /https:\/\/pki\.example\.test\/enroll\/[a-z2-7]{16}\.[A-Za-z0-9_-]{32}/);
    assert.match(invited.stdout, /not mailed: mail is not configured/);
    const listed = mcms(['link', 'list', 'nia@example.test']);
    assert.match(listed.stdout, /^[a-z2-7]{16}\s+open\s+-/m);
    const revoked = mcms(['link', 'revoke', 'nia@example.test']);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(revoked.stdout, /revoked 1 link/);
    assert.match(mcms(['link', 'list', 'nia@example.test']).stdout, /^[a-z2-7]{16}\s+revoked/m);
  });

  test('refusals: an unknown device, an unknown person', () => {
    const device = mcms(['profile', 'build', 'nia@example.test', '--device', 'no-such-device', '--out', join(dir.path, 'x.mobileconfig')]);
    assert.equal(device.status, 66);
    assert.equal(device.stderr.trim().split('\n').length, 1);
    assert.match(device.stderr, /no device no-such-device/);
    const person = mcms(['invite', 'nobody@example.test']);
    assert.equal(person.status, 66);
    assert.match(person.stderr, /no subscriber nobody@example\.test/);
  });
});
