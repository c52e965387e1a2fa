/**
 * `/api/v1/ca`, `/api/v1/ca/chain.pem`, `/api/v1/profiles`: the CA hierarchy as operators read it,
 * the chain relying parties need (issuing CA first, root last; RFC 7468 PEM), and the certificate
 * profiles (S/MIME Baseline Requirements §7.1.2.3) this server issues.
 */
import type { FastifyInstance } from 'fastify';
import { toPem } from '../../../lib/pki/index.js';
import type { Mcms } from '../../services.js';
import { PEM_FILE } from '../ca-certificates.js';
import { principalOf } from './auth.js';

const dateTime = { type: 'string', format: 'date-time' } as const;

const identitySchema = {
  type: 'object',
  required: ['id', 'role', 'issuerId', 'subject', 'serial', 'notBefore', 'notAfter', 'active'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['root-ca', 'issuing-ca', 'scep-ra', 'ocsp-signer', 'profile-signer'] },
    issuerId: { type: 'string' },
    subject: { type: 'string' },
    serial: { type: 'string' },
    notBefore: dateTime,
    notAfter: dateTime,
    active: { type: 'boolean' },
  },
} as const;

const hierarchySchema = {
  type: 'object',
  required: ['identities', 'chain'],
  additionalProperties: false,
  properties: {
    identities: { type: 'array', items: identitySchema },
    chain: { type: 'array', items: { type: 'string' }, description: 'PEM certificates, issuing CA first, root last' },
  },
} as const;

const profileSchema = {
  type: 'object',
  required: ['id', 'generation', 'validityDays', 'policyOid', 'extendedKeyUsage', 'purpose', 'description'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    generation: { type: 'string', enum: ['strict', 'multipurpose'] },
    validityDays: { type: 'integer' },
    policyOid: { type: 'string' },
    extendedKeyUsage: { type: 'array', items: { type: 'string' } },
    purpose: { type: 'string', enum: ['signing', 'key-management', 'dual-use'] },
    description: { type: 'string' },
  },
} as const;

export async function caRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.get('/ca', {
    schema: { summary: 'The CA hierarchy and service identities', tags: ['ca'], response: { 200: hierarchySchema } },
  }, async (request) => {
    const { identities, chain } = await mcms.ca.show(principalOf(request));
    return { identities, chain: chain.map((der) => toPem('CERTIFICATE', der)) };
  });

  app.get('/ca/chain.pem', {
    schema: {
      summary: 'The certificate chain, PEM: issuing CA first, root last',
      tags: ['ca'],
      response: { 200: { description: 'PEM certificates', content: { [PEM_FILE]: { schema: { type: 'string' } } } } },
    },
  }, async (request, reply) => {
    const { chain } = await mcms.ca.show(principalOf(request));
    return reply.type(PEM_FILE).send(chain.map((der) => toPem('CERTIFICATE', der)).join(''));
  });

  app.get('/profiles', {
    schema: { summary: 'The certificate profiles', tags: ['ca'], response: { 200: { type: 'array', items: profileSchema } } },
  }, async () => mcms.ca.profiles());
}
