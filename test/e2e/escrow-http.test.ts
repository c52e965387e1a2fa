/**
 * The escrow routes of the REST API over real HTTP: generate and history, the person's own PKCS#12
 * (no-store), a recovery requested by an officer, approved by two agents' tokens and exported once,
 * refusals as RFC 9457 problems with their codes, re-certify, compromised and KRA rotation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { readPkcs12 } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';

describe('escrow over the REST API', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  const tokens: Record<string, string> = {};
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  };

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    for (const [name, role] of [['olivia', 'officer'], ['agent-a', 'recovery-agent'], ['agent-b', 'recovery-agent']] as const) {
      tokens[name] = (await call(instance.adminToken, 'POST', '/operators', { name, role })).body.token as string;
    }
    await call(instance.adminToken, 'POST', '/subscribers', { email: 'frank@example.test' });
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
  });

  test('generate, history, own PKCS#12, recovery with two agents, export once', async () => {
    const first = await call(tokens.olivia!, 'POST', '/subscribers/frank@example.test/encryption-identities', {});
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const serial = (first.body.identity as { serial: string }).serial;
    const second = await call(tokens.olivia!, 'POST', '/subscribers/frank@example.test/encryption-identities', { algorithm: 'rsa-3072' });
    assert.equal(second.body.replaced, serial);
    const history = await call(tokens.olivia!, 'GET', '/subscribers/frank@example.test/encryption-identities');
    assert.deepEqual((history.body as unknown as { status: string }[]).map((i) => i.status), ['current', 'past']);

    const own = await call(tokens.olivia!, 'POST', '/subscribers/frank@example.test/encryption-identities/pkcs12', { variant: 'modern' });
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('cache-control'), 'no-store');
    assert.equal(readPkcs12(Buffer.from(own.body.pkcs12 as string, 'base64'), own.body.password as string).identities.length, 2);

    const request = await call(tokens.olivia!, 'POST', '/subscribers/frank@example.test/key-recoveries', { serial, reason: 'left the company' });
    assert.equal(request.status, 201);
    const id = request.body.id as string;
    const early = await call(tokens.olivia!, 'POST', `/key-recoveries/${id}/export`, {});
    assert.equal(early.status, 403);
    assert.equal(early.body.code, 'escrow.recovery-pending');
    assert.equal((await call(tokens.olivia!, 'POST', `/approvals/${id}/approve`, {})).status, 403);
    assert.equal((await call(tokens['agent-a']!, 'POST', `/approvals/${id}/approve`, {})).status, 200);
    assert.equal((await call(tokens['agent-b']!, 'POST', `/approvals/${id}/approve`, {})).body.status, 'approved');
    const exported = await call(tokens.olivia!, 'POST', `/key-recoveries/${id}/export`, {});
    assert.equal(exported.status, 200);
    assert.deepEqual((exported.body.identities as { serial: string }[]).map((i) => i.serial), [serial]);
    const again = await call(tokens.olivia!, 'POST', `/key-recoveries/${id}/export`, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'escrow.already-exported');
  });

  test('compromised, re-certify, rotate-kra; unknown serials are 404', async () => {
    const [current] = (await call(tokens.olivia!, 'GET', '/subscribers/frank@example.test/encryption-identities')).body as unknown as { serial: string }[];
    assert.equal((await call(tokens.olivia!, 'POST', `/encryption-identities/${current!.serial}/compromised`)).status, 204);
    const refused = await call(tokens.olivia!, 'POST', `/encryption-identities/${current!.serial}/recertify`);
    assert.equal(refused.body.code, 'escrow.compromised');
    assert.equal((await call(tokens.olivia!, 'POST', '/encryption-identities/abcdef/recertify')).status, 404);
    assert.equal((await call(tokens.olivia!, 'POST', '/escrow/rotate-kra', {})).status, 403, 'rotation is an administrator task');
    const rotated = await call(instance.adminToken, 'POST', '/escrow/rotate-kra', {});
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.remaining, 0);
  });
});
