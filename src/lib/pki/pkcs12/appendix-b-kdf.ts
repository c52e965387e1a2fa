/**
 * The PKCS #12 key derivation function of RFC 7292 Appendix B.2, on node:crypto hashes: it makes the
 * keys and IVs of the Appendix C PBE algorithms (IDs 1 and 2) and the MAC key of §5 / Appendix B.3
 * (ID 3, also with SHA-2 as OpenSSL 3 does). Intermediate values are zeroed before they are dropped.
 */
import { hash } from 'node:crypto';

export type Pkcs12Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Appendix B.2 ID byte: what the derived material is for. */
export const kdfPurpose = { key: 1, iv: 2, mac: 3 } as const;
export type KdfPurpose = (typeof kdfPurpose)[keyof typeof kdfPurpose];

/** u (output octets) and v (block octets) of each hash, Appendix B.2. */
export const hashSizes: Record<Pkcs12Hash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

export interface AppendixBInput {
  hash: Pkcs12Hash;
  /** The password as bmpPassword() gives it (BMPString and two zero octets). */
  password: Buffer;
  salt: Buffer;
  purpose: KdfPurpose;
  iterations: number;
  /** n, the number of octets wanted. */
  length: number;
}

/** Steps 2–4: `data` repeated to fill the smallest multiple of v octets that holds it (empty stays empty). */
function repeatToBlocks(data: Buffer, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

/** Step 6C: every v-octet block I_j of I becomes (I_j + B + 1) mod 2^8v, B being A_i repeated to v octets. */
function addToEachBlock(i: Buffer, a: Buffer, v: number): void {
  for (let start = 0; start < i.length; start += v) {
    let carry = 1;
    for (let k = v - 1; k >= 0; k--) {
      const sum = i[start + k]! + a[k % a.length]! + carry;
      i[start + k] = sum & 0xff;
      carry = sum >>> 8;
    }
  }
}

/** Step 6A: A_i = H^r(D || I). */
function iteratedHash(algorithm: Pkcs12Hash, d: Buffer, i: Buffer, iterations: number): Buffer {
  const first = Buffer.concat([d, i]);
  let a = hash(algorithm, first, 'buffer');
  first.fill(0);
  for (let round = 1; round < iterations; round++) {
    const next = hash(algorithm, a, 'buffer');
    a.fill(0);
    a = next;
  }
  return a;
}

/** RFC 7292 Appendix B.2: `length` octets of keying material. Zero the result after use. */
export function deriveAppendixB(input: AppendixBInput): Buffer {
  const { u, v } = hashSizes[input.hash];
  const d = Buffer.alloc(v, input.purpose);
  const s = repeatToBlocks(input.salt, v);
  const p = repeatToBlocks(input.password, v);
  const i = Buffer.concat([s, p]);
  p.fill(0);
  const out = Buffer.alloc(input.length);
  for (let block = 0; block * u < input.length; block++) {
    const a = iteratedHash(input.hash, d, i, input.iterations);
    a.copy(out, block * u, 0, Math.min(u, input.length - block * u));
    if ((block + 1) * u < input.length) addToEachBlock(i, a, v);
    a.fill(0);
  }
  i.fill(0);
  return out;
}
