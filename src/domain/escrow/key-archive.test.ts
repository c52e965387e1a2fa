import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { SoftwareKeyStore } from '../../adapters/keys/software-key-store.js';
import type { KeyBlob, KeyBlobRepository } from '../../adapters/keys/key-blob.js';
import type { EscrowRecord } from './model.js';
import { archivePrivateKey, openArchivedKey, unwrapDataKey, wrapDataKey } from './key-archive.js';

class MemoryBlobs implements KeyBlobRepository {
  readonly rows = new Map<string, KeyBlob>();
  async put(blob: KeyBlob) { this.rows.set(blob.id, blob); }
  async get(id: string) { return this.rows.get(id) ?? null; }
}

const keys = new SoftwareKeyStore({ masterKey: randomBytes(32), blobs: new MemoryBlobs() });
const kra = keys.generate({ algorithm: 'rsa-3072', label: 'kra' });
const otherKra = keys.generate({ algorithm: 'rsa-3072', label: 'other' });

async function archived(): Promise<{ record: EscrowRecord; privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'] }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const binding = { recordId: 'r1', subscriberId: 's1', certificateSerial: 'abc123' };
  const archive = archivePrivateKey(privateKey, binding, await kra);
  const record: EscrowRecord = {
    id: 'r1', subscriberId: 's1', certificateSerial: 'abc123', keyAlgorithm: 'rsa-2048', publicKeyHash: '', status: 'current',
    pastReason: null, ...archive, kraKeyId: (await kra).id, createdAt: new Date(0), retiredAt: null,
  };
  return { record, privateKey };
}

const tampered = { code: 'escrow.archive-tampered' };

test('an archived key opens with its KRA key to the same key', async () => {
  const { record, privateKey } = await archived();
  const opened = await openArchivedKey(record, await kra);
  assert.ok(createPublicKey(opened).equals(createPublicKey(privateKey)));
  assert.equal(record.wrappedKey.length, 384, 'RSA-3072 OAEP block');
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  for (let at = 0; at + 16 <= pkcs8.length; at += 16) assert.ok(!record.sealedKey.includes(pkcs8.subarray(at, at + 16)));
});

test('a record moved to another person, record id or serial fails authentication', async () => {
  const { record } = await archived();
  for (const moved of [{ subscriberId: 's2' }, { id: 'r2' }, { certificateSerial: 'abc124' }]) {
    await assert.rejects(openArchivedKey({ ...record, ...moved }, await kra), tampered);
  }
});

test('an edited sealed blob, an edited wrapped key or another KRA key fails authentication', async () => {
  const { record } = await archived();
  for (const at of [0, 5, 20, record.sealedKey.length - 1]) {
    const sealedKey = Buffer.from(record.sealedKey);
    sealedKey[at]! ^= 0x80;
    await assert.rejects(openArchivedKey({ ...record, sealedKey }, await kra), tampered);
  }
  const wrappedKey = Buffer.from(record.wrappedKey);
  wrappedKey[100]! ^= 1;
  await assert.rejects(openArchivedKey({ ...record, wrappedKey }, await kra), tampered);
  await assert.rejects(openArchivedKey(record, await otherKra), tampered);
});

test('re-wrapping moves the data key to another KRA key without touching the sealed key', async () => {
  const { record, privateKey } = await archived();
  const dataKey = await unwrapDataKey(record, await kra);
  const moved = { ...record, wrappedKey: wrapDataKey((await otherKra).publicKey, dataKey), kraKeyId: (await otherKra).id };
  dataKey.fill(0);
  assert.ok(createPublicKey(await openArchivedKey(moved, await otherKra)).equals(createPublicKey(privateKey)));
  await assert.rejects(openArchivedKey(moved, await kra), tampered);
});
