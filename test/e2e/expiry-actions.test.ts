/**
 * Expiry actions that leave mcms, and the commands an operator runs: the `command` action runs a real
 * program with the certificate as JSON on stdin and records its exit status (0: done, audited; other:
 * retried with the status as the error; too slow: killed and retried); the `webhook` action posts a
 * signed body; `mcms scan expiry --now … --deliver`, `mcms job run expiry-scan`, `mcms report expiry`
 * and `mcms inventory import` (a garbage file: its reason, exit 65, the others imported) through
 * ./bin/mcms.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Principal } from '../../src/domain/access/index.js';
import { FixedClock } from '../../src/lib/clock.js';
import { toPem } from '../../src/lib/pki/index.js';
import { rawSql } from '../support/escrow-peers.js';
import { foreignCa } from '../support/foreign-ca.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';

const DAY = 86_400_000;
const SECRET = 'action-webhook-secret-0123456789';
const BIN = resolve(import.meta.dirname, '../../bin/mcms');

/** A process that no longer runs: none with that id, or a zombie nobody has reaped yet. */
function gone(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

for (const { dialect, skip } of dialects) {
  describe(`expiry actions on ${dialect}`, { skip }, () => {
    const clock = new FixedClock(new Date('2026-02-01T00:00:00Z'));
    const dir = tempDir('mcms-actions-');
    const script = join(dir.path, 'on-expiry.sh');
    const stdinFile = join(dir.path, 'stdin.json');
    const modeFile = join(dir.path, 'mode');
    const sleeperFile = join(dir.path, 'sleeper.pid');
    const posts: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }); res.writeHead(200).end('{}'); });
    });
    let instance: TestInstance;
    let admin: Principal;

    before(async () => {
      // In slow mode the script starts a child of its own that outlives it unless its whole process group is killed.
      writeFileSync(script, `#!/bin/sh\ncat > "$1"\nmode=$(cat "$2")\nif [ "$mode" = slow ]; then sleep 60 >/dev/null 2>&1 & echo $! > ${sleeperFile}; wait; fi\necho "mode $mode" >&2\nexit "$mode"\n`);
      chmodSync(script, 0o755);
      receiver.listen(0, '127.0.0.1');
      await once(receiver, 'listening');
      instance = await startInstance(dialect, {
        MCMS_EXPIRY_PROFILES_SMIME_SIGNING_ACTION: 'command', MCMS_EXPIRY_PROFILES_DEVICE_AUTH_ACTION: 'webhook',
        MCMS_EXPIRY_PROFILES_DEVICE_AUTH_ACTION_DAYS: '10',
        MCMS_EXPIRY_COMMAND_PATH: script, MCMS_EXPIRY_COMMAND_ARGS: `${stdinFile} ${modeFile}`, MCMS_EXPIRY_COMMAND_TIMEOUT_MS: '3000',
        MCMS_EXPIRY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions`, MCMS_EXPIRY_WEBHOOK_SECRET: SECRET,
        MCMS_CA_SERVICE_VALIDITY_DAYS: '1000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '1000',
      }, { clock });
      admin = instance.mcms.localPrincipal();
      await instance.mcms.subscribers.add(admin, { email: 'erin@example.test' });
    });
    after(async () => {
      await instance?.dispose();
      await new Promise<void>((r) => receiver.close(() => r()));
      dir.remove();
    });

    const issue = async (profile: string) => {
      const { csrFile } = makeCsr(dir.path, `${profile}-${clock.now().getTime()}`, 'ec:P-256');
      return instance.mcms.certificates.issue(admin, { profile, subscriber: 'erin@example.test', csr: readFileSync(csrFile) });
    };
    const actionRow = async () => (await instance.mcms.expiry.outbox(admin, {})).find((i) => i.kind === 'action' && i.recipient === 'command')!;

    test('the command action gets the certificate on stdin; its exit status decides: retried on failure or time-out, recorded on success', async () => {
      const certificate = await issue('smime-signing');
      clock.advance(certificate.notAfter.getTime() - 29 * DAY - clock.now().getTime());
      assert.deepEqual((await instance.mcms.expiry.scan(admin, {})).events, { 'notice-30': 1, action: 1 });

      writeFileSync(modeFile, '3');
      let run = await instance.mcms.expiry.deliver(admin, {});
      assert.equal(run.retrying, 1);
      let row = await actionRow();
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 1);
      assert.match(row.lastError!, /exited 3: mode 3$/);
      const stdin = JSON.parse(readFileSync(stdinFile, 'utf8')) as { serial: string; profile: string; notAfter: string; subscriber: { mailboxes: string[] } };
      assert.equal(stdin.serial, certificate.serial);
      assert.equal(stdin.profile, 'smime-signing');
      assert.equal(stdin.notAfter, certificate.notAfter.toISOString());
      assert.deepEqual(stdin.subscriber.mailboxes, ['erin@example.test']);

      writeFileSync(modeFile, 'slow');
      clock.advance(2 * 60_000);
      run = await instance.mcms.expiry.deliver(admin, {});
      row = await actionRow();
      assert.equal(row.attempts, 2);
      assert.match(row.lastError!, /was killed \(SIGKILL, time-out 3000 ms\)/);
      const sleeper = Number(readFileSync(sleeperFile, 'utf8'));
      assert.ok(gone(sleeper), 'the script\'s own child was killed with it');

      writeFileSync(modeFile, '0');
      clock.advance(5 * 60_000);
      run = await instance.mcms.expiry.deliver(admin, {});
      row = await actionRow();
      assert.equal(row.status, 'sent');
      const audit = await rawSql<{ details: string }>(instance, dialect, "select details from audit_events where action = 'expiry.action'");
      assert.equal(audit.length, 1);
      assert.match(audit[0]!.details, /exited 0/);
    });

    test('the webhook action posts the certificate, signed', async () => {
      const certificate = await issue('device-auth');
      clock.advance(certificate.notAfter.getTime() - 9 * DAY - clock.now().getTime());
      const scan = await instance.mcms.expiry.scan(admin, {});
      assert.equal(scan.events.action, 1);
      const run = await instance.mcms.expiry.deliver(admin, {});
      assert.equal(run.failed + run.retrying, 0, JSON.stringify(run));
      const actionPosts = posts.filter((p) => (JSON.parse(p.body) as { type: string }).type === 'certificate.action');
      assert.equal(actionPosts.length, 1);
      const [post] = actionPosts;
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${String(post!.headers['x-mcms-timestamp'])}.${post!.body}`).digest('hex')}`;
      assert.equal(post!.headers['x-mcms-signature'], expected);
      assert.equal((JSON.parse(post!.body) as { certificate: { serial: string } }).certificate.serial, certificate.serial);
    });
  });
}

describe('expiry from the command line', () => {
  const dir = tempDir('mcms-expiry-cli-');
  const env = { ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '', MCMS_ESCROW_POOL_SIZE: '0',
    MCMS_CA_SERVICE_VALIDITY_DAYS: '1000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '1000' };
  const mcms = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', join(dir.path, 'data'), ...args], { cwd: dir.path, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  after(() => dir.remove());

  test('scan expiry --now --deliver, job run expiry-scan, report expiry, inventory import with a garbage file', async () => {
    assert.equal(mcms(['init']).status, 0);
    assert.equal(mcms(['subscriber', 'add', 'fay@example.test']).status, 0);
    const generated = mcms(['--json', 'escrow', 'generate', 'fay@example.test']);
    assert.equal(generated.status, 0, generated.stderr);
    const notAfter = new Date((JSON.parse(generated.stdout) as { certificate: { notAfter: string } }).certificate.notAfter);

    const ca = await foreignCa();
    const [foreign] = await ca.issue([{ email: 'fay@example.test', commonName: 'Fay elsewhere', notAfter: new Date(Date.now() + 10 * DAY) }]);
    writeFileSync(join(dir.path, 'good.pem'), toPem('CERTIFICATE', foreign!));
    openssl(['crl2pkcs7', '-nocrl', '-certfile', join(dir.path, 'good.pem'), '-outform', 'DER', '-out', join(dir.path, 'good.p7b')]);
    writeFileSync(join(dir.path, 'junk.crt'), 'not a certificate');
    const imported = mcms(['inventory', 'import', 'good.pem', 'junk.crt', 'good.p7b', 'missing.pem']);
    assert.equal(imported.status, 65, imported.stderr);
    assert.match(imported.stdout, /^good\.pem: 1 added, 0 known already, 1 linked to people$/m);
    assert.match(imported.stdout, /^junk\.crt: refused: the file is neither PEM nor DER$/m);
    assert.match(imported.stdout, /^good\.p7b: 0 added, 1 known already, 1 linked to people$/m);
    assert.match(imported.stdout, /^missing\.pem: refused: cannot read: ENOENT$/m);
    assert.match(imported.stderr, /2 of 4 files refused/);

    const job = mcms(['job', 'run', 'expiry-scan']);
    assert.equal(job.status, 0, job.stderr);
    assert.match(job.stdout, /^expiry-scan: 1 notice, 1 queued \(notice-14: 1\)$/m);

    const when = new Date(notAfter.getTime() - 5 * DAY).toISOString();
    const scan = mcms(['--json', 'scan', 'expiry', '--now', when, '--deliver']);
    assert.equal(scan.status, 0, scan.stderr);
    const result = JSON.parse(scan.stdout) as { scan: { events: Record<string, number> }; delivery: { sent: number; deferred: number } };
    assert.equal(result.scan.events['notice-7'], 1, 'the escrowed identity gets the 7-day notice');
    assert.equal(result.scan.events.action, 1);
    assert.equal(result.delivery.sent, 1, 'renew-escrow ran (no mail server: the notices wait)');
    assert.equal(result.delivery.deferred, 2);
    const history = mcms(['--json', 'escrow', 'history', 'fay@example.test']);
    assert.equal((JSON.parse(history.stdout) as unknown[]).length, 2);

    const report = mcms(['report', 'expiry']);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /WEEK FROM\s+TO\s+ISSUED\s+MONITORED/);
    assert.match(report.stdout, /outbox: 2 pending, 1 sent, 0 failed/);
    assert.equal(mcms(['scan', 'expiry', '--now', 'yesterday']).status, 64);
  });
});
