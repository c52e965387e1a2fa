/**
 * The pluggable challenge validators besides one-time: the webhook (an HMAC-signed POST to a real HTTP
 * service, allow/deny, time-out, failing closed) and the static lab challenge (with its start-up
 * warning), each exercised through the SCEP endpoint with a simulated device.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { certificationRequest, newScepDevice, pkiMessage, readCertRep } from '../support/scep-device.js';
import { startScepServer } from '../support/scep-server.js';

const SECRET = 'webhook-secret-0123456789';

const scepServer = (env: Record<string, string>) => startScepServer('sqlite', 'quinn@example.test', env);

async function enroll(url: string, ra: Buffer, challenge: string, emails: string[] = []) {
  const device = await newScepDevice(challenge);
  if (emails.length > 0) device.csr = certificationRequest({ privateKey: device.party.privateKey, publicKey: device.party.publicKey }, 'device', challenge, emails);
  const response = await fetch(`${url}/scep?operation=PKIOperation`, { method: 'POST', body: await pkiMessage(device, ra) });
  return readCertRep(device, Buffer.from(await response.arrayBuffer()));
}

describe('webhook challenge validator', () => {
  let hook: Server;
  let hookUrl: string;
  const seen: { signatureOk: boolean; body: Record<string, unknown> }[] = [];
  let mcms: Awaited<ReturnType<typeof scepServer>>;

  before(async () => {
    hook = createServer((request, response) => {
      let body = '';
      request.on('data', (c: Buffer) => { body += c.toString(); });
      request.on('end', () => {
        const timestamp = String(request.headers['x-mcms-timestamp']);
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
        const given = Buffer.from(String(request.headers['x-mcms-signature']));
        const parsed = JSON.parse(body) as { challenge: string };
        seen.push({ signatureOk: given.length === expected.length && timingSafeEqual(given, expected), body: parsed as Record<string, unknown> });
        const answer = (status: number, json: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (parsed.challenge === 'allow-quinn') return answer(200, { allow: true, subscriber: 'quinn@example.test' });
        if (parsed.challenge === 'deny') return answer(200, { allow: false, reason: 'not today' });
        if (parsed.challenge === 'error') return answer(500, { allow: true, subscriber: 'quinn@example.test' });
        if (parsed.challenge === 'garbage') return response.end('<html>');
        if (parsed.challenge === 'slow') return void setTimeout(() => answer(200, { allow: true, subscriber: 'quinn@example.test' }), 6000).unref();
        return answer(200, { allow: true });
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/scep-challenge`;
    mcms = await scepServer({ MCMS_SCEP_VALIDATOR: 'webhook', MCMS_SCEP_WEBHOOK_URL: hookUrl, MCMS_SCEP_WEBHOOK_SECRET: SECRET, MCMS_SCEP_WEBHOOK_TIMEOUT_MS: '2000' });
  });
  after(async () => {
    await mcms?.close();
    hook?.close();
  });

  test('an allowed challenge enrolls the person the service names, over a signed request', async () => {
    const rep = await enroll(mcms.server.url, mcms.ra, 'allow-quinn');
    assert.equal(rep.status, 'SUCCESS');
    const last = seen[seen.length - 1]!;
    assert.equal(last.signatureOk, true);
    assert.equal(last.body.profile, 'smime-signing');
    assert.match(String(last.body.csr), /^-----BEGIN CERTIFICATE REQUEST-----/);
  });

  test('deny, an error status, garbage, a time-out and an answer without a person all refuse (fail closed)', async () => {
    for (const challenge of ['deny', 'error', 'garbage', 'slow', 'no-person']) {
      const rep = await enroll(mcms.server.url, mcms.ra, challenge);
      assert.deepEqual([rep.status, rep.failInfo], ['FAILURE', '2'], challenge);
    }
  });
});

describe('static challenge validator (labs)', () => {
  let mcms: Awaited<ReturnType<typeof scepServer>>;
  before(async () => {
    mcms = await scepServer({ MCMS_SCEP_VALIDATOR: 'static', MCMS_SCEP_STATIC_SMIME_SIGNING: 'lab-secret-123' });
  });
  after(async () => {
    await mcms?.close();
  });

  test('warns at start that anyone who knows it can enroll', () => {
    assert.ok(mcms.instance.mcms.settings.warnings.some((w) => /static challenge for smime-signing/.test(w)));
  });

  test('the right secret enrolls the mailbox the request names, if mcms knows it; anything else is refused', async () => {
    assert.equal((await enroll(mcms.server.url, mcms.ra, 'lab-secret-123', ['quinn@example.test'])).status, 'SUCCESS');
    assert.equal((await enroll(mcms.server.url, mcms.ra, 'lab-secret-123', ['stranger@example.test'])).status, 'FAILURE');
    assert.equal((await enroll(mcms.server.url, mcms.ra, 'lab-secret-123')).status, 'FAILURE');
    assert.equal((await enroll(mcms.server.url, mcms.ra, 'wrong-secret', ['quinn@example.test'])).status, 'FAILURE');
  });
});
