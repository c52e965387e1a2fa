/**
 * The app against a stand-in Mcms, through fastify's inject: the failure paths a real instance cannot
 * easily be driven into (a store that breaks, a CA that is down). test/e2e covers the real thing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Principal } from '../../domain/access/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Mcms } from '../services.js';
import { buildHttpApp } from './app.js';

const admin: Principal = { actor: { kind: 'operator', id: 'op-1', name: 'root-op' }, role: 'admin', operatorId: 'op-1' };

function standIn(): Mcms {
  const partial = {
    settings: { baseUrl: 'http://mcms.test', host: '127.0.0.1', port: 0, dataDir: '/nonexistent', database: 'sqlite', bodyLimit: 4096, trustProxy: false, logLevel: 'info', warnings: [], workers: 1 },
    clock: { now: () => new Date('2030-01-01T00:00:00Z') },
    authenticate: async (token: string | undefined) => {
      if (token === 'mcms_good') return admin;
      throw new DomainError(token ? 'auth.invalid-token' : 'auth.missing-token', 'no');
    },
    subscribers: {
      list: async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed (/var/lib/mcms/secret.db)');
      },
    },
    health: async () => ({ ok: false, database: true, ca: false }),
  };
  return partial as unknown as Mcms;
}

async function appWithLog() {
  const lines: string[] = [];
  const app = await buildHttpApp(standIn(), { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
  return { app, lines };
}

test('an unexpected error is a bare 500 problem; the details go to the log only', async () => {
  const { app, lines } = await appWithLog();
  const response = await app.inject({ url: '/api/v1/subscribers', headers: { authorization: 'Bearer mcms_good' } });
  assert.equal(response.statusCode, 500);
  assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  const body = response.json<Record<string, unknown>>();
  assert.equal(body.code, 'internal');
  assert.equal(body.detail, 'internal error');
  assert.doesNotMatch(response.body, /SQLITE|secret|Error|\bat /);
  const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const failure = logged.find((l) => l.msg === 'request failed');
  assert.ok(failure, 'the failure is logged');
  assert.match(JSON.stringify(failure.err), /SQLITE_CORRUPT/);
  assert.equal(failure.reqId, response.headers['x-request-id']);
  const access = logged.filter((l) => l.msg === 'request');
  assert.equal(access.length, 1);
  assert.deepEqual({ ...access[0], time: 0, pid: 0, hostname: '', durationMs: 0 }, {
    level: 30, time: 0, pid: 0, hostname: '', component: 'http', reqId: response.headers['x-request-id'],
    method: 'GET', route: '/api/v1/subscribers', status: 500, durationMs: 0, operator: 'root-op', msg: 'request',
  });
  await app.close();
});

test('health is 503 "degraded" when the CA is unavailable', async () => {
  const { app } = await appWithLog();
  const response = await app.inject({ url: '/healthz' });
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'degraded', database: true, ca: false });
  await app.close();
});

test('the body limit comes from the settings; the token is checked before the body is read', async () => {
  const { app } = await appWithLog();
  const big = JSON.stringify({ email: 'a@b.test', name: 'x'.repeat(5000) });
  const tooLarge = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: { authorization: 'Bearer mcms_good', 'content-type': 'application/json' }, payload: big });
  assert.equal(tooLarge.statusCode, 413);
  assert.equal(tooLarge.json<{ code: string }>().code, 'request.too-large');
  const anonymous = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: { 'content-type': 'application/json' }, payload: big });
  assert.equal(anonymous.statusCode, 401);
  assert.equal(anonymous.headers['www-authenticate'], 'Bearer realm="mcms"');
  await app.close();
});
