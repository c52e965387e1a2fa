/**
 * The REST API over real HTTP: a real server on a free port, `fetch` as the client, CSRs made by the
 * openssl CLI, and issued certificates checked by `openssl verify` against the chain the API
 * publishes. Every refusal must come back as an RFC 9457 problem with the right status and code,
 * and leave the store exactly as it was (audit trail, inventory and people all unchanged).
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir, verifyChain } from '../support/openssl.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  json: <T = Record<string, unknown>>() => T;
}

interface Certificate {
  serial: string;
  subject: string;
  emails: string[];
  notBefore: string;
  notAfter: string;
  profile: string;
  state: string;
  subscriberId: string;
  deviceId: string | null;
  fingerprint: string;
  pem: string;
}

const BINARY = /^application\/pkix-cert/;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g;

for (const { dialect, skip } of dialects) {
  describe(`REST API over HTTP (${dialect})`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    const dir = tempDir();
    const logs: string[] = [];
    let auditor = '';

    /** One request; every body that is not DER is checked for leaked internals on the way. */
    async function call(method: string, path: string, options: { token?: string | null; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? instance.adminToken : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body = options.body;
      if (options.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(options.json);
      }
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString('utf8');
      if (!BINARY.test(response.headers.get('content-type') ?? '')) {
        assert.doesNotMatch(text, /Error:|\n\s+at |node_modules|\.ts:\d+/, `${method} ${path} leaks internals: ${text.slice(0, 200)}`);
      }
      return { status: response.status, headers: response.headers, text, bytes, json: <T>() => JSON.parse(text) as T };
    }

    const issue = async (subscriber: string, profile: string, key: 'rsa:2048' | 'ec:P-256' = 'rsa:2048', deviceId?: string) => {
      const { csrPem } = makeCsr(dir.path, `csr-${randomUUID()}`, key);
      return call('POST', '/api/v1/certificates', { json: { profile, subscriber, csr: csrPem, ...(deviceId ? { deviceId } : {}) } });
    };

    before(async () => {
      instance = await startInstance(dialect, { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
      server = await startHttpServer(instance.mcms, { logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }) });
      const added = await call('POST', '/api/v1/operators', { json: { name: 'audrey', role: 'auditor' } });
      auditor = added.json<{ token: string }>().token;
    });
    after(async () => {
      await server?.close();
      await instance?.dispose();
      dir.remove();
    });

    test('subscriber → device → certificate, and the certificate verifies against the published chain', async () => {
      const added = await call('POST', '/api/v1/subscribers', { json: { email: 'Alice@Example.test', name: 'Alice Example', mailboxes: ['alice.extra@example.test'] } });
      assert.equal(added.status, 201);
      const alice = added.json<{ id: string; displayName: string; mailboxes: { address: string; primary: boolean }[]; createdAt: string }>();
      assert.equal(added.headers.get('location'), `/api/v1/subscribers/${alice.id}`);
      assert.equal(alice.displayName, 'Alice Example');
      assert.deepEqual(alice.mailboxes, [{ address: 'alice@example.test', primary: true }, { address: 'alice.extra@example.test', primary: false }]);
      assert.equal(new Date(alice.createdAt).toISOString(), alice.createdAt);
      assert.deepEqual((await call('GET', added.headers.get('location')!)).json(), alice);
      assert.deepEqual((await call('GET', '/api/v1/subscribers/alice.extra@example.test')).json(), alice);

      const device = await call('POST', '/api/v1/subscribers/alice@example.test/devices', { json: { name: "Alice's iPhone" } });
      assert.equal(device.status, 201);
      const deviceId = device.json<{ id: string }>().id;
      assert.deepEqual((await call('GET', device.headers.get('location')!)).json(), device.json());
      const devices = (await call('GET', `/api/v1/subscribers/${alice.id}/devices`)).json<{ subscriber: { id: string }; devices: { id: string; name: string }[] }>();
      assert.equal(devices.subscriber.id, alice.id);
      assert.deepEqual(devices.devices.map((d) => [d.id, d.name]), [[deviceId, "Alice's iPhone"]]);

      const issued = await issue('alice@example.test', 'smime-signing', 'rsa:2048', deviceId);
      assert.equal(issued.status, 201);
      const cert = issued.json<Certificate>();
      assert.equal(issued.headers.get('location'), `/api/v1/certificates/${cert.serial}`);
      assert.match(cert.serial, /^[0-9a-f]+$/);
      assert.deepEqual(cert.emails, ['alice@example.test', 'alice.extra@example.test']);
      assert.deepEqual([cert.profile, cert.state, cert.subscriberId, cert.deviceId], ['smime-signing', 'valid', alice.id, deviceId]);
      assert.ok(Date.parse(cert.notAfter) > Date.parse(cert.notBefore));
      assert.equal(cert.pem.match(PEM_BLOCK)?.length, 1);
      assert.ok(!('der' in cert), 'no Buffer in JSON');

      const chain = await call('GET', '/api/v1/ca/chain.pem');
      assert.match(chain.headers.get('content-type')!, /^application\/x-pem-file/);
      const chainPems = chain.text.match(PEM_BLOCK)!;
      assert.equal(chainPems.length, 2, 'issuing CA, then root');
      assert.match(verifyChain(dir.path, cert.pem, chainPems, 'smimesign'), /leaf\.pem: OK/);

      const ec = await issue(alice.id, 'smime-signing', 'ec:P-256');
      assert.equal(ec.status, 201);
      assert.match(verifyChain(dir.path, ec.json<Certificate>().pem, chainPems, 'smimesign'), /leaf\.pem: OK/);
    });

    test('one certificate as JSON, PEM or DER, by path or by Accept header', async () => {
      const cert = (await issue('alice@example.test', 'smime-signing')).json<Certificate>();
      const path = `/api/v1/certificates/${cert.serial}`;
      assert.deepEqual((await call('GET', path)).json(), cert);
      assert.deepEqual((await call('GET', `/api/v1/certificates/${cert.serial.toUpperCase()}`)).json<Certificate>().serial, cert.serial);

      const pem = await call('GET', `${path}/pem`);
      assert.match(pem.headers.get('content-type')!, /^application\/x-pem-file/);
      assert.equal(pem.text, cert.pem);
      const der = await call('GET', `${path}/der`);
      assert.match(der.headers.get('content-type')!, /^application\/pkix-cert/);
      assert.equal(openssl(['x509', '-inform', 'DER', '-noout', '-serial'], der.bytes).trim().toLowerCase().replace(/^serial=0*/, ''), cert.serial);
      assert.equal(openssl(['x509', '-inform', 'DER', '-outform', 'PEM'], der.bytes), cert.pem);

      const negotiated = await call('GET', path, { headers: { accept: 'application/pkix-cert' } });
      assert.match(negotiated.headers.get('content-type')!, /^application\/pkix-cert/);
      assert.deepEqual(negotiated.bytes, der.bytes);
      assert.equal(negotiated.headers.get('vary'), 'Accept');
      assert.equal((await call('GET', path, { headers: { accept: 'application/x-pem-file, application/json;q=0.5' } })).text, cert.pem);
      assert.deepEqual((await call('GET', path, { headers: { accept: 'text/html, */*;q=0.1' } })).json(), cert);
    });

    test('listing: filters, and cursor pagination that neither repeats nor skips', async () => {
      assert.equal((await call('POST', '/api/v1/subscribers', { json: { email: 'bob@example.test' } })).status, 201);
      const serials: string[] = [];
      for (const profile of ['smime-signing', 'smime-encryption', 'smime-signing', 'smime-encryption', 'smime-signing']) {
        serials.push((await issue('bob@example.test', profile)).json<Certificate>().serial);
      }
      const paged: string[] = [];
      const sizes: number[] = [];
      for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 10; pages++) {
        const page: { items: Certificate[]; nextCursor: string | null } = (await call('GET', `/api/v1/certificates?subscriber=bob@example.test&limit=2${cursor ? `&cursor=${cursor}` : ''}`))
          .json<{ items: Certificate[]; nextCursor: string | null }>();
        sizes.push(page.items.length);
        paged.push(...page.items.map((c) => c.serial));
        cursor = page.nextCursor;
      }
      assert.deepEqual(sizes, [2, 2, 1]);
      assert.deepEqual(paged, [...serials].reverse(), 'newest first, each exactly once');

      const count = async (query: string) => (await call('GET', `/api/v1/certificates?subscriber=bob@example.test&${query}`)).json<{ items: unknown[] }>().items.length;
      assert.equal(await count('profile=smime-encryption'), 2);
      assert.equal(await count('status=valid'), 5);
      assert.equal(await count('status=revoked'), 0);
      assert.equal(await count('status=expired'), 0);
      assert.equal(await count('expiringWithin=30d'), 0);
      assert.equal(await count('expiringWithin=400d'), 3, 'signing certificates last 365 days, encryption ones 730');
      const everything = (await call('GET', '/api/v1/certificates')).json<{ items: Certificate[]; nextCursor: string | null }>();
      assert.ok(everything.items.length >= 5 && everything.nextCursor === null);

      const people = (await call('GET', '/api/v1/subscribers?status=active&limit=1')).json<{ items: { mailboxes: { address: string }[] }[]; nextCursor: string }>();
      assert.equal(people.items[0]?.mailboxes[0]?.address, 'bob@example.test');
      const rest = (await call('GET', `/api/v1/subscribers?limit=500&cursor=${people.nextCursor}`)).json<{ items: unknown[]; nextCursor: null }>();
      assert.ok(rest.items.length >= 1 && rest.nextCursor === null);
      assert.equal((await call('GET', '/api/v1/subscribers?status=disabled')).json<{ items: unknown[] }>().items.length, 0);
    });

    test('the CA hierarchy, the profiles and the audit trail', async () => {
      const ca = (await call('GET', '/api/v1/ca')).json<{ identities: { id: string; role: string; notAfter: string }[]; chain: string[] }>();
      assert.deepEqual(ca.identities.map((i) => i.role).sort(), ['issuing-ca', 'ocsp-signer', 'profile-signer', 'root-ca', 'scep-ra']);
      assert.equal(ca.chain.join(''), (await call('GET', '/api/v1/ca/chain.pem')).text);
      const profiles = (await call('GET', '/api/v1/profiles')).json<{ id: string }[]>();
      assert.ok(profiles.some((p) => p.id === 'smime-signing'));
      const audit = await call('GET', '/api/v1/audit/verify', { token: auditor });
      assert.equal(audit.status, 200);
      assert.equal(audit.json<{ ok: boolean }>().ok, true);
      assert.ok(audit.json<{ records: number }>().records > 5);
    });

    test('operators: a token is shown once, works until rotated or disabled, and roles limit it', async () => {
      const added = await call('POST', '/api/v1/operators', { json: { name: 'olivia', role: 'officer' } });
      assert.equal(added.status, 201);
      assert.equal(added.headers.get('cache-control'), 'no-store');
      const { operator, token } = added.json<{ operator: { name: string; role: string; status: string }; token: string }>();
      assert.deepEqual([operator.name, operator.role, operator.status], ['olivia', 'officer', 'active']);
      assert.equal((await call('GET', '/api/v1/certificates?limit=1', { token })).status, 200);
      assert.equal((await call('GET', '/api/v1/operators', { token })).status, 403, 'officers do not manage operators');
      assert.ok((await call('GET', '/api/v1/operators', { token: auditor })).json<{ name: string }[]>().some((o) => o.name === 'olivia'));

      const rotated = await call('POST', '/api/v1/operators/olivia/rotate-token');
      const newToken = rotated.json<{ token: string }>().token;
      assert.notEqual(newToken, token);
      assert.equal((await call('GET', '/api/v1/certificates?limit=1', { token })).status, 401);
      assert.equal((await call('GET', '/api/v1/certificates?limit=1', { token: newToken })).status, 200);

      const disabled = await call('POST', '/api/v1/operators/olivia/disable');
      assert.equal(disabled.json<{ status: string }>().status, 'disabled');
      assert.equal((await call('GET', '/api/v1/certificates?limit=1', { token: newToken })).status, 401);
    });

    describe('refusals: the right problem, and nothing changes', () => {
      const valid = () => makeCsr(dir.path, `valid-${randomUUID()}`).csrPem;
      const badSignature = () => {
        const der = Buffer.from(valid().replace(/-----[^-]+-----|\s/g, ''), 'base64');
        der[der.length - 1]! ^= 0x01;
        return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
      };
      const cases: { name: string; request: () => [string, string, Parameters<typeof call>[2]]; status: number; code: string }[] = [
        { name: 'a mailbox that is taken', status: 409, code: 'mailbox.taken',
          request: () => ['POST', '/api/v1/subscribers', { json: { email: 'carol@example.test', mailboxes: ['alice.extra@example.test'] } }] },
        { name: 'a mailbox that is not one', status: 400, code: 'mailbox.invalid',
          request: () => ['POST', '/api/v1/subscribers', { json: { email: 'not a mailbox' } }] },
        { name: 'an unknown profile', status: 400, code: 'profile.unknown',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'tls-server', subscriber: 'alice@example.test', csr: valid() } }] },
        { name: 'a malformed CSR', status: 400, code: 'csr.malformed',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIBfTCCASMCAQAw\n-----END CERTIFICATE REQUEST-----\n' } }] },
        { name: 'a CSR whose signature does not verify', status: 400, code: 'csr.bad-signature',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: badSignature() } }] },
        { name: 'an RSA-1024 key', status: 400, code: 'key.rejected',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: makeCsr(dir.path, 'weak', 'rsa:1024').csrPem } }] },
        { name: 'an unknown subscriber', status: 404, code: 'subscriber.not-found',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'nobody@example.test', csr: valid() } }] },
        { name: "somebody else's device", status: 404, code: 'device.not-found',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: valid(), deviceId: randomUUID() } }] },
        { name: 'a device for nobody', status: 404, code: 'subscriber.not-found',
          request: () => ['POST', '/api/v1/subscribers/nobody@example.test/devices', { json: { name: 'phone' } }] },
        { name: 'an unknown certificate', status: 404, code: 'certificate.not-found', request: () => ['GET', '/api/v1/certificates/0badc0ffee', {}] },
        { name: 'a serial that is not hex', status: 400, code: 'certificate.invalid-filter', request: () => ['GET', '/api/v1/certificates/xyz', {}] },
        { name: 'a foreign page cursor', status: 400, code: 'page.invalid-cursor', request: () => ['GET', '/api/v1/certificates?cursor=bm90LW91cnM', {}] },
        { name: 'a foreign page cursor for people', status: 400, code: 'page.invalid-cursor', request: () => ['GET', '/api/v1/subscribers?cursor=bm90LW91cnM', {}] },
        { name: 'a display name that is too long', status: 400, code: 'subscriber.invalid-name',
          request: () => ['POST', '/api/v1/subscribers', { json: { email: 'frank@example.test', name: 'F'.repeat(300) } }] },
        { name: 'expiring-within with revoked', status: 400, code: 'certificate.invalid-filter',
          request: () => ['GET', '/api/v1/certificates?status=revoked&expiringWithin=30d', {}] },
        { name: 'a page size over 500', status: 400, code: 'request.invalid', request: () => ['GET', '/api/v1/certificates?limit=501', {}] },
        { name: 'an unknown status filter', status: 400, code: 'request.invalid', request: () => ['GET', '/api/v1/certificates?status=lost', {}] },
        { name: 'no token', status: 401, code: 'auth.missing-token', request: () => ['GET', '/api/v1/certificates', { token: null }] },
        { name: 'another auth scheme', status: 401, code: 'auth.missing-token',
          request: () => ['GET', '/api/v1/certificates', { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }] },
        { name: 'a wrong token', status: 401, code: 'auth.invalid-token', request: () => ['GET', '/api/v1/certificates', { token: 'mcms_0000000000000000' }] },
        { name: 'an auditor issuing', status: 403, code: 'auth.forbidden',
          request: () => ['POST', '/api/v1/certificates', { token: auditor, json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: valid() } }] },
        { name: 'an auditor adding a subscriber', status: 403, code: 'auth.forbidden',
          request: () => ['POST', '/api/v1/subscribers', { token: auditor, json: { email: 'dave@example.test' } }] },
        { name: 'a body over the limit', status: 413, code: 'request.too-large',
          request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test', csr: 'A'.repeat(1_100_000) } }] },
        { name: 'garbage JSON', status: 400, code: 'request.malformed-json',
          request: () => ['POST', '/api/v1/subscribers', { body: '{"email": "eve@example.test",', headers: { 'content-type': 'application/json' } }] },
        { name: 'an extra property', status: 400, code: 'request.invalid',
          request: () => ['POST', '/api/v1/subscribers', { json: { email: 'eve@example.test', admin: true } }] },
        { name: 'a missing property', status: 400, code: 'request.invalid', request: () => ['POST', '/api/v1/certificates', { json: { profile: 'smime-signing', subscriber: 'alice@example.test' } }] },
        { name: 'a body that is not JSON', status: 415, code: 'request.unsupported-media-type',
          request: () => ['POST', '/api/v1/subscribers', { body: 'email=eve@example.test', headers: { 'content-type': 'application/x-www-form-urlencoded' } }] },
        { name: 'an operator that exists', status: 409, code: 'operator.exists', request: () => ['POST', '/api/v1/operators', { json: { name: 'audrey', role: 'officer' } }] },
        { name: 'disabling the last admin', status: 409, code: 'operator.last-admin', request: () => ['POST', '/api/v1/operators/admin/disable', {}] },
        { name: 'an unknown operator', status: 404, code: 'operator.not-found', request: () => ['POST', '/api/v1/operators/zed/rotate-token', {}] },
        { name: 'an unknown route', status: 404, code: 'not-found', request: () => ['GET', '/api/v2/certificates', {}] },
      ];

      /** What a refusal must not change: the audit trail, the inventory, the people, the operators. */
      const state = async () => ({
        audit: (await call('GET', '/api/v1/audit/verify')).json<{ records: number }>().records,
        certificates: (await call('GET', '/api/v1/certificates?limit=500')).json<{ items: unknown[] }>().items.length,
        subscribers: (await call('GET', '/api/v1/subscribers?limit=500')).json<{ items: unknown[] }>().items.length,
        operators: (await call('GET', '/api/v1/operators')).text,
      });

      for (const refusal of cases) {
        test(`${refusal.name}: ${refusal.status} ${refusal.code}`, async () => {
          const before = await state();
          const [method, path, options] = refusal.request();
          const response = await call(method, path, options);
          assert.equal(response.status, refusal.status, response.text);
          assert.match(response.headers.get('content-type')!, /^application\/problem\+json/);
          const body = response.json<{ type: string; title: string; status: number; detail: string; code: string; instance: string }>();
          assert.equal(body.code, refusal.code, response.text);
          assert.equal(body.type, `https://mcms.invalid/problems/${refusal.code}`);
          assert.equal(body.status, refusal.status);
          assert.ok(body.title.length > 0 && body.detail.length > 0);
          assert.equal(body.instance, path.split('?')[0]);
          if (refusal.status === 401) assert.match(response.headers.get('www-authenticate')!, /^Bearer realm="mcms"/);
          if (refusal.code === 'auth.invalid-token') assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
          assert.deepEqual(await state(), before);
        });
      }
    });

    test('the access log has one line per request, and no token, CSR or certificate in it', () => {
      assert.ok(logs.length > 50);
      const entries = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = entries.filter((e) => e.msg === 'request');
      assert.ok(requests.every((e) => typeof e.reqId === 'string' && typeof e.status === 'number' && typeof e.durationMs === 'number'));
      assert.ok(requests.some((e) => e.operator === 'admin' && e.route === '/api/v1/certificates' && e.method === 'POST' && e.status === 201));
      assert.ok(requests.some((e) => e.operator === 'audrey'));
      const text = logs.join('');
      assert.ok(!text.includes(instance.adminToken), 'the admin token is not logged');
      assert.ok(!text.includes(auditor), 'the auditor token is not logged');
      assert.doesNotMatch(text, /mcms_0000000000000000|Bearer|Basic|BEGIN|authorization/i);
    });
  });
}
