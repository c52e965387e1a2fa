/**
 * RSAES-PKCS1-v1_5 decoding of a key-transport block (RFC 8017 §7.2.2 step 3: EM = 0x00 || 0x02 ||
 * PS || 0x00 || M, PS at least eight non-zero octets) with implicit rejection (RFC 3218 §2.3.2,
 * RFC 5652 §6.2.1 Bleichenbacher note): when the block is not a valid encoding of a key of the
 * expected length, a random key of that length is returned instead and the caller carries on, so
 * a bad request fails later, in content decryption, like any other. There is no branch, early exit
 * or index that depends on the block's content: every octet is visited and the result is picked
 * with masks. (A JIT cannot promise constant time, but nothing here leaks where the padding broke.)
 * Node 20's privateDecrypt with RSA_PKCS1_PADDING throws (CVE-2023-46809), hence this.
 */
import { randomBytes } from 'node:crypto';

/** 1 when a === b, else 0; for non-negative integers below 2^31. */
function equalBit(a: number, b: number): number {
  const difference = a ^ b;
  return ((difference | -difference) >>> 31) ^ 1;
}

/** 1 when a >= b, else 0; for non-negative integers below 2^30. */
function atLeastBit(a: number, b: number): number {
  return ((a - b) >>> 31) ^ 1;
}

/** a when bit is 1, b when it is 0. */
function selectInt(bit: number, a: number, b: number): number {
  return (-bit & a) | ((bit - 1) & b);
}

export interface UnpadOptions {
  /** The key to return on rejection; a fresh random one when absent (tests pass their own). */
  fallback?: Buffer;
}

/**
 * The message M of a decrypted block, when it is a valid PKCS#1 v1.5 type 2 encoding of exactly
 * `keyLength` octets; otherwise `fallback` (random). Never throws for any block.
 */
export function rsaPkcs1Unpad(block: Buffer, keyLength: number, options: UnpadOptions = {}): Buffer {
  if (!Number.isSafeInteger(keyLength) || keyLength < 1 || keyLength > 512) throw new RangeError('keyLength must be 1–512 octets');
  const fallback = options.fallback ?? randomBytes(keyLength);
  if (fallback.length !== keyLength) throw new RangeError('fallback must be keyLength octets long');
  // The block's length is public (it is the modulus length); a block too short for any valid
  // encoding is copied right-aligned into one long enough, and rejected by `lengthOk`.
  const size = Math.max(block.length, keyLength + 11);
  const em = Buffer.alloc(size);
  block.copy(em, size - block.length);
  const lengthOk = block.length >= keyLength + 11 ? 1 : 0;

  let good = equalBit(em[0]!, 0) & equalBit(em[1]!, 2) & lengthOk;
  let looking = 1;
  let separator = 0;
  for (let i = 2; i < size; i++) {
    const isZero = equalBit(em[i]!, 0);
    separator = selectInt(looking & isZero, i, separator);
    looking &= isZero ^ 1;
  }
  good &= looking ^ 1; // a zero separator exists
  good &= atLeastBit(separator, 10); // PS is at least 8 octets (indices 2..9)
  good &= equalBit(size - separator - 1, keyLength);

  const mask = -good & 0xff;
  const key = Buffer.allocUnsafe(keyLength);
  const offset = size - keyLength;
  for (let j = 0; j < keyLength; j++) key[j] = (em[offset + j]! & mask) | (fallback[j]! & ~mask & 0xff);
  return key;
}
