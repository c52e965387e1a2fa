/**
 * The OCSP responder (RFC 6960; RFC 5019/9919 lightweight profile; S/MIME BR §4.9.9, §4.10): answers
 * for every CA we run, for CertIDs hashed with SHA-1 or SHA-256; `unknown` for a serial the CA never
 * issued (never `good`); `unauthorized` for a CA that is not ours; `malformedRequest` for anything that
 * is not a well-formed request, including a nonce outside RFC 9654's 1..128 octets. A nonce is echoed.
 *
 * Nonce-less single requests are answered from responses signed ahead and kept per request (the
 * request's DER is the key: an RFC 5019 client sends the same octets for a certificate every time, so
 * a repeated request is answered without being parsed). Every answer from the cache is preceded by a
 * read of the revocation log's newest seq (one index probe): when it moved, whatever was revoked since
 * is dropped from the cache first, so a revocation made by any process or node is answered at once.
 * Where the store can read that seq synchronously (`latestSeqNow`, SQLite), `cachedAnswer` answers a
 * repeated request without leaving the caller's turn of the event loop. Cached responses are re-signed
 * after half their validity.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Extension, OcspCertId, OcspCertStatus, OcspRequest } from '../../lib/pki/index.js';
import {
  PkiError, encodeOcspResponse, encodeResponseData, encodeSingleResponse, nonceExtension, ocspErrorResponse, readOcspRequest,
} from '../../lib/pki/index.js';
import type { StatusAuthority } from '../ca/index.js';
import { reasonCodeOf } from './model.js';
import type { RevocationRepository } from './ports.js';

const HOUR_MS = 3_600_000;
/** Lists longer than this are refused as malformed (RFC 5019 clients send one CertID). */
const MAX_CERT_IDS = 16;
/** Signed answers kept per worker (about 1.3 KB each with the responder certificate): some 65 MB at most. */
const MAX_CACHED = 50_000;

export interface OcspSettings {
  /** nextUpdate − thisUpdate (S/MIME BR §4.9.10: 8 hours to 10 days). */
  validityMs: number;
}

export const DEFAULT_OCSP_SETTINGS: OcspSettings = { validityMs: 24 * HOUR_MS };

export interface OcspDeps {
  revocations: Pick<RevocationRepository, 'latestSeq' | 'revokedSince' | 'status'>;
  /**
   * The revocation log's newest seq read synchronously, where the store can (SQLite: a few µs);
   * undefined when it cannot be read just now (then `latestSeq` is asked).
   */
  latestSeqNow?: (() => number | undefined) | undefined;
  clock: Clock;
  authorities(): Promise<StatusAuthority[]>;
  settings: OcspSettings;
}

export interface OcspAnswer {
  der: Buffer;
  status: 'successful' | 'malformedRequest' | 'unauthorized' | 'internalError';
  /** For caching headers: present on successful nonce-less answers. */
  cache: { producedAt: Date; nextUpdate: Date; etag: string } | null;
}

interface Cached {
  answer: OcspAnswer;
  serial: string;
  refreshAt: number;
}

const malformedAnswer: OcspAnswer = { der: ocspErrorResponse('malformedRequest'), status: 'malformedRequest', cache: null };
const unauthorizedAnswer: OcspAnswer = { der: ocspErrorResponse('unauthorized'), status: 'unauthorized', cache: null };

export class OcspResponder {
  private readonly cache = new Map<string, Cached>();
  private readonly bySerial = new Map<string, Set<string>>();
  private seenSeq = -1;
  private index: Promise<Map<string, StatusAuthority>> | undefined;

  constructor(private readonly deps: OcspDeps) {}

  /** Forget the CAs (after a responder certificate was renewed) and every cached response. */
  reload(): void {
    this.index = undefined;
    this.cache.clear();
    this.bySerial.clear();
  }

  /**
   * The answer to a repeated nonce-less request, if one is cached, still fresh, and no revocation has
   * been recorded since it was checked; undefined otherwise (then `respond` answers). Synchronous, and
   * always undefined without `latestSeqNow`.
   */
  cachedAnswer(der: Buffer): OcspAnswer | undefined {
    if (!this.deps.latestSeqNow) return undefined;
    const hit = this.cache.get(der.toString('latin1'));
    if (!hit || hit.refreshAt <= this.deps.clock.now().getTime()) return undefined;
    return this.deps.latestSeqNow() === this.seenSeq ? hit.answer : undefined;
  }

  async respond(der: Buffer): Promise<OcspAnswer> {
    const cached = this.cachedAnswer(der);
    if (cached) return cached;
    let request: OcspRequest;
    try {
      request = readOcspRequest(der);
    } catch (error) {
      if (error instanceof PkiError) return malformedAnswer;
      throw error;
    }
    if (request.certIds.length > MAX_CERT_IDS) return malformedAnswer;
    const index = await this.authorityIndex();
    const authorities = request.certIds.map((id) => index.get(certIdKey(id)));
    const authority = authorities[0];
    if (!authority || authorities.some((a) => a !== authority)) return unauthorizedAnswer;
    const seq = await this.evictRevoked();
    const single = request.certIds.length === 1 && request.nonce === null;
    const key = single ? der.toString('latin1') : '';
    const now = this.deps.clock.now();
    if (single) {
      const hit = this.cache.get(key);
      if (hit && hit.refreshAt > now.getTime()) return hit.answer;
    }
    const statuses = await Promise.all(request.certIds.map((id) => this.statusOf(authority, id)));
    const answer = await this.sign(authority, request, statuses, now);
        // Not cached if a revocation was noticed meanwhile: it may concern this serial and be evicted already.
    if (single && statuses[0]!.status !== 'unknown' && seq === this.seenSeq) this.remember(key, request.certIds[0]!.serialHex, answer, now);
    return answer;
  }

  private async statusOf(authority: StatusAuthority, id: OcspCertId): Promise<OcspCertStatus> {
    const found = await this.deps.revocations.status(id.serialHex);
    if (!found || found.issuerId !== authority.identity.id) return { status: 'unknown' };
    if (found.status === 'revoked') return { status: 'revoked', revokedAt: found.revokedAt!, reasonCode: reasonCodeOf(found.reason) };
    return { status: 'good' };
  }

  private async sign(authority: StatusAuthority, request: OcspRequest, statuses: OcspCertStatus[], now: Date): Promise<OcspAnswer> {
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + this.deps.settings.validityMs);
    const extensions: Extension[] = request.nonce ? [nonceExtension(request.nonce)] : [];
    const responseData = encodeResponseData({
      responderKeyHash: authority.ocsp.responderKeyHash,
      producedAt: thisUpdate,
      responses: request.certIds.map((id, i) => encodeSingleResponse(id.encoding, statuses[i]!, thisUpdate, nextUpdate)),
      extensions,
    });
    const der = encodeOcspResponse({
      responseData, signatureAlgorithm: authority.ocsp.algorithmIdentifier, signature: await authority.ocsp.sign(responseData),
      certificates: authority.ocsp.certificate ? [authority.ocsp.certificate] : [],
    });
    const cache = request.nonce ? null : { producedAt: thisUpdate, nextUpdate, etag: `"${createHash('sha1').update(der).digest('hex')}"` };
    return { der, status: 'successful', cache };
  }

  private remember(key: string, serial: string, answer: OcspAnswer, now: Date): void {
    if (this.cache.size >= MAX_CACHED) {
      this.cache.clear();
      this.bySerial.clear();
    }
    this.cache.set(key, { answer, serial, refreshAt: now.getTime() + this.deps.settings.validityMs / 2 });
    let keys = this.bySerial.get(serial);
    if (!keys) this.bySerial.set(serial, (keys = new Set()));
    keys.add(key);
  }

  /** Drops cached answers for whatever was revoked since the last request (in any process). */
  private async evictRevoked(): Promise<number> {
    const latest = this.deps.latestSeqNow?.() ?? await this.deps.revocations.latestSeq();
    if (latest === this.seenSeq) return latest;
    if (this.seenSeq < 0 || latest < this.seenSeq) {
      this.cache.clear();
      this.bySerial.clear();
    } else {
      for (let after = this.seenSeq; after < latest;) {
        const batch = await this.deps.revocations.revokedSince(after, 1000);
        if (batch.length === 0) break;
        for (const { serial } of batch) {
          for (const key of this.bySerial.get(serial) ?? []) this.cache.delete(key);
          this.bySerial.delete(serial);
        }
        after = batch[batch.length - 1]!.seq;
      }
    }
    this.seenSeq = latest;
    return latest;
  }

  private authorityIndex(): Promise<Map<string, StatusAuthority>> {
    this.index ??= this.deps.authorities().then((list) => {
      const map = new Map<string, StatusAuthority>();
      for (const authority of list) {
        for (const hash of ['sha1', 'sha256'] as const) {
          const { nameHash, keyHash } = authority.certIdHashes[hash];
          map.set(`${hash}:${nameHash.toString('hex')}:${keyHash.toString('hex')}`, authority);
        }
      }
      return map;
    });
    this.index.catch(() => { this.index = undefined; });
    return this.index;
  }
}

function certIdKey(id: OcspCertId): string {
  return `${id.hashAlgorithm}:${id.issuerNameHash.toString('hex')}:${id.issuerKeyHash.toString('hex')}`;
}
