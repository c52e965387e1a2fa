/**
 * The HTTP server's operational surface over real HTTP: health, Prometheus metrics, the public CA
 * certificates (the AIA caIssuers target, checked with openssl), the OpenAPI document and docs page,
 * and a graceful close that lets an in-flight request finish.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { buildHttpApp, startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';

const silent = () => pino({ level: 'silent' });
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One sample's value in a Prometheus text exposition, 0 when absent. */
function sample(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('HTTP operations', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  const dir = tempDir();
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_BASE_URL: 'http://pki.example.test:8080' });
    server = await startHttpServer(instance.mcms, { logger: silent() });
    await instance.mcms.subscribers.add(instance.mcms.localPrincipal(), { email: 'alice@example.test' });
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  test('listens on the port it was given (0: a free one) and reports it', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(server.url).port, '0');
  });

  test('health: ok with database and CA, no token needed', async () => {
    const response = await get('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', database: true, ca: true });
  });

  test('metrics: default process metrics, requests by route, and issuance by profile', async () => {
    const scrape = async () => {
      const response = await get('/metrics');
      assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    const first = await scrape();
    assert.match(first, /^process_cpu_user_seconds_total /m);
    assert.match(first, /^nodejs_eventloop_lag_seconds /m);
    const issuedBefore = sample(first, 'mcms_certificates_issued_total', 'profile="smime-signing"');

    const { csrPem } = makeCsr(dir.path, 'metrics');
    const issued = await fetch(`${server.url}/api/v1/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${instance.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'smime-signing', subscriber: 'alice@example.test', csr: csrPem }),
    });
    assert.equal(issued.status, 201);

    const second = await scrape();
    assert.equal(sample(second, 'mcms_certificates_issued_total', 'profile="smime-signing"'), issuedBefore + 1);
    assert.equal(sample(second, 'mcms_http_requests_total', 'method="POST",route="/api/v1/certificates",status="201"'), 1);
    assert.ok(sample(second, 'mcms_http_requests_total', 'method="GET",route="/healthz",status="200"') >= 1);
    assert.equal(sample(second, 'mcms_http_request_duration_seconds_count', 'method="POST",route="/api/v1/certificates"'), 1);
    assert.doesNotMatch(second, /alice|BEGIN/);
  });

  test('metrics: each app has its own registry, so two apps in one process do not collide', async () => {
    const other = await buildHttpApp(instance.mcms, { logger: silent() });
    const response = await other.inject({ url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.equal(sample(response.body, 'mcms_certificates_issued_total', 'profile="smime-signing"'), 0);
    assert.match(response.body, /^process_cpu_user_seconds_total /m);
    await other.close();
  });

  test('CA certificates: DER at the AIA caIssuers URL, PEM beside it, cacheable, public', async () => {
    const root = await get('/ca/root.crt');
    assert.equal(root.status, 200);
    assert.equal(root.headers.get('content-type'), 'application/pkix-cert');
    assert.equal(root.headers.get('cache-control'), 'public, max-age=86400');
    const rootDer = Buffer.from(await root.arrayBuffer());
    assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-subject'], rootDer), /CN ?= ?mcms Root CA/);

    const issuingPem = await (await get('/ca/issuing.pem')).text();
    const chain = await (await get('/api/v1/ca/chain.pem', { authorization: `Bearer ${instance.adminToken}` })).text();
    assert.ok(chain.startsWith(issuingPem), 'the chain starts with the issuing CA');
    assert.equal(openssl(['x509', '-inform', 'DER', '-outform', 'PEM'], rootDer), chain.slice(issuingPem.length));

    // The URL an issued certificate names as its issuer's certificate serves that certificate.
    const { csrPem } = makeCsr(dir.path, 'aia');
    const record = await instance.mcms.certificates.issue(instance.mcms.localPrincipal(), { profile: 'smime-signing', subscriber: 'alice@example.test', csr: csrPem });
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], record.der);
    const aia = /CA Issuers - URI:(\S+)/.exec(text)![1]!;
    assert.equal(aia, 'http://pki.example.test:8080/ca/issuing.crt');
    const issuingDer = Buffer.from(await (await get(new URL(aia).pathname)).arrayBuffer());
    assert.equal(openssl(['x509', '-inform', 'DER', '-outform', 'PEM'], issuingDer), issuingPem);

    const unknown = await get('/ca/nothing.crt');
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type')!, /^application\/problem\+json/);
    assert.equal(((await unknown.json()) as { code: string }).code, 'not-found');
  });

  test('the OpenAPI document is 3.1, lists every /api/v1 route with bearer security and problem responses', async () => {
    const response = await get('/api/openapi.json');
    assert.equal(response.status, 200);
    const doc = (await response.json()) as {
      openapi: string; info: { version: string }; servers: { url: string }[];
      components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, packageVersion);
    assert.deepEqual(doc.servers, [{ url: 'http://pki.example.test:8080' }]);
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: 'an operator API token (RFC 6750)' });
    for (const name of ['Problem', 'Subscriber', 'Device', 'Certificate', 'Operator', 'Challenge', 'Approval']) assert.ok(doc.components.schemas[name], name);

    const expected: Record<string, string[]> = {
      '/api/v1/ca': ['get'], '/api/v1/ca/chain.pem': ['get'], '/api/v1/profiles': ['get'],
      '/api/v1/subscribers': ['get', 'post'], '/api/v1/subscribers/{key}': ['get'],
      '/api/v1/subscribers/{key}/devices': ['get', 'post'], '/api/v1/subscribers/{key}/devices/{id}': ['get'],
      '/api/v1/certificates': ['get', 'post'], '/api/v1/certificates/{serial}': ['get'],
      '/api/v1/certificates/{serial}/pem': ['get'], '/api/v1/certificates/{serial}/der': ['get'],
      '/api/v1/operators': ['get', 'post'], '/api/v1/operators/{name}/disable': ['post'],
      '/api/v1/operators/{name}/rotate-token': ['post'], '/api/v1/audit/verify': ['get'],
      '/api/v1/subscribers/{key}/challenges': ['get', 'post'],
      '/api/v1/approvals': ['get'], '/api/v1/approvals/{id}': ['get'],
      '/api/v1/approvals/{id}/approve': ['post'], '/api/v1/approvals/{id}/reject': ['post'],
      '/api/v1/subscribers/{key}/encryption-identities': ['get', 'post'], '/api/v1/subscribers/{key}/encryption-identities/pkcs12': ['post'],
      '/api/v1/subscribers/{key}/key-recoveries': ['post'], '/api/v1/key-recoveries/{id}/export': ['post'],
      '/api/v1/encryption-identities/{serial}/recertify': ['post'], '/api/v1/encryption-identities/{serial}/compromised': ['post'],
      '/api/v1/escrow/rotate-kra': ['post'],
      '/api/v1/reports/expiry': ['get'], '/api/v1/expiry/scan': ['post'], '/api/v1/notifications': ['get'], '/api/v1/inventory/import': ['post'],
      '/api/v1/lookup': ['get'],
      '/api/v1/subscribers/{key}/profile': ['post'], '/api/v1/subscribers/{key}/invitations': ['post'],
      '/api/v1/subscribers/{key}/enrollment-links': ['get'], '/api/v1/subscribers/{key}/enrollment-links/revoke': ['post'],
      '/api/v1/subscribers/{key}/redeliver': ['post'],
      '/api/v1/certificates/{serial}/revocation': ['post'], '/api/v1/devices/{id}/lost': ['post'],
      '/api/v1/subscribers/{key}/leave': ['post'], '/api/v1/crls': ['post'],
      '/api/v1/directory/sync': ['post'], '/api/v1/directory/leavers': ['get'], '/api/v1/directory/leavers/confirm': ['post'],
      '/api/v1/directory/publish': ['post'],
    };
    assert.deepEqual(Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1')).sort(), Object.keys(expected).sort());
    for (const [path, methods] of Object.entries(expected)) {
      assert.deepEqual(Object.keys(doc.paths[path]!).sort(), methods, path);
      for (const method of methods) {
        const operation = doc.paths[path]![method]!;
        assert.deepEqual(operation.security, [{ bearerAuth: [] }], `${method} ${path}`);
        assert.ok(operation.responses['4XX'], `${method} ${path} documents its problems`);
      }
    }
    for (const path of ['/healthz', '/metrics', '/ca/{id}.crt', '/ca/{id}.pem']) {
      assert.ok(doc.paths[path], path);
      assert.equal(doc.paths[path]!.get!.security, undefined, `${path} is public`);
    }
  });

  test('the docs page is HTML that loads the OpenAPI document', async () => {
    const page = await get('/api/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(await page.text(), /swagger-ui/i);
    const initializer = await (await get('/api/docs/static/swagger-initializer.js')).text();
    assert.match(initializer, /\/api\/openapi\.json/);
  });
});

describe('graceful close', () => {
  test('finishes a request in flight, closes idle keep-alive connections, then refuses new ones', async () => {
    const instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
    const server = await startHttpServer(instance.mcms, { logger: silent() });
    try {
      const idle = await fetch(`${server.url}/healthz`);
      assert.equal(idle.headers.get('connection'), 'keep-alive');
      await idle.arrayBuffer();

      const body = JSON.stringify({ email: 'late@example.test' });
      const url = new URL(`${server.url}/api/v1/subscribers`);
      const inFlight = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { authorization: `Bearer ${instance.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        inFlight.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
        });
        inFlight.on('error', reject);
      });
      // In flight: the server has read its headers (an unparsed one would count as an idle connection).
      const headersRead = once(server.app.server, 'request');
      inFlight.write(body.slice(0, 10));
      await headersRead;

      const closed = server.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight.end(body.slice(10));
      assert.deepEqual(await answered, { status: 201, connection: 'close' }, 'the request in flight completes, and lets its connection go');
      await closed;
      await server.close();
      await assert.rejects(fetch(`${server.url}/healthz`), 'no new connections after close');
      const late = await instance.mcms.subscribers.show(instance.mcms.localPrincipal(), 'late@example.test');
      assert.equal(late.mailboxes[0]?.address, 'late@example.test');
    } finally {
      await server.close();
      await instance.dispose();
    }
  });
});
