/**
 * The directory commands through ./bin/mcms against a real slapd, as an operator runs them: a dry run,
 * the sync with its summary (a bad entry named by DN), issuance while the directory is unreachable
 * (exit 69 for the commands that need it, issuance unaffected), then `mcms directory publish` and the
 * publication-outbox job deliver, and ldapsearch shows the certificate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/openssl.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, freePort, ldapsearchText, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

describe('mcms directory CLI', () => {
  const dir = tempDir('mcms-directory-cli-');
  const dataDir = join(dir.path, 'data');
  let slapd: Slapd;
  let env: Record<string, string | undefined>;
  const mcms = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: dir.path, env: { ...env, ...extra }, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
  };

  before(async () => {
    slapd = await startSlapd();
    slapd.add([
      `dn: uid=ann,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ann\ncn: Ann\nsn: A\ndisplayName: Ann Example\nmail: ann@example.test\n`,
      `dn: uid=ben,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ben\ncn: Ben\nsn: B\nmail: ben@example.test\n`,
      `dn: uid=nomail,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: nomail\ncn: No Mail\nsn: N\n`,
    ].join('\n'));
    env = {
      ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '',
      MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
      // The failed intent must still be waiting for its backoff however long the CLI runs below take on a loaded machine.
      MCMS_PUBLICATION_RETRY_BASE: '1h',
    };
    assert.equal(mcms(['init']).status, 0);
  });
  after(async () => {
    await slapd?.dispose();
    dir.remove();
  });

  test('sync --dry-run reports and changes nothing; sync adds the people and names the skipped entry by DN', () => {
    const dry = mcms(['directory', 'sync', '--dry-run']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run \(nothing changed\): 3 entries: 2 added, 0 updated, 0 unchanged, 0 disabled or gone, 1 skipped$/m);
    assert.match(dry.stdout, /uid=nomail,ou=people,dc=example,dc=test: no mail/);
    assert.equal(mcms(['subscriber', 'show', 'ann@example.test']).status, 66);
    const sync = mcms(['--json', 'directory', 'sync']);
    assert.equal(sync.status, 0, sync.stderr);
    const summary = sync.json() as { added: number; skipped: { dn: string; reason: string }[] };
    assert.equal(summary.added, 2);
    assert.deepEqual(summary.skipped, [{ dn: `uid=nomail,${PEOPLE}`, reason: 'no mail' }]);
    const shown = mcms(['--json', 'subscriber', 'show', 'ann@example.test']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.json().displayName, 'Ann Example');
    const job = mcms(['job', 'run', 'directory-sync']);
    assert.equal(job.status, 0, job.stderr);
    assert.equal(job.stdout.trim(), 'directory-sync: 3 entries: 0 added, 0 updated, 0 leavers, 1 skipped');
    const leavers = mcms(['directory', 'leavers']);
    assert.equal(leavers.status, 0, leavers.stderr);
    assert.equal(leavers.stdout.trim(), 'no leavers');
  });

  test('directory unreachable: sync and publish exit 69 with one line; issuance goes on; once it is back the job delivers what is due, a failed intent waits for its backoff', async () => {
    const nowhere = { MCMS_LDAP_URL: `ldap://127.0.0.1:${await freePort()}/`, MCMS_LDAP_TIMEOUT: '2s' };
    const sync = mcms(['directory', 'sync'], nowhere);
    assert.equal(sync.status, 69, sync.stderr);
    assert.match(sync.stderr, /^mcms: the directory at ldap:\/\/127\.0\.0\.1:\d+\/ cannot be reached/);
    assert.equal(sync.stderr.trim().split('\n').length, 1);
    const wrongPassword = mcms(['directory', 'sync'], { MCMS_LDAP_BIND_PASSWORD: 'wrong' });
    assert.equal(wrongPassword.status, 69, wrongPassword.stderr);
    assert.match(wrongPassword.stderr, /^mcms: the directory refused the bind as cn=admin,dc=example,dc=test: LDAP result 49/);
    const badBase = mcms(['directory', 'sync'], { MCMS_LDAP_BASE_DN: 'ou=nowhere,dc=example,dc=test' });
    assert.equal(badBase.status, 69, badBase.stderr);
    assert.match(badBase.stderr, /^mcms: the directory refused the operation: LDAP result 32/);
    const generated = mcms(['--json', 'escrow', 'generate', 'ann@example.test'], nowhere);
    assert.equal(generated.status, 0, generated.stderr);
    const serial = (generated.json().identity as { serial: string }).serial;
    const publish = mcms(['directory', 'publish'], nowhere);
    assert.equal(publish.status, 69);
    assert.match(publish.stderr, /^mcms: directory unreachable, 1 publications wait/);

    const delivered = mcms(['directory', 'publish']);
    assert.equal(delivered.status, 0, delivered.stderr);
    assert.equal(delivered.stdout.trim(), '0 delivered (0 values added, 0 removed, 0 without directory entry), 0 failed, 1 pending', 'the failed intent waits for its backoff');
    const text = await ldapsearchText(slapd.url, ['-b', PEOPLE, '(mail=ann@example.test)', 'userCertificate;binary']);
    assert.doesNotMatch(text, /userCertificate/);

    const generatedBen = mcms(['escrow', 'generate', 'ben@example.test']);
    assert.equal(generatedBen.status, 0, generatedBen.stderr);
    const job = mcms(['job', 'run', 'publication-outbox']);
    assert.equal(job.status, 0, job.stderr);
    assert.match(job.stdout, /^publication-outbox: 1 delivered \(2 values added/);
    const ben = await ldapsearchText(slapd.url, ['-b', PEOPLE, '(mail=ben@example.test)', 'userCertificate;binary']);
    assert.match(ben, /^userCertificate;binary:: MII/m);
    assert.ok(serial.length > 0);
  });
});
