/**
 * The directory routes of the REST API over real HTTP against a real slapd: a dry-run sync, a sync, a
 * leaver confirmed by an officer, publishing now; an auditor may not sync; an unreachable directory is
 * a 503 problem.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';

describe('directory over the REST API', () => {
  let slapd: Slapd;
  let instance: TestInstance;
  let server: RunningHttpServer;
  const tokens: Record<string, string> = {};
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() as Record<string, unknown> };
  };

  before(async () => {
    slapd = await startSlapd();
    slapd.add(['oda', 'pia'].map((uid) => `dn: uid=${uid},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\nmail: ${uid}@example.test\n`).join('\n'));
    instance = await startInstance('sqlite', {
      MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_ESCROW_POOL_SIZE: '0',
      MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
    });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    for (const [name, role] of [['olga', 'officer'], ['aude', 'auditor']] as const) {
      tokens[name] = (await call(instance.adminToken, 'POST', '/operators', { name, role })).body.token as string;
    }
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    await slapd?.dispose();
  });

  test('dry run, sync, leaver confirmed, publish', async () => {
    assert.equal((await call(tokens.aude!, 'POST', '/directory/sync', {})).status, 403);
    const dry = await call(tokens.olga!, 'POST', '/directory/sync', { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual([dry.body.dryRun, dry.body.added], [true, 2]);
    const sync = await call(tokens.olga!, 'POST', '/directory/sync', {});
    assert.deepEqual([sync.body.dryRun, sync.body.added], [false, 2]);
    assert.equal((await call(tokens.olga!, 'POST', '/subscribers/pia@example.test/encryption-identities', {})).status, 201);
    const published = await call(instance.adminToken, 'POST', '/directory/publish');
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.deepEqual([published.body.valuesAdded, published.body.unavailable], [2, null]);
    assert.equal(slapd.values(`uid=pia,${PEOPLE}`, 'userCertificate;binary').length, 1);

    slapd.modify(`dn: uid=pia,${PEOPLE}\nchangetype: delete\n`);
    const again = await call(tokens.olga!, 'POST', '/directory/sync', {});
    assert.equal((again.body.leavers as unknown[]).length, 1);
    const leavers = await call(tokens.aude!, 'GET', '/directory/leavers');
    assert.deepEqual((leavers.body as unknown as { email: string; reason: string; handled: boolean }[]).map((l) => [l.email, l.reason, l.handled]),
      [['pia@example.test', 'vanished', false]]);
    const confirmed = await call(tokens.olga!, 'POST', '/directory/leavers/confirm', { emails: ['pia@example.test'] });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal((await call(tokens.olga!, 'GET', '/subscribers/pia@example.test')).body.status, 'disabled');
    const notLeaver = await call(tokens.olga!, 'POST', '/directory/leavers/confirm', { emails: ['oda@example.test'] });
    assert.deepEqual([notLeaver.status, notLeaver.body.code], [409, 'directory.not-a-leaver']);
  });

  test('an unreachable directory is a 503 problem', async () => {
    await slapd.stop();
    try {
      const sync = await call(tokens.olga!, 'POST', '/directory/sync', {});
      assert.equal(sync.status, 503);
      assert.equal(sync.type, 'application/problem+json; charset=utf-8');
      assert.equal(sync.body.code, 'directory.unavailable');
    } finally {
      await slapd.start();
    }
  });
});
