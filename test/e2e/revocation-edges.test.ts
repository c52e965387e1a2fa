/**
 * Revocation at the edges: the CLI through ./bin/mcms (cert revoke, device lost, subscriber leave,
 * crl generate; refusals exit non-zero with one line), and over HTTP the API routes with their
 * problem documents and the CRLs at /crl/<ca>.crl and /crl/<ca>-delta.crl with caching headers,
 * checked by `openssl crl -verify`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { toPem } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

describe('mcms revocation CLI', () => {
  const dir = tempDir('mcms-revocation-cli-');
  const dataDir = join(dir.path, 'data');
  const env = { ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '' };
  const mcms = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: dir.path, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: <T = Record<string, unknown>>() => JSON.parse(r.stdout) as T };
  };
  const issue = (email: string, profile: string, device?: string): string => {
    const { csrFile } = makeCsr(dir.path, `k${Math.random().toString(36).slice(2)}`);
    const out = mcms(['--json', 'cert', 'issue', '--profile', profile, '--subscriber', email, '--csr', csrFile, ...(device ? ['--device', device] : [])]);
    assert.equal(out.status, 0, out.stderr);
    return out.json<{ serial: string }>().serial;
  };
  let deviceId = '';

  before(() => {
    assert.equal(mcms(['init']).status, 0);
    assert.equal(mcms(['subscriber', 'add', 'cleo@example.test']).status, 0);
    const device = mcms(['--json', 'device', 'add', 'cleo@example.test', '--name', 'iPhone']);
    assert.equal(device.status, 0, device.stderr);
    deviceId = device.json<{ id: string }>().id;
  });
  after(() => dir.remove());

  test('cert revoke: revoked once with its reason; a second time, an unknown serial or reason exit non-zero with one line', () => {
    const serial = issue('cleo@example.test', 'smime-signing');
    const revoked = mcms(['cert', 'revoke', serial, '--reason', 'keyCompromise']);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked ${serial} \\(keyCompromise\\)`));
    const again = mcms(['cert', 'revoke', serial]);
    assert.equal(again.status, 73);
    assert.equal(again.stderr, `mcms: certificate ${serial} is revoked already\n`);
    assert.equal(mcms(['cert', 'revoke', 'abcdef0123']).status, 66);
    const badReason = mcms(['cert', 'revoke', serial, '--reason', 'removeFromCRL']);
    assert.equal(badReason.status, 64);
    assert.match(badReason.stderr, /Allowed choices are unspecified, keyCompromise/);
    assert.match(mcms(['cert', 'show', serial]).stdout, /state: +revoked \(keyCompromise\)/);
  });

  test('device lost, then subscriber leave, then crl generate', () => {
    const signing = issue('cleo@example.test', 'smime-signing', deviceId);
    const lost = mcms(['device', 'lost', deviceId]);
    assert.equal(lost.status, 0, lost.stderr);
    assert.match(lost.stdout, new RegExp(`revoked: ${signing}`));
    assert.match(lost.stdout, /replacement invitation: not-available/);
    assert.equal(mcms(['device', 'lost', deviceId]).status, 73);

    const other = issue('cleo@example.test', 'smime-signing');
    const leave = mcms(['--json', 'subscriber', 'leave', 'cleo@example.test']);
    assert.equal(leave.status, 0, leave.stderr);
    assert.deepEqual(leave.json<{ revoked: string[] }>().revoked, [other]);
    assert.match(mcms(['subscriber', 'show', 'cleo@example.test']).stdout, /disabled/);

    const crls = mcms(['crl', 'generate']);
    assert.equal(crls.status, 0, crls.stderr);
    assert.match(crls.stdout, /issuing +full +\d+/);
    assert.match(crls.stdout, /issuing +delta +\d+/);
    assert.match(crls.stdout, /root +full +\d+/);
    const deltas = mcms(['--json', 'crl', 'generate', '--delta-only']);
    assert.equal(deltas.status, 0, deltas.stderr);
    assert.deepEqual(deltas.json<{ kind: string }[]>().map((c) => c.kind), ['delta', 'delta']);
  });

  test('ocsp renew-signer renews only when due, or with --force', () => {
    const quiet = mcms(['ocsp', 'renew-signer']);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /^ocsp-signer is valid until \d{4}-/);
    const forced = mcms(['ocsp', 'renew-signer', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /^renewed: ocsp-signer-\d{14} is valid until /);
  });
});

describe('revocation over HTTP', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  const dir = tempDir();

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    writeFileSync(dir.file('chain.pem'), (await instance.mcms.ca.show(instance.mcms.localPrincipal())).chain.map((der) => toPem('CERTIFICATE', der)).join(''));
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  const api = (method: string, path: string, body?: unknown) => fetch(`${server.url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${instance.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  function crlText(der: Buffer, name: string): string {
    writeFileSync(dir.file(name), der);
    return openssl(['crl', '-inform', 'DER', '-in', dir.file(name), '-CAfile', dir.file('chain.pem'), '-noout', '-text', '-verify']);
  }

  test('the API revokes with a reason and refuses with problem documents; the CRLs serve it with caching headers', async () => {
    const { mcms } = instance;
    await mcms.subscribers.add(mcms.localPrincipal(), { email: 'hugo@example.test' });
    const serial = (await mcms.certificates.issue(mcms.localPrincipal(), { profile: 'smime-signing', subscriber: 'hugo@example.test', csr: makeCsr(dir.path, 'hugo').csrPem })).serial;

    const first = await fetch(`${server.url}/crl/issuing.crl`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/pkix-crl');
    const etag = first.headers.get('etag')!;
    assert.ok(etag && first.headers.get('last-modified') && first.headers.get('expires'));
    assert.match(first.headers.get('cache-control')!, /^public, max-age=\d+/);
    assert.ok(!crlText(Buffer.from(await first.arrayBuffer()), 'first.crl').includes(serial.toUpperCase()));
    assert.equal((await fetch(`${server.url}/crl/issuing.crl`, { headers: { 'if-none-match': etag } })).status, 304);

    const revoked = await api('POST', `/certificates/${serial}/revocation`, { reason: 'privilegeWithdrawn' });
    assert.equal(revoked.status, 200);
    assert.equal(((await revoked.json()) as { state: string }).state, 'revoked');
    const again = await api('POST', `/certificates/${serial}/revocation`, {});
    assert.equal(again.status, 409);
    assert.equal(again.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await api('POST', `/certificates/${serial}/revocation`, { reason: 'bogus' })).status, 400);
    assert.equal((await api('POST', '/certificates/0123abcd/revocation', null)).status, 404);

    const signed = await api('POST', '/crls', { deltaOnly: true });
    assert.equal(signed.status, 201);
    const delta = await fetch(`${server.url}/crl/issuing-delta.crl`);
    assert.equal(delta.status, 200);
    const deltaText = crlText(Buffer.from(await delta.arrayBuffer()), 'delta.crl');
    assert.match(deltaText, new RegExp(`Serial Number: ${serial.toUpperCase()}[\\s\\S]*Privilege Withdrawn`));
    assert.match(deltaText, /Delta CRL Indicator/);
    const root = await fetch(`${server.url}/crl/root.crl`);
    assert.equal(root.status, 200);
    crlText(Buffer.from(await root.arrayBuffer()), 'root.crl');
    for (const path of ['/crl/nope.crl', '/crl/issuing.pem', '/crl/..%2Fissuing.crl']) assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
  });

  test('lost device and leaver over the API', async () => {
    const { mcms } = instance;
    await mcms.subscribers.add(mcms.localPrincipal(), { email: 'ines@example.test' });
    const device = await mcms.devices.add(mcms.localPrincipal(), { subscriber: 'ines@example.test', name: 'iPad' });
    const lost = await api('POST', `/devices/${device.id}/lost`, null);
    assert.equal(lost.status, 200);
    assert.equal(((await lost.json()) as { device: { status: string } }).device.status, 'lost');
    assert.equal((await api('POST', `/devices/${device.id}/lost`, null)).status, 409);
    const leave = await api('POST', '/subscribers/ines@example.test/leave');
    assert.equal(leave.status, 200);
    assert.equal(((await leave.json()) as { subscriber: { status: string } }).subscriber.status, 'disabled');
    assert.equal((await api('POST', '/subscribers/ines@example.test/leave')).status, 409);
  });
});
