/**
 * The `mcms` command end to end, as an operator uses it: from an empty data directory, through
 * ./bin/mcms in a child process, checking stdout, --json output, stderr lines and exit codes, and that
 * a refused command changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeCsr, openssl, tempDir, verifyChain } from '../support/openssl.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

describe('mcms CLI from an empty data directory', () => {
  const dir = tempDir('mcms-cli-');
  const dataDir = join(dir.path, 'data');
  const env = { ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '' };
  const mcms = (args: string[], extraEnv: Record<string, string> = {}): Run => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: dir.path, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const auditCount = () => (mcms(['--json', 'audit', 'verify']).json() as { records: number }).records;
  let adminToken = '';

  before(() => {
    const init = mcms(['init']);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /initialised/);
    adminToken = /(mcms_[A-Za-z0-9_-]{43})/.exec(init.stdout)![1]!;
  });
  after(() => dir.remove());

  test('init creates the master key with mode 0600 and is idempotent', () => {
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    const again = mcms(['--json', 'init']);
    assert.equal(again.status, 0, again.stderr);
    const result = again.json() as { created: boolean; adminToken: string | null; identities: { role: string }[] };
    assert.equal(result.created, false);
    assert.equal(result.adminToken, null, 'the admin token is shown once only');
    assert.equal(result.identities.length, 5);
  });

  test('job list shows every scheduled job with its schedule; job run refuses a name that is no job', () => {
    // The next run is after the command started (not after it ended: a job due every 30 s may fall in between).
    const started = Date.now();
    const list = mcms(['--json', 'job', 'list']);
    assert.equal(list.status, 0, list.stderr);
    const jobs = list.json() as { name: string; schedule: string; nextRunAt: string; runs: number }[];
    for (const j of jobs) {
      assert.ok(j.schedule.length > 0 && Date.parse(j.nextRunAt) > started, `${j.name} has a schedule and a next run`);
      assert.equal(j.runs, 0);
    }
    const unknown = mcms(['job', 'run', 'no-such-job']);
    assert.equal(unknown.status, 66);
    assert.match(unknown.stderr, /^mcms: no job is called no-such-job \(jobs: /);
    const bad = mcms(['job', 'list'], { MCMS_JOBS_SCHEDULES: 'no-such-job=* * * * *' });
    assert.equal(bad.status, 78);
    assert.match(bad.stderr, /MCMS_JOBS_SCHEDULES.*names no job/);
  });

  test('ca show lists the hierarchy; --pem prints the chain, issuing CA first', () => {
    const table = mcms(['ca', 'show']);
    assert.equal(table.status, 0, table.stderr);
    for (const role of ['root-ca', 'issuing-ca', 'scep-ra', 'ocsp-signer', 'profile-signer']) assert.match(table.stdout, new RegExp(role));
    const pem = mcms(['ca', 'show', '--pem']).stdout;
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
    assert.equal(certs.length, 2);
    assert.match(openssl(['x509', '-noout', '-subject'], certs[0]!), /mcms Issuing CA/);
    assert.match(openssl(['x509', '-noout', '-subject'], certs[1]!), /mcms Root CA/);
  });

  test('people, devices and a certificate, in text and --json', () => {
    const add = mcms(['--json', 'subscriber', 'add', 'Carol@Example.test', '--name', 'Carol Example', '--mail', 'c.example@example.test']);
    assert.equal(add.status, 0, add.stderr);
    const carol = add.json() as { id: string; mailboxes: { address: string; primary: boolean }[] };
    assert.deepEqual(carol.mailboxes, [{ address: 'carol@example.test', primary: true }, { address: 'c.example@example.test', primary: false }]);
    assert.match(mcms(['subscriber', 'show', 'c.example@example.test']).stdout, /Carol Example/);
    const list = mcms(['--json', 'subscriber', 'list']).json() as { items: { id: string }[]; nextCursor: string | null };
    assert.ok(list.items.some((s) => s.id === carol.id));

    const device = mcms(['--json', 'device', 'add', 'carol@example.test', '--name', "Carol's iPhone"]).json() as { id: string };
    assert.match(mcms(['device', 'list', 'carol@example.test']).stdout, /Carol's iPhone/);

    const { csrFile } = makeCsr(dir.path, 'carol');
    const issued = mcms(['cert', 'issue', '--profile', 'smime-signing', '--subscriber', 'carol@example.test', '--csr', csrFile, '--device', device.id]);
    assert.equal(issued.status, 0, issued.stderr);
    assert.match(issued.stdout, /^-----BEGIN CERTIFICATE-----/);
    const chain = mcms(['ca', 'show', '--pem']).stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
    assert.match(verifyChain(dir.path, issued.stdout, chain, 'smimesign'), /OK/);

    const serial = openssl(['x509', '-noout', '-serial'], issued.stdout).trim().split('=')[1]!;
    const shown = mcms(['--json', 'cert', 'show', serial]).json() as { serial: string; state: string; deviceId: string; emails: string[] };
    assert.equal(shown.state, 'valid');
    assert.equal(shown.deviceId, device.id);
    assert.deepEqual(shown.emails, ['carol@example.test', 'c.example@example.test']);
    assert.equal(mcms(['cert', 'show', serial, '--pem']).stdout, issued.stdout);

    const listed = mcms(['--json', 'cert', 'list', '--subscriber', 'carol@example.test', '--expiring-within', '400d']).json() as { items: { serial: string }[] };
    assert.deepEqual(listed.items.map((i) => i.serial), [shown.serial]);
    const none = mcms(['--json', 'cert', 'list', '--subscriber', 'carol@example.test', '--expiring-within', '30d']).json() as { items: unknown[] };
    assert.equal(none.items.length, 0);
    assert.equal((mcms(['--json', 'cert', 'list', '--status', 'revoked']).json() as { items: unknown[] }).items.length, 0);
  });

  test('refusals: one line on stderr, a specific exit code, nothing changed', () => {
    mcms(['subscriber', 'add', 'dave@example.test']);
    const before = auditCount();
    const cases: { args: string[]; status: number; message: RegExp }[] = [
      { args: ['subscriber', 'add', 'dave@example.test'], status: 73, message: /dave@example\.test belongs to another subscriber/ },
      { args: ['subscriber', 'add', 'not-an-address'], status: 65, message: /not a mailbox address/ },
      { args: ['subscriber', 'show', 'nobody@example.test'], status: 66, message: /no subscriber nobody@example\.test/ },
      { args: ['cert', 'show', 'abcdef'], status: 66, message: /no certificate with serial abcdef/ },
      { args: ['cert', 'show', 'xyz'], status: 64, message: /not a serial number/ },
      { args: ['cert', 'list', '--expiring-within', 'soon'], status: 64, message: /duration/ },
      { args: ['operator', 'add', 'eve', '--role', 'god'], status: 64, message: /Allowed choices/ },
      { args: ['cert', 'issue', '--profile', 'nope', '--subscriber', 'dave@example.test', '--csr', 'x'], status: 64, message: /Allowed choices/ },
      { args: ['cert', 'issue', '--profile', 'smime-signing', '--subscriber', 'dave@example.test', '--csr', join(dir.path, 'missing.csr')], status: 66, message: /cannot read CSR file/ },
    ];
    for (const c of cases) {
      const r = mcms(c.args);
      assert.equal(r.status, c.status, `${c.args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, c.message, c.args.join(' '));
      assert.equal(r.stdout, '', `${c.args.join(' ')} wrote to stdout`);
    }

    const garbage = join(dir.path, 'garbage.csr');
    writeFileSync(garbage, 'this is not a certificate request\n');
    const { csrFile: weak } = makeCsr(dir.path, 'weak', 'rsa:1024');
    const { csrFile: badSig } = makeCsr(dir.path, 'badsig');
    const der = spawnSync('openssl', ['req', '-in', badSig, '-outform', 'DER']).stdout;
    der.writeUInt8(der.readUInt8(der.length - 5) ^ 0xff, der.length - 5);
    const badSigDer = join(dir.path, 'badsig.der');
    writeFileSync(badSigDer, der);
    const { csrFile: ed } = makeCsr(dir.path, 'ed', 'ed25519');
    for (const [file, message] of [[garbage, /CERTIFICATE REQUEST|CSR/], [weak, /1024 bits is too short/], [badSigDer, /signature does not verify/], [ed, /not allowed/]] as const) {
      const r = mcms(['cert', 'issue', '--profile', 'smime-signing', '--subscriber', 'dave@example.test', '--csr', file]);
      assert.equal(r.status, 65, `${file}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal(auditCount(), before, 'no refused command left an audit record');
    assert.equal((mcms(['--json', 'cert', 'list', '--subscriber', 'dave@example.test']).json() as { items: unknown[] }).items.length, 0);
  });

  test('operators: roles are enforced for commands run with --token', () => {
    const added = mcms(['--json', 'operator', 'add', 'audrey', '--role', 'auditor']);
    assert.equal(added.status, 0, added.stderr);
    const token = (added.json() as { token: string }).token;
    assert.match(mcms(['operator', 'list']).stdout, /audrey\s+auditor\s+active/);
    const denied = mcms(['--token', token, 'subscriber', 'add', 'frank@example.test']);
    assert.equal(denied.status, 77, denied.stderr);
    assert.match(denied.stderr, /auditor may not subscribers\.write/);
    assert.equal(mcms(['--token', token, 'audit', 'verify']).status, 0);
    assert.equal(mcms(['--token', adminToken, 'subscriber', 'add', 'frank@example.test']).status, 0);
    const bad = mcms(['--token', 'mcms_' + 'x'.repeat(43), 'subscriber', 'list']);
    assert.equal(bad.status, 77);
    assert.match(bad.stderr, /API token is not valid/);
    assert.equal(mcms(['operator', 'disable', 'audrey']).status, 0);
    assert.equal(mcms(['--token', token, 'audit', 'verify']).status, 77, 'a disabled operator is locked out');
  });

  test('audit verify passes on the trail this session left', () => {
    const r = mcms(['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit trail intact: \d+ records/);
  });

  test('invalid configuration stops with one line naming the key', () => {
    for (const [name, value, message] of [
      ['MCMS_PORT', 'eighty', /port \(MCMS_PORT\): "eighty" is not a number/],
      ['MCMS_CA_KEY_ALGORITHM', 'rsa-1024', /ca\.keyAlgorithm \(MCMS_CA_KEY_ALGORITHM\)/],
      ['MCMS_PROFILES_SMIME_SIGNING_VALIDITY_DAYS', '900', /profiles\.smime-signing\.validityDays \(MCMS_PROFILES_SMIME_SIGNING_VALIDITY_DAYS\)/],
      ['MCMS_PROFILES_DEVICE_AUTH_GENERATION', 'strict', /device-auth cannot be strict/],
    ] as const) {
      const r = mcms(['subscriber', 'list'], { [name]: value });
      assert.equal(r.status, 78, `${name}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  test('config docs lists every setting with its env name', () => {
    const rows = mcms(['--json', 'config', 'docs']).json() as { key: string; env: string }[];
    assert.ok(rows.some((r) => r.key === 'baseUrl' && r.env === 'MCMS_BASE_URL'));
    assert.ok(rows.some((r) => r.env === 'MCMS_PROFILES_SMIME_ENCRYPTION_VALIDITY_DAYS'));
  });
});
