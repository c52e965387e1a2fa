/**
 * Stable payload identities (CommonPayloadKeys.yaml: a replacement profile updates the payloads whose
 * PayloadIdentifier and PayloadUUID are unchanged). UUIDs are name-based (RFC 4122 §4.3, SHA-1,
 * version 5) in an mcms namespace, upper case as Apple's schema examples write them, so the same
 * person, device and certificate always give the same UUID and a re-delivery updates, not duplicates.
 */
import { createHash } from 'node:crypto';

/** The mcms namespace for name-based UUIDs (itself a random v4 UUID, fixed forever). */
const MCMS_NAMESPACE = Buffer.from('5b0d7c0e9a6f4f3c8c1e2d7a4b9e6f10', 'hex');

export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(MCMS_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reverse-DNS prefix from a base URL: `https://pki.example.com/x` → `com.example.pki.mcms`. */
export function identifierPrefixFor(baseUrl: string): string {
  const host = new URL(baseUrl).hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  const labels = host.split('.').filter(Boolean).reverse();
  return [...(labels.length > 0 ? labels : ['localhost']), 'mcms'].join('.');
}

/** The top-level PayloadIdentifier of a person's profile on one device: stable, so a new profile replaces the old. */
export function profileIdentifier(prefix: string, subscriberId: string, deviceId: string): string {
  return `${prefix}.smime.${subscriberId}.${deviceId}`;
}
