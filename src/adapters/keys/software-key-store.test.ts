import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { HashName, KeyAlgorithm } from '../../domain/ca/index.js';
import { KEY_ALGORITHMS } from '../../domain/ca/index.js';
import type { KeyBlob, KeyBlobRepository } from './key-blob.js';
import { openSealedKey } from './sealed-key.js';
import { SoftwareKeyStore } from './software-key-store.js';

class MemoryKeyBlobs implements KeyBlobRepository {
  readonly rows = new Map<string, KeyBlob>();
  gets = 0;
  async put(blob: KeyBlob): Promise<void> {
    if (this.rows.has(blob.id)) throw new Error('duplicate key id');
    this.rows.set(blob.id, { ...blob, publicKey: Buffer.from(blob.publicKey), sealed: Buffer.from(blob.sealed) });
  }
  async get(id: string): Promise<KeyBlob | null> {
    this.gets += 1;
    return this.rows.get(id) ?? null;
  }
}

const work = mkdtempSync(join(tmpdir(), 'mcms-keys-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function opensslVerifies(spki: Buffer, data: Buffer, signature: Buffer, hash: HashName): Promise<boolean> {
  const name = randomBytes(6).toString('hex');
  const files = { key: join(work, `${name}.pem`), data: join(work, `${name}.bin`), sig: join(work, `${name}.sig`) };
  writeFileSync(files.key, createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }));
  writeFileSync(files.data, data);
  writeFileSync(files.sig, signature);
  try {
    const { stdout } = await promisify(execFile)('openssl', ['dgst', `-${hash}`, '-verify', files.key, '-signature', files.sig, files.data]);
    return stdout.trim() === 'Verified OK';
  } catch {
    return false;
  }
}

const EXPECTED_KEY: Record<KeyAlgorithm, { type: string; detail: object }> = {
  'rsa-2048': { type: 'rsa', detail: { modulusLength: 2048, publicExponent: 65537n } },
  'rsa-3072': { type: 'rsa', detail: { modulusLength: 3072, publicExponent: 65537n } },
  'rsa-4096': { type: 'rsa', detail: { modulusLength: 4096, publicExponent: 65537n } },
  'p-256': { type: 'ec', detail: { namedCurve: 'prime256v1' } },
  'p-384': { type: 'ec', detail: { namedCurve: 'secp384r1' } },
};

describe('software key store', () => {
  const masterKey = randomBytes(32);
  const blobs = new MemoryKeyBlobs();
  const store = new SoftwareKeyStore({ masterKey, blobs });
  const generated = Promise.all(KEY_ALGORITHMS.map((algorithm) => store.generate({ algorithm, label: `test ${algorithm}` })));

  it('generates every algorithm with the expected key type and size', async () => {
    for (const key of await generated) {
      const publicKey = createPublicKey({ key: key.publicKey, format: 'der', type: 'spki' });
      assert.equal(publicKey.asymmetricKeyType, EXPECTED_KEY[key.algorithm].type, key.algorithm);
      assert.deepEqual(publicKey.asymmetricKeyDetails, EXPECTED_KEY[key.algorithm].detail, key.algorithm);
      const blob = blobs.rows.get(key.id)!;
      assert.equal(blob.algorithm, key.algorithm);
      assert.equal(blob.label, `test ${key.algorithm}`);
      assert.ok(blob.publicKey.equals(key.publicKey));
    }
  });

  it('signs so that node:crypto and openssl verify, for each algorithm', async () => {
    const data = randomBytes(1000);
    for (const key of await generated) {
      for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
        const signature = await key.sign(data, hash);
        const spki = createPublicKey({ key: key.publicKey, format: 'der', type: 'spki' });
        assert.ok(verify(hash, data, spki, signature), `${key.algorithm} ${hash} node:crypto`);
        assert.ok(!verify(hash, Buffer.concat([data, Buffer.from([0])]), spki, signature), 'another message does not verify');
        if (hash === 'sha256' || key.algorithm === 'p-384') {
          assert.ok(await opensslVerifies(key.publicKey, data, signature, hash), `${key.algorithm} ${hash} openssl`);
        }
      }
      if (key.algorithm.startsWith('p-')) {
        const signature = await key.sign(data, 'sha256');
        assert.equal(signature[0], 0x30, 'ECDSA signatures are DER SEQUENCEs');
      }
    }
  });

  it('seals the private key: no PKCS#8 bytes in the stored blob', async () => {
    for (const key of await generated) {
      const blob = blobs.rows.get(key.id)!;
      const pkcs8 = openSealedKey(masterKey, { keyId: key.id, algorithm: key.algorithm }, blob.sealed);
      assert.equal(createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }).toString('hex'), key.publicKey.toString('hex'));
      assert.equal(blob.sealed[0], 0x01, 'format version 1');
      assert.equal(blob.sealed.length, 1 + 12 + 16 + pkcs8.length);
      for (let at = 0; at + 16 <= pkcs8.length; at += 8) {
        assert.ok(!blob.sealed.includes(pkcs8.subarray(at, at + 16)), `PKCS#8 bytes ${at}..${at + 16} appear in the blob`);
      }
    }
  });

  it('uses a fresh nonce for every key', async () => {
    const nonces = (await generated).map((key) => blobs.rows.get(key.id)!.sealed.subarray(1, 13).toString('hex'));
    assert.equal(new Set(nonces).size, nonces.length);
  });

  it('opens a stored key once in a new store and signs with it', async () => {
    const [rsa] = await generated;
    const reopened = new SoftwareKeyStore({ masterKey, blobs });
    const before = blobs.gets;
    const [a, b] = await Promise.all([reopened.get(rsa!.id), reopened.get(rsa!.id)]);
    assert.equal(a, b);
    assert.equal(await reopened.get(rsa!.id), a);
    assert.equal(blobs.gets - before, 1, 'loaded and opened once, then cached');
    assert.ok(a!.publicKey.equals(rsa!.publicKey));
    const data = Buffer.from('to be signed');
    assert.ok(verify('sha256', data, createPublicKey({ key: a!.publicKey, format: 'der', type: 'spki' }), await a!.sign(data, 'sha256')));
  });

  it('decrypts RSA-OAEP-SHA256 blocks made with the public key (escrow data keys); EC keys cannot', async () => {
    for (const key of await generated) {
      if (!key.algorithm.startsWith('rsa-')) {
        assert.equal(key.rsaOaepDecrypt, undefined);
        continue;
      }
      const secret = randomBytes(32);
      const block = publicEncrypt({ key: createPublicKey({ key: key.publicKey, format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
      assert.ok((await key.rsaOaepDecrypt!(block)).equals(secret), key.algorithm);
      const sha1Block = publicEncrypt({ key: createPublicKey({ key: key.publicKey, format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING }, secret);
      await assert.rejects(key.rsaOaepDecrypt!(sha1Block), 'OAEP with SHA-1 is not accepted as SHA-256');
    }
  });
  it('refuses an unknown key id', async () => {
    await assert.rejects(store.get('no-such-key'), /no key no-such-key/);
  });

  it('with another master key, fails with a clear error and no key bytes', async () => {
    const [, , , ec] = await generated;
    const other = new SoftwareKeyStore({ masterKey: randomBytes(32), blobs });
    await assert.rejects(other.get(ec!.id), (error: Error) => {
      assert.equal(error.message, `the master key does not open key ${ec!.id}: wrong MCMS_MASTER_KEY or master.key?`);
      const sealed = blobs.rows.get(ec!.id)!.sealed;
      assert.ok(!error.message.includes(sealed.toString('hex').slice(0, 16)));
      return true;
    });
    await assert.rejects(other.get(ec!.id), /does not open key/, 'a failure is not cached as success');
  });

  it('refuses a blob moved to another key id or relabelled as another algorithm', async () => {
    const [rsa, , , ec] = await generated;
    const tampered = new MemoryKeyBlobs();
    const original = blobs.rows.get(ec!.id)!;
    await tampered.put({ ...original, id: rsa!.id });
    await tampered.put({ ...original, id: 'relabelled', algorithm: 'p-384' });
    const victim = new SoftwareKeyStore({ masterKey, blobs: tampered });
    await assert.rejects(victim.get(rsa!.id), /does not open key/);
    await assert.rejects(victim.get('relabelled'), /does not open key/);
  });

  it('refuses a blob in an unknown format', async () => {
    const [key] = await generated;
    const tampered = new MemoryKeyBlobs();
    const original = blobs.rows.get(key!.id)!;
    await tampered.put({ ...original, sealed: Buffer.concat([Buffer.from([0x02]), original.sealed.subarray(1)]) });
    await assert.rejects(new SoftwareKeyStore({ masterKey, blobs: tampered }).get(key!.id), /not sealed in a format/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    assert.throws(() => new SoftwareKeyStore({ masterKey: randomBytes(16), blobs }), /32 bytes/);
  });
});
