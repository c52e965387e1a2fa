/** `/api/v1/audit/verify`: checks the hash chain of the audit trail and reports what it found. */
import type { FastifyInstance } from 'fastify';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';

const findingSchema = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['edited', 'broken-link', 'gap', 'head-mismatch'] },
    seq: { type: 'integer' },
    afterSeq: { type: 'integer' },
    nextSeq: { type: 'integer' },
    headSeq: { type: 'integer' },
    lastSeq: { type: 'integer' },
  },
} as const;

const verificationSchema = {
  type: 'object',
  required: ['ok', 'records', 'findings'],
  additionalProperties: false,
  properties: {
    ok: { type: 'boolean', description: 'no record was edited, removed or reordered' },
    records: { type: 'integer' },
    findings: { type: 'array', items: findingSchema },
  },
} as const;

export async function auditRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  app.get('/audit/verify', {
    schema: { summary: 'Verify the audit hash chain', tags: ['audit'], response: { 200: verificationSchema } },
  }, async (request) => options.mcms.audit.verify(principalOf(request)));
}
