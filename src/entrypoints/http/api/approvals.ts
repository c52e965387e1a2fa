/** `/api/v1/approvals`: the queue of work waiting for operators, and their votes. */
import type { FastifyInstance } from 'fastify';
import type { ApprovalKind, ApprovalStatus } from '../../../domain/access/index.js';
import { APPROVAL_KINDS } from '../../../domain/access/index.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import type { PageQuery } from './pagination.js';
import { pageQueryProperties, pageRequest, pageSchema } from './pagination.js';

const dateTime = { type: 'string', format: 'date-time' } as const;
const STATUSES = ['open', 'approved', 'rejected', 'expired'] as const;

export const approvalSchema = {
  $id: 'Approval',
  type: 'object',
  required: ['id', 'kind', 'target', 'summary', 'requestedBy', 'requiredApprovals', 'status', 'createdAt', 'expiresAt', 'decidedAt', 'votes', 'details'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: [...APPROVAL_KINDS] },
    target: { type: 'string' },
    summary: { type: 'string' },
    requestedBy: { type: 'string' },
    requiredApprovals: { type: 'integer' },
    status: { type: 'string', enum: [...STATUSES] },
    createdAt: dateTime,
    expiresAt: dateTime,
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    votes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['voterName', 'decision', 'comment', 'at'],
        additionalProperties: false,
        properties: { voterName: { type: 'string' }, decision: { type: 'string', enum: ['approve', 'reject'] }, comment: { type: ['string', 'null'] }, at: dateTime },
      },
    },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

const APPROVAL = { $ref: 'Approval#' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

export async function approvalRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.get<{ Querystring: PageQuery & { status?: ApprovalStatus; kind?: ApprovalKind } }>('/approvals', {
    schema: {
      summary: 'Approval requests, newest first',
      tags: ['approvals'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...pageQueryProperties, status: { type: 'string', enum: [...STATUSES] }, kind: { type: 'string', enum: [...APPROVAL_KINDS] } },
      },
      response: { 200: pageSchema(APPROVAL) },
    },
  }, async (request) => {
    const { status, kind } = request.query;
    return mcms.approvals.list(principalOf(request), { ...(status ? { status } : {}), ...(kind ? { kind } : {}) }, pageRequest(request.query));
  });

  app.get<{ Params: { id: string } }>('/approvals/:id', {
    schema: { summary: 'One approval request with its votes', tags: ['approvals'], params: idParams, response: { 200: APPROVAL } },
  }, async (request) => mcms.approvals.show(principalOf(request), request.params.id));

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string }; Body: { comment?: string } }>(`/approvals/:id/${decision}`, {
      schema: {
        summary: decision === 'approve' ? 'Approve a waiting request' : 'Reject a waiting request',
        tags: ['approvals'],
        params: idParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { comment: { type: 'string', maxLength: 500 } } },
        response: { 200: APPROVAL },
      },
    }, async (request) => mcms.approvals.vote(principalOf(request), { id: request.params.id, decision, comment: request.body?.comment }));
  }
}
