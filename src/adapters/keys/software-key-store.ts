/**
 * Key custody in software: key pairs are generated with node:crypto, the private key is sealed under
 * the master key (sealed-key.ts) before it is stored, and each key is opened at most once per process
 * into a KeyObject that signs from then on. RSA keys sign PKCS#1 v1.5 (e = 65537); EC keys sign ECDSA
 * with DER-encoded signatures, as X.509 and CMS expect.
 *
 * An HSM store (PKCS#11) would implement the same KeyStore port beside this one, keep the key in the
 * token and sign through it; the composition root would choose between them by configuration.
 */
import type { KeyObject } from 'node:crypto';
import { constants, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, randomUUID, sign } from 'node:crypto';
import { promisify } from 'node:util';
import type { HashName, KeyAlgorithm, KeyStore, SigningKey } from '../../domain/ca/index.js';
import { KEY_ALGORITHMS } from '../../domain/ca/index.js';
import type { Clock } from '../../lib/clock.js';
import { systemClock } from '../../lib/clock.js';
import type { KeyBlob, KeyBlobRepository } from './key-blob.js';
import { openSealedKey, sealPrivateKey } from './sealed-key.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const signAsync = promisify(sign);

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };

function newKeyPair(algorithm: KeyAlgorithm): Promise<KeyPair> {
  switch (algorithm) {
    case 'rsa-2048': return generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa-3072': return generateKeyPairAsync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
    case 'rsa-4096': return generateKeyPairAsync('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
    case 'p-256': return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    case 'p-384': return generateKeyPairAsync('ec', { namedCurve: 'P-384' });
  }
}

function isKeyAlgorithm(value: string): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(value);
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

function signingKey(id: string, algorithm: KeyAlgorithm, publicKey: Buffer, privateKey: KeyObject): SigningKey {
  return {
    id,
    algorithm,
    publicKey,
    sign: (data: Buffer, hash: HashName) => signAsync(hash, data, privateKey),
    // The raw RSA private operation (blinded by OpenSSL); PKCS#1 v1.5 unpadding with implicit
    // rejection is the caller's (lib/pki/cms), as it would be in front of an HSM's CKM_RSA_X_509.
    ...(algorithm.startsWith('rsa-')
      ? {
        rsaRawDecrypt: async (block: Buffer) => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block),
        // OAEP decryption is allowed on Node 20 (only PKCS#1 v1.5 padding is blocked, CVE-2023-46809).
        rsaOaepDecrypt: async (block: Buffer) =>
          privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, block),
      }
      : {}),
  };
}

export class SoftwareKeyStore implements KeyStore {
  private readonly masterKey: Buffer;
  private readonly blobs: KeyBlobRepository;
  private readonly clock: Clock;
  /** Opened keys by id; a promise, so concurrent first uses open a key once. */
  private readonly opened = new Map<string, Promise<SigningKey>>();

  constructor(options: { masterKey: Buffer; blobs: KeyBlobRepository; clock?: Clock }) {
    if (options.masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.masterKey = options.masterKey;
    this.blobs = options.blobs;
    this.clock = options.clock ?? systemClock;
  }

  async generate(input: { algorithm: KeyAlgorithm; label: string }): Promise<SigningKey> {
    if (!isKeyAlgorithm(input.algorithm)) throw new Error(`unknown key algorithm ${String(input.algorithm)}`);
    const id = randomUUID();
    const pair = await newKeyPair(input.algorithm);
    const publicKey = spkiOf(pair.publicKey);
    const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    let sealed: Buffer;
    try {
      sealed = sealPrivateKey(this.masterKey, { keyId: id, algorithm: input.algorithm }, pkcs8);
    } finally {
      pkcs8.fill(0);
    }
    await this.blobs.put({ id, label: input.label, algorithm: input.algorithm, publicKey, sealed, createdAt: this.clock.now() });
    const key = signingKey(id, input.algorithm, publicKey, pair.privateKey);
    this.opened.set(id, Promise.resolve(key));
    return key;
  }

  get(keyId: string): Promise<SigningKey> {
    let key = this.opened.get(keyId);
    if (!key) {
      key = this.open(keyId);
      this.opened.set(keyId, key);
      key.catch(() => this.opened.delete(keyId));
    }
    return key;
  }

  private async open(keyId: string): Promise<SigningKey> {
    const blob = await this.blobs.get(keyId);
    if (!blob) throw new Error(`no key ${keyId} in the key store`);
    const algorithm = blob.algorithm;
    if (!isKeyAlgorithm(algorithm)) throw new Error(`key ${keyId} has an unknown algorithm ${algorithm}`);
    const privateKey = this.unseal(blob, algorithm);
    const publicKey = spkiOf(createPublicKey(privateKey));
    if (!publicKey.equals(blob.publicKey)) throw new Error(`key ${keyId}: the stored public key does not match the private key`);
    return signingKey(keyId, algorithm, publicKey, privateKey);
  }

  private unseal(blob: KeyBlob, algorithm: KeyAlgorithm): KeyObject {
    const pkcs8 = openSealedKey(this.masterKey, { keyId: blob.id, algorithm }, blob.sealed);
    try {
      return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    } catch {
      throw new Error(`key ${blob.id} does not hold a PKCS#8 private key`);
    } finally {
      pkcs8.fill(0);
    }
  }
}
