/**
 * CRL distribution (RFC 5280 §4.2.1.13, RFC 2585 §4.2): `GET /crl/<ca>.crl` is the CA's complete CRL
 * and `GET /crl/<ca>-delta.crl` its delta, DER as `application/pkix-crl`, the URLs that certificates'
 * CRL distribution points and the CRLs' own freshestCRL name. Each worker keeps the last CRL it served
 * and asks the store only for the published numbers before serving it again, so a CRL signed by
 * another node or process is served at once. ETag (the cRLNumber), Last-Modified (thisUpdate),
 * Cache-Control and Expires let caches hold it; If-None-Match gets a 304. With `crl.shards` > 1,
 * `GET /crl/<ca>-s<k>.crl` is shard k of the complete CRL, cached and served like it (same headers).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import type { CrlKind, PublishedCrl } from '../../domain/revocation/index.js';
import type { Mcms } from '../services.js';
import { problem, sendProblem } from './problem.js';

export const PKIX_CRL = 'application/pkix-crl';
const FILE = /^([a-z0-9][a-z0-9-]{0,63}?)(?:(-delta)|-s(\d{1,3}))?\.crl$/;
/** Deltas change soon after each revocation; complete CRLs about daily. */
const MAX_AGE_S: Record<CrlKind, number> = { full: 3600, delta: 60 };

interface Served {
  crl: PublishedCrl;
  etag: string;
}

export async function crlRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  const cache = new Map<string, Served>();

  /** A shard is cut from the complete CRL and carries its number, so it is stale exactly when that is. */
  async function served(issuerId: string, kind: CrlKind, shard: number | null): Promise<Served> {
    const name = shard === null ? kind : `s${shard}`;
    const key = `${issuerId}/${name}`;
    const cached = cache.get(key);
    if (cached) {
      const numbers = await mcms.crl.numbers(issuerId);
      if (numbers && numbers[kind] === cached.crl.number) return cached;
    }
    const crl = shard === null ? await mcms.crl.current(issuerId, kind) : await mcms.crl.shard(issuerId, shard);
    const fresh = { crl, etag: `"${issuerId}-${name}-${crl.number}-${createHash('sha256').update(crl.der).digest('hex').slice(0, 16)}"` };
    cache.set(key, fresh);
    return fresh;
  }

  app.get<{ Params: { file: string } }>('/crl/:file', {
    schema: {
      summary: "A CA's CRL (`<ca>.crl`), delta CRL (`<ca>-delta.crl`) or CRL shard (`<ca>-s<k>.crl`), DER", tags: ['status'],
      params: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: { type: 'string', maxLength: 80 } } },
      response: { 200: { description: 'the CRL', content: { [PKIX_CRL]: { schema: { type: 'string', format: 'binary' } } } } },
    },
  }, async (request, reply) => {
    const match = FILE.exec(request.params.file);
    if (!match) return sendProblem(reply, problem('not-found', `no CRL ${request.params.file.slice(0, 80)}`, request));
    const kind: CrlKind = match[2] ? 'delta' : 'full';
    let entry: Served;
    try {
      entry = await served(match[1]!, kind, match[3] === undefined ? null : Number(match[3]));
    } catch (error) {
      if (isDomainError(error) && error.code === 'revocation.unknown-ca') return sendProblem(reply, problem('not-found', `no CRL ${request.params.file}`, request));
      throw error;
    }
    const now = mcms.clock.now().getTime();
    const maxAge = Math.max(0, Math.min(MAX_AGE_S[kind], Math.floor((entry.crl.nextUpdate.getTime() - now) / 1000)));
    reply
      .header('etag', entry.etag)
      .header('last-modified', entry.crl.thisUpdate.toUTCString())
      .header('cache-control', `public, max-age=${maxAge}, no-transform, must-revalidate`)
      .header('expires', new Date(now + maxAge * 1000).toUTCString());
    if (request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
    return reply.type(PKIX_CRL).send(entry.crl.der);
  });
}
