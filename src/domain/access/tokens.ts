/**
 * API tokens: 256 bits from the CSPRNG, shown once, stored only as a SHA-256 hash. A plain hash is
 * enough for 256-bit random secrets (no dictionary to search); lookups stay one indexed query.
 */
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'mcms_';

export function newApiToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}
