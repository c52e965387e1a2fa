/**
 * The tokens of enrollment links and over-the-air sessions: `<id>.<secret>`, the id (16 base32
 * characters, 80 bits) finding the record, the secret (192 bits, base64url) compared in constant time
 * against the SHA-256 kept instead of it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { base32 } from '../../lib/base32.js';

const TOKEN = /^([a-z2-7]{16})\.([A-Za-z0-9_-]{32})$/;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A fresh token with its record id and the hash to store. */
export function newToken(): { token: string; id: string; hash: string } {
  const id = base32(randomBytes(10));
  const token = `${id}.${randomBytes(24).toString('base64url')}`;
  return { token, id, hash: hashToken(token).toString('hex') };
}

/** The record id a presented token names, or null for anything that is not a token. */
export function tokenId(presented: string): string | null {
  return TOKEN.exec(presented)?.[1] ?? null;
}

/**
 * Whether `presented` is the token whose hash is `storedHash` (null when no record was found: the
 * comparison still runs, so a miss and a wrong secret take the same time).
 */
export function tokenMatches(presented: string, storedHash: string | null): boolean {
  const actual = hashToken(presented);
  const expected = storedHash ? Buffer.from(storedHash, 'hex') : Buffer.alloc(actual.length);
  return timingSafeEqual(actual, expected) && storedHash !== null;
}
