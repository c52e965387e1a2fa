/**
 * Public CA certificates by identity id: `GET /ca/<id>.crt` is the DER certificate that the
 * authorityInfoAccess caIssuers URI of every issued certificate points at (RFC 5280 §4.2.2.1, served
 * as `application/pkix-cert`, RFC 2585 §4.1); `GET /ca/<id>.pem` is the same certificate as PEM
 * (RFC 7468). No authentication: these are what relying parties fetch to build a path.
 */
import type { FastifyInstance } from 'fastify';
import { toPem } from '../../lib/pki/index.js';
import type { Mcms } from '../services.js';
import { problem, sendProblem } from './problem.js';

export const PKIX_CERT = 'application/pkix-cert';
export const PEM_FILE = 'application/x-pem-file';

const FORMATS = [
  { extension: 'crt', mediaType: PKIX_CERT, encode: (der: Buffer): Buffer | string => der, binary: true },
  { extension: 'pem', mediaType: PEM_FILE, encode: (der: Buffer): Buffer | string => toPem('CERTIFICATE', der), binary: false },
] as const;

const paramsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'identity id, e.g. root or issuing' } },
} as const;

export async function caCertificateRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  for (const format of FORMATS) {
    app.get<{ Params: { id: string } }>(`/ca/:id.${format.extension}`, {
      schema: {
        summary: `A CA certificate, ${format.binary ? 'DER' : 'PEM'}`,
        tags: ['ca'],
        params: paramsSchema,
        response: {
          200: {
            description: 'the certificate',
            content: { [format.mediaType]: { schema: { type: 'string', ...(format.binary ? { format: 'binary' } : {}) } } },
          },
        },
      },
    }, async (request, reply) => {
      const identity = await options.mcms.ca.identity(request.params.id);
      if (!identity) return sendProblem(reply, problem('not-found', `no CA certificate ${request.params.id}`, request));
      return reply
        .type(format.mediaType)
        .header('cache-control', 'public, max-age=86400')
        .send(format.encode(identity.certificate));
    });
  }
}
