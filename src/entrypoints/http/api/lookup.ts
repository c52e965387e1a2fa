/**
 * `GET /api/v1/lookup?email=…`: a recipient's current encryption certificate, for mail gateways and
 * clients that cannot search LDAP (smime-mobile-notes §8.2): PEM (the default), DER
 * (`application/pkix-cert`, RFC 2585) or JSON by Accept header. 404 (problem+json) when the mailbox
 * has none. Who may ask: any operator token that may read certificates, or a `gateway` token that may
 * only do this — the API is never anonymous, since the answer also tells whether an address is a
 * person of the organisation.
 */
import type { FastifyInstance } from 'fastify';
import { toPem } from '../../../lib/pki/index.js';
import { certificateView } from '../../certificate-view.js';
import type { Mcms } from '../../services.js';
import { PEM_FILE, PKIX_CERT } from '../ca-certificates.js';
import { preferredMediaType } from '../content-negotiation.js';
import { principalOf } from './auth.js';

const OFFERS = [PEM_FILE, PKIX_CERT, 'application/json'] as const;

const lookupQuery = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email: { type: 'string', minLength: 3, maxLength: 254, description: 'the recipient mailbox' } },
} as const;

export async function lookupRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  app.get<{ Querystring: { email: string } }>('/lookup', {
    schema: {
      summary: "A recipient's current encryption certificate (PEM, DER or JSON by Accept)",
      description: 'What the directory publishes for the mailbox: the current, valid encryption certificate of an active person. '
        + 'Needs certificates.read or the gateway role.',
      tags: ['directory'],
      querystring: lookupQuery,
      response: {
        200: {
          description: 'the certificate',
          content: {
            [PEM_FILE]: { schema: { type: 'string', description: 'the certificate, then the CA chain, PEM' } },
            [PKIX_CERT]: { schema: { type: 'string', format: 'binary' } },
            'application/json': { schema: { $ref: 'Certificate#' } },
          },
        },
      },
    },
  }, async (request, reply) => {
    const { certificate, chain } = await mcms.directory.lookup(principalOf(request), request.query.email);
    const mediaType = preferredMediaType(request.headers.accept, OFFERS);
    reply.header('vary', 'Accept');
    if (mediaType === 'application/json') return certificateView(certificate, mcms.clock.now());
    if (mediaType === PKIX_CERT) return reply.type(PKIX_CERT).send(certificate.der);
    return reply.type(PEM_FILE).send([certificate.der, ...chain].map((der) => toPem('CERTIFICATE', der)).join(''));
  });
}
