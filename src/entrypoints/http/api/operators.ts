/**
 * `/api/v1/operators`: who may use the API, in which role. A token is shown once, in the response
 * that creates or rotates it; mcms keeps only its hash.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../../domain/access/index.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';

export const operatorSchema = {
  $id: 'Operator',
  type: 'object',
  required: ['id', 'name', 'role', 'status', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    status: { type: 'string', enum: ['active', 'disabled'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const OPERATOR = { $ref: 'Operator#' } as const;

const operatorWithToken = {
  type: 'object',
  required: ['operator', 'token'],
  additionalProperties: false,
  properties: { operator: OPERATOR, token: { type: 'string', description: 'the API token; shown this once' } },
} as const;

const nameParams = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export async function operatorRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.get('/operators', {
    schema: { summary: 'All operators', tags: ['operators'], response: { 200: { type: 'array', items: OPERATOR } } },
  }, async (request) => mcms.operators.list(principalOf(request)));

  app.post<{ Body: { name: string; role: string } }>('/operators', {
    schema: {
      summary: 'Add an operator; the response carries their API token, once',
      tags: ['operators'],
      body: {
        type: 'object',
        required: ['name', 'role'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64, description: 'letters, digits and ._@-' },
          role: { type: 'string', enum: [...ROLES] },
        },
      },
      response: { 201: operatorWithToken },
    },
  }, async (request, reply) => {
    const result = await mcms.operators.add(principalOf(request), request.body);
    return reply.code(201).header('cache-control', 'no-store').send(result);
  });

  app.post<{ Params: { name: string } }>('/operators/:name/disable', {
    schema: { summary: 'Disable an operator; their token stops working at once', tags: ['operators'], params: nameParams, response: { 200: OPERATOR } },
  }, async (request) => mcms.operators.disable(principalOf(request), request.params.name));

  app.post<{ Params: { name: string } }>('/operators/:name/rotate-token', {
    schema: { summary: "Replace an operator's token; the response carries the new one, once", tags: ['operators'], params: nameParams, response: { 200: operatorWithToken } },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await mcms.operators.rotateToken(principalOf(request), request.params.name)));
}
