/**
 * Over-the-air enrollment (Apple Profile Service, phases 1–3) with the device played by the test: a
 * test "device CA" stands in for Apple's (pinned through delivery.ota.deviceCaFile) and issues the
 * device's built-in identity (RSA-1024, SHA-1, as iPhones have); openssl signs the device's
 * attributes; micromdm's scepclient gets the device identity in phase 2; the final profile is
 * encrypted to that identity and opens with its key. Refused: a forged signature, a device
 * certificate from another CA, a replayed challenge, an unknown challenge, garbage, and a phase-3
 * request signed by a certificate mcms did not issue.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { readPlist, writePlist } from '../../src/lib/plist/index.js';
import { toPem } from '../../src/lib/pki/index.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import { checkMobileconfig, plistutilParses, verifyProfileSignature } from '../support/profile-schema.js';
import { scepclient } from '../support/scep-clients.js';

/** A CA and a leaf it signs, made by openssl in `dir`. */
function testCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}-ca.key`);
  const cert = join(dir, `${name}-ca.pem`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', `/C=US/O=${name}/OU=${name} iPhone/CN=${name} iPhone Device CA`]);
  return { cert, key };
}

function leaf(dir: string, ca: { cert: string; key: string }, name: string, bits = 1024): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-new', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '365', '-sha1']);
  return { cert, key };
}

/** What a device posts: its attributes as an XML plist, in an attached CMS SignedData (DER). */
function deviceMessage(dir: string, signer: { cert: string; key: string }, attributes: Record<string, string>, name = 'message'): Buffer {
  const input = join(dir, `${name}.plist`);
  const out = join(dir, `${name}.p7s`);
  writeFileSync(input, writePlist(attributes));
  openssl(['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-in', input, '-out', out, '-signer', signer.cert, '-inkey', signer.key, '-md', 'sha256']);
  return readFileSync(out);
}

for (const { dialect, skip } of dialects) {
  describe(`over-the-air enrollment (${dialect})`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    let rootPem: string;
    const dir = tempDir('mcms-ota-');
    const deviceCa = testCa(dir.path, 'Pinned');
    const device = leaf(dir.path, deviceCa, 'iphone-built-in');
    const post = async (body: Buffer) => {
      const response = await fetch(`${server.url}/enroll/ota`, { method: 'POST', headers: { 'content-type': 'application/pkcs7-signature' }, body });
      return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
    };
    /** A link, its page (which must offer OTA), and the Profile Service profile; returns its challenge. */
    const startSession = async (email: string) => {
      const { url } = await instance.mcms.delivery.invite(instance.mcms.localPrincipal(), { subscriber: email });
      const path = new URL(url).pathname;
      assert.match(await (await fetch(`${server.url}${path}`)).text(), new RegExp(`action="${path.replace(/\./g, '\\.')}/profile-service"`));
      const response = await fetch(`${server.url}${path}/profile-service`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-apple-aspen-config');
      const { xml } = verifyProfileSignature(dir.path, Buffer.from(await response.arrayBuffer()), rootPem);
      plistutilParses(dir.path, xml, 'profile-service');
      const service = readPlist(xml) as Record<string, unknown>;
      assert.equal(service.PayloadType, 'Profile Service');
      assert.equal(service.PayloadVersion, 1);
      const content = service.PayloadContent as { URL: string; DeviceAttributes: string[]; Challenge: string };
      assert.equal(content.URL, 'https://pki.example.test/enroll/ota');
      assert.ok(content.DeviceAttributes.includes('UDID'));
      return content.Challenge;
    };

    before(async () => {
      instance = await startInstance(dialect, {
        MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_BASE_URL: 'https://pki.example.test', MCMS_CA_ORGANIZATION: 'Example Org',
        MCMS_DELIVERY_OTA_ENABLED: 'true', MCMS_DELIVERY_OTA_DEVICE_CA_FILE: deviceCa.cert,
      });
      server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
      const { chain } = await instance.mcms.ca.show(instance.mcms.localPrincipal());
      rootPem = toPem('CERTIFICATE', chain[chain.length - 1]!);
      for (const email of ['lee@example.test', 'max@example.test']) await instance.mcms.subscribers.add(instance.mcms.localPrincipal(), { email });
    });
    after(async () => {
      await server?.close();
      await instance?.dispose();
      dir.remove();
    });

    test('phases 1–3: attested device, device identity over SCEP, the profile encrypted to it', async () => {
      const challenge = await startSession('lee@example.test');
      const phase1 = deviceMessage(dir.path, device, { UDID: '00008110-000A1B2C3D4E5F60', VERSION: '21F90', PRODUCT: 'iPhone15,2', CHALLENGE: challenge });
      const answer = await post(phase1);
      assert.equal(answer.status, 200, answer.body.toString());
      const identityProfile = checkMobileconfig(answer.body, { dir: dir.path, rootPem });
      const [scep] = identityProfile.ofType('com.apple.security.scep');
      const content = scep!.PayloadContent as Record<string, unknown>;
      assert.equal(content['Key Usage'], 5);
      assert.equal(content.URL, 'https://pki.example.test/scep/smime-dual');

      const replay = await post(phase1);
      assert.equal(replay.status, 403, 'a replayed challenge is refused');
      assert.equal(replay.body.toString(), 'refused');
      await assert.rejects(instance.mcms.delivery.ota.request(phase1), /used already/);

      const scepDir = join(dir.path, 'device-scep');
      const run = await scepclient(scepDir, `${server.url}${new URL(String(content.URL)).pathname}`, { challenge: String(content.Challenge), cn: 'device identity' });
      assert.equal(run.status, 0, run.output);
      const identity = { cert: join(scepDir, 'cert.pem'), key: join(scepDir, 'key.pem') };

      const phase3 = await post(deviceMessage(dir.path, identity, { UDID: '00008110-000A1B2C3D4E5F60', VERSION: '21F90', PRODUCT: 'iPhone15,2' }, 'phase3'));
      assert.equal(phase3.status, 200, phase3.body.toString());
      const profile = checkMobileconfig(phase3.body, {
        dir: dir.path, rootPem, recipient: { keyPem: readFileSync(identity.key, 'utf8'), certificatePem: readFileSync(identity.cert, 'utf8') },
      });
      assert.equal(profile.top.IsEncrypted, true);
      assert.ok(profile.top.PayloadExpirationDate instanceof Date, 'an OTA profile expires, and the device asks again');
      assert.equal(profile.ofType('com.apple.security.pkcs12').length, 1);
      assert.equal(profile.ofType('com.apple.security.scep').length, 1);
    });

    test('refused: a forged signature, a device CA that is not pinned, an unknown challenge, garbage', async () => {
      const challenge = await startSession('max@example.test');
      const genuine = deviceMessage(dir.path, device, { UDID: 'forge-test', CHALLENGE: challenge }, 'genuine');
      const forged = Buffer.from(genuine);
      forged[forged.length - 5]! ^= 0x01; // inside the signature value, the last field of the SignerInfo
      assert.equal((await post(forged)).status, 403, 'forged signature');
      const stranger = leaf(dir.path, testCa(dir.path, 'Stranger'), 'not-an-iphone');
      const unknown = deviceMessage(dir.path, device, { UDID: 'x', CHALLENGE: `${challenge.slice(0, 17)}${'A'.repeat(32)}` }, 'unknown');
      const cases: [Buffer, RegExp][] = [
        [forged, /signature does not verify/],
        [deviceMessage(dir.path, stranger, { UDID: 'x', CHALLENGE: challenge }, 'stranger'), /neither the device CA nor mcms/],
        [unknown, /unknown challenge/],
        [Buffer.from('not a CMS message'), /refused: /],
        [deviceMessage(dir.path, device, { UDID: 'x' }, 'no-challenge'), /CHALLENGE and UDID are required/],
      ];
      for (const [body, reason] of cases) {
        assert.equal((await post(body)).status, 403);
        await assert.rejects(instance.mcms.delivery.ota.request(body), (error: Error & { code?: string }) => error.code === 'delivery.ota-refused' && reason.test(error.message));
      }
      assert.equal((await post(genuine)).status, 200, 'the genuine message still works after the refusals');
    });

    test('refused: a phase-3 request signed by a certificate mcms did not issue', async () => {
      const foreignCa = testCa(dir.path, 'Foreign');
      const foreign = leaf(dir.path, foreignCa, 'foreign-identity', 2048);
      const message = deviceMessage(dir.path, foreign, { UDID: '00008110-000A1B2C3D4E5F60' }, 'foreign');
      const answer = await post(message);
      assert.equal(answer.status, 403);
      await assert.rejects(instance.mcms.delivery.ota.request(message), /neither the device CA nor mcms issued/);
      assert.notEqual(answer.type, 'application/x-apple-aspen-config');
    });
  });
}
