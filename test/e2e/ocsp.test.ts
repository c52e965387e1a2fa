/**
 * The OCSP responder against the real `openssl ocsp` client, on SQLite and PostgreSQL: good, revoked
 * (with reason and time, and without a reason for unspecified) and unknown; SHA-1 and SHA-256 CertIDs;
 * with and without a nonce; POST and GET; every response verified against our chain. A revocation is
 * answered at once, also when it was made by another process (a second mcms on the same database).
 * Garbage, truncated, oversized and wrongly typed requests get malformedRequest, never a 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { toPem } from '../../src/lib/pki/index.js';
import { openMcms } from '../../src/main/open-mcms.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, tempDir } from '../support/openssl.js';

const run = promisify(execFile);

/**
 * `openssl ocsp` as a child process (async: the server answers in this process), its stdout (the
 * statuses) and stderr ("Response verify OK") together.
 */
async function ocspWithStderr(args: string[]): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'openssl ocsp "$@" 2>&1', 'sh', ...args], { encoding: 'utf8', timeout: 20_000 });
  return stdout;
}

const MALFORMED = Buffer.from('30030a0101', 'hex');
const UNAUTHORIZED = Buffer.from('30030a0106', 'hex');

for (const { dialect, skip } of dialects) {
  describe(`OCSP with openssl on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    const dir = tempDir();
    const serials: Record<'good' | 'revoked' | 'plain', string> = { good: '', revoked: '', plain: '' };
    let url = '';

    before(async () => {
      instance = await startInstance(dialect, { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
      server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
      url = `${server.url}/ocsp`;
      const { mcms } = instance;
      const admin = mcms.localPrincipal();
      const [issuing, root] = (await mcms.ca.show(admin)).chain;
      writeFileSync(dir.file('issuing.pem'), toPem('CERTIFICATE', issuing!));
      writeFileSync(dir.file('root.pem'), toPem('CERTIFICATE', root!));
      writeFileSync(dir.file('chain.pem'), toPem('CERTIFICATE', issuing!) + toPem('CERTIFICATE', root!));
      await mcms.subscribers.add(admin, { email: 'otto@example.test' });
      for (const name of ['good', 'revoked', 'plain'] as const) {
        const record = await mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: 'otto@example.test', csr: makeCsr(dir.path, name).csrPem });
        serials[name] = record.serial;
        writeFileSync(dir.file(`${name}.pem`), toPem('CERTIFICATE', record.der));
      }
      await mcms.certificates.revoke(admin, { serial: serials.revoked, reason: 'keyCompromise' });
      await mcms.certificates.revoke(admin, { serial: serials.plain });
    });
    after(async () => {
      await server?.close();
      await instance?.dispose();
      dir.remove();
    });

    const verifyArgs = () => ['-issuer', dir.file('issuing.pem'), '-CAfile', dir.file('chain.pem'), '-url', url];

    test('good, revoked with reason and time, revoked without reason, unknown; SHA-1 and SHA-256; nonce and none', async () => {
      for (const digest of ['-sha1', '-sha256']) {
        for (const nonce of ['-nonce', '-no_nonce']) {
          const out = await ocspWithStderr([...verifyArgs(), digest, nonce,
            '-cert', dir.file('good.pem'), '-cert', dir.file('revoked.pem'), '-cert', dir.file('plain.pem'), '-serial', '0x0123456789abcdef']);
          assert.match(out, /Response verify OK/, out);
          assert.match(out, /good\.pem: good/);
          assert.match(out, /revoked\.pem: revoked\n\s+This Update: .+\n\s+Next Update: .+\n\s+Reason: keyCompromise\n\s+Revocation Time: /);
          assert.match(out, /plain\.pem: revoked\n\s+This Update: .+\n\s+Next Update: .+\n\s+Revocation Time: /);
          assert.match(out, /0x0123456789abcdef: unknown/);
          assert.doesNotMatch(out, /WARNING: no nonce|nonce verify error/i);
        }
      }
    });

    test('the response echoes the nonce, names the delegated responder by key and carries its certificate', async () => {
      const text = await ocspWithStderr([...verifyArgs(), '-cert', dir.file('good.pem'), '-nonce', '-resp_text']);
      assert.match(text, /Responder Id: [0-9A-F]{40}/);
      assert.match(text, /OCSP Nonce: \n\s+0410[0-9A-F]{32}/);
      assert.match(text, /OCSP Signing/);
      assert.match(text, /OCSP No Check/);
      assert.match(text, /Response verify OK/);
    });

    test('GET with the base64 request in the path, with caching headers; POST gives the same status', async () => {
      execFileSync('openssl', ['ocsp', '-issuer', dir.file('issuing.pem'), '-sha256', '-cert', dir.file('good.pem'), '-no_nonce', '-reqout', dir.file('req.der')]);
      const request = readFileSync(dir.file('req.der'));
      const get = await fetch(`${url}/${encodeURIComponent(request.toString('base64'))}`);
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('content-type'), 'application/ocsp-response');
      assert.match(get.headers.get('cache-control')!, /^max-age=\d+, public, no-transform, must-revalidate$/);
      const etag = get.headers.get('etag')!;
      assert.ok(etag && get.headers.get('last-modified') && get.headers.get('expires'));
      writeFileSync(dir.file('get.der'), Buffer.from(await get.arrayBuffer()));
      const out = await ocspWithStderr(['-respin', dir.file('get.der'), '-issuer', dir.file('issuing.pem'), '-CAfile', dir.file('chain.pem'), '-sha256', '-cert', dir.file('good.pem'), '-no_nonce']);
      assert.match(out, /Response verify OK/);
      assert.match(out, /good\.pem: good/);
      assert.equal((await fetch(`${url}/${encodeURIComponent(request.toString('base64'))}`, { headers: { 'if-none-match': etag } })).status, 304);
      // Unescaped base64 in the path works too (clients differ).
      assert.equal((await fetch(`${url}/${request.toString('base64')}`)).status, 200);
      const post = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request });
      assert.equal(post.status, 200);
      assert.equal(post.headers.get('etag'), etag, 'the same pre-signed answer');
      assert.equal(get.headers.get('connection'), 'keep-alive');
    });

    test('a revocation is answered at once, also one made by another process on the same database', async () => {
      const first = await ocspWithStderr([...verifyArgs(), '-cert', dir.file('good.pem'), '-no_nonce']);
      assert.match(first, /good\.pem: good/);
      // A second mcms on the same store (another worker, node or the CLI) revokes.
      const other = await openMcms(loadConfig({ env: instance.env, cwd: instance.dataDir }), { init: false });
      try {
        await other.certificates.revoke(other.localPrincipal(), { serial: serials.good, reason: 'superseded' });
      } finally {
        await other.close();
      }
      const after = await ocspWithStderr([...verifyArgs(), '-cert', dir.file('good.pem'), '-no_nonce']);
      assert.match(after, /good\.pem: revoked[\s\S]+Reason: superseded/);
    });

    test('the root CA answers for the issuing CA certificate, signed by the root itself', async () => {
      const issuingSerial = execFileSync('openssl', ['x509', '-in', dir.file('issuing.pem'), '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1]!;
      const out = await ocspWithStderr(['-issuer', dir.file('root.pem'), '-CAfile', dir.file('root.pem'), '-url', url, '-sha256', '-serial', `0x${issuingSerial}`]);
      assert.match(out, /Response verify OK/);
      assert.match(out, /: good/);
    });

    test('a renewed responder certificate signs from then on; responses still verify', async () => {
      const { mcms } = instance;
      const before = await ocspWithStderr([...verifyArgs(), '-cert', dir.file('plain.pem'), '-no_nonce', '-resp_text']);
      const quiet = await mcms.jobs.run(mcms.localPrincipal(), 'ocsp-signer-renewal');
      assert.equal(quiet.status, 'ok');
      assert.match(quiet.summary, /^ocsp-signer is good until /, 'a year-long certificate is not renewed yet');
      const renewal = await mcms.ocsp.renewSigner(mcms.localPrincipal(), { force: true });
      assert.ok(renewal.renewed);
      const after = await ocspWithStderr([...verifyArgs(), '-cert', dir.file('plain.pem'), '-no_nonce', '-resp_text']);
      assert.match(after, /Response verify OK/);
      const responderId = (text: string) => /Responder Id: ([0-9A-F]+)/.exec(text)![1];
      assert.notEqual(responderId(after), responderId(before));
      assert.equal((await mcms.certificates.list(mcms.localPrincipal(), { profile: 'ocsp-signer' }, { limit: 10 })).items.length, 2, 'the new signer is in the inventory');
    });

    test('the crl-refresh job signs a delta after a revocation and nothing when nothing changed', async () => {
      const { mcms } = instance;
      const admin = mcms.localPrincipal();
      await mcms.crl.generate(admin, {});
      assert.match((await mcms.jobs.run(admin, 'crl-refresh')).summary, /^nothing due$/);
      const record = await mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: 'otto@example.test', csr: makeCsr(dir.path, 'late').csrPem });
      await mcms.certificates.revoke(admin, { serial: record.serial });
      assert.equal((await mcms.jobs.run(admin, 'crl-refresh')).summary, 'signed issuing: delta');
    });

    test('garbage, truncated, oversized, empty, wrongly typed and unknown-CA requests', async () => {
      const request = readFileSync(dir.file('req.der'));
      const post = (body: Buffer | string, type = 'application/ocsp-request') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
      const cases: [string, Promise<Response>, Buffer][] = [
        ['garbage', post(Buffer.from('hello, world')), MALFORMED],
        ['truncated', post(request.subarray(0, request.length - 3)), MALFORMED],
        ['trailing data', post(Buffer.concat([request, Buffer.of(0)])), MALFORMED],
        ['oversized', post(Buffer.alloc(100_000, 0x30)), MALFORMED],
        ['empty', post(Buffer.alloc(0)), MALFORMED],
        ['wrong type', post(request, 'application/json'), MALFORMED],
        ['no type', fetch(url, { method: 'POST', body: request }), MALFORMED],
        ['GET garbage', fetch(`${url}/${encodeURIComponent('!!!notbase64')}`), MALFORMED],
        ['GET non-request', fetch(`${url}/${Buffer.from('3003020101', 'hex').toString('base64')}`), MALFORMED],
      ];
      // A CertID naming a CA we do not run: flip a byte of issuerKeyHash (it ends before the ~19-octet serial).
      const foreign = Buffer.from(request);
      foreign[foreign.length - 30]! ^= 0xff;
      cases.push(['foreign CA', post(foreign), UNAUTHORIZED]);
      // A path that is no URL at all (a broken %-escape) is an OCSP request that is not well-formed.
      cases.push(['GET broken escape', fetch(`${url}/%E0%A4%A`), MALFORMED]);
      for (const [name, pending, expected] of cases) {
        const reply = await pending;
        assert.equal(reply.status, 200, name);
        assert.equal(reply.headers.get('content-type'), 'application/ocsp-response', name);
        assert.deepEqual(Buffer.from(await reply.arrayBuffer()), expected, name);
      }
    });
  });
}
