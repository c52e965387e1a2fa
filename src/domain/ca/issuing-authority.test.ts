import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { openStore } from '../../adapters/db/open-store.js';
import type { Store } from '../../adapters/db/store.js';
import { SoftwareKeyStore } from '../../adapters/keys/software-key-store.js';
import { FixedClock } from '../../lib/clock.js';
import { describePublicKey, readCertificate } from '../../lib/pki/index.js';
import { ProfileCatalog } from '../policy/index.js';
import { initializeHierarchy } from './initialize-hierarchy.js';
import { IssuingAuthority } from './issuing-authority.js';

const clock = new FixedClock(new Date('2026-03-01T12:00:00Z'));
const actor = { kind: 'system', id: 'test', name: 'test' } as const;
const settings = {
  keyAlgorithm: 'p-256', rootName: 'Test Root', issuingName: 'Test Issuing', rootValidityDays: 3650, issuingValidityDays: 1825,
  serviceValidityDays: 365, ocspSignerValidityDays: 90, baseUrl: 'http://ca.example.test/',
} as const;
let store: Store;
let authority: IssuingAuthority;

before(async () => {
  store = await openStore({ url: 'sqlite::memory:' });
  const keys = new SoftwareKeyStore({ masterKey: Buffer.alloc(32, 7), blobs: store.keyBlobs });
  const first = await initializeHierarchy({ uow: store, keys, clock }, actor, settings);
  assert.equal(first.created, true);
  const again = await initializeHierarchy({ uow: store, keys, clock }, actor, settings);
  assert.equal(again.created, false, 'init is idempotent');
  assert.deepEqual(again.identities.map((i) => i.id).sort(), first.identities.map((i) => i.id).sort());
  authority = await IssuingAuthority.load({ identities: store.read.identities, keys }, { baseUrl: settings.baseUrl });
});
after(() => store.close());

function request(validityDays = 365) {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const profile = new ProfileCatalog({
    'smime-signing': { generation: 'strict', validityDays }, 'smime-encryption': { generation: 'strict', validityDays: 730 },
    'smime-dual': { generation: 'strict', validityDays: 365 }, 'device-auth': { generation: 'multipurpose', validityDays: 365 },
  }, 'mailbox').get('smime-signing');
  return { profile, subject: [{ type: 'CN' as const, value: 'a@example.test' }], emails: ['a@example.test'], subjectPublicKeyInfo: spki, publicKey: describePublicKey(spki), now: clock.now() };
}

test('validity runs from a minute before now for exactly the profile days, inclusive of the last second', async () => {
  const issued = await authority.issue(authority.prepare(request(825)));
  const fields = readCertificate(issued.der);
  assert.equal(fields.notBefore.toISOString(), '2026-03-01T11:59:00.000Z');
  assert.equal(fields.notAfter.getTime() - fields.notBefore.getTime() + 1000, 825 * 86_400_000);
});

test('a prepared certificate is issued once only', async () => {
  const prepared = authority.prepare(request());
  await authority.issue(prepared);
  await assert.rejects(authority.issue(prepared), { code: 'ca.already-issued' });
});

test('each preparation draws a new positive 128-bit serial', () => {
  const serials = new Set(Array.from({ length: 200 }, () => authority.prepare(request()).serial));
  assert.equal(serials.size, 200);
  for (const s of serials) assert.ok(s.length < 32 || parseInt(s[0]!, 16) < 8, `serial ${s} fits a positive 128-bit INTEGER`);
});

test('the certificate carries the issuing CA as issuer, with URLs under the base URL', async () => {
  const issued = await authority.issue(authority.prepare(request()));
  const fields = readCertificate(issued.der);
  assert.deepEqual(fields.issuer, readCertificate(authority.certificate()).subject);
  assert.match(issued.der.toString('latin1'), /http:\/\/ca\.example\.test\/crl\/issuing\.crl/);
  assert.equal(issued.issuerId, 'issuing');
});
