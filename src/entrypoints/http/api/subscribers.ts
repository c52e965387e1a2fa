/** `/api/v1/subscribers`: people and their mailboxes (add, list, show by id or any mailbox). */
import type { FastifyInstance } from 'fastify';
import type { Subscriber } from '../../../domain/subscribers/index.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import { created } from './created.js';
import type { PageQuery } from './pagination.js';
import { pageQueryProperties, pageRequest, pageSchema } from './pagination.js';

export const subscriberSchema = {
  $id: 'Subscriber',
  type: 'object',
  required: ['id', 'displayName', 'status', 'mailboxes', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['active', 'disabled'] },
    mailboxes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'primary'],
        additionalProperties: false,
        properties: { address: { type: 'string' }, primary: { type: 'boolean' } },
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A subscriber in a path: the id, or any of their mailboxes. */
export const subscriberKeyParams = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: 'string', minLength: 1, maxLength: 320, description: 'subscriber id or any of their mailboxes' } },
} as const;

interface NewSubscriberBody {
  email: string;
  name?: string;
  mailboxes?: string[];
}

const newSubscriberBody = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 320, description: 'primary mailbox' },
    name: { type: 'string', description: 'display name' },
    mailboxes: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 3, maxLength: 320 }, description: 'extra mailboxes' },
  },
} as const;

const SUBSCRIBER = { $ref: 'Subscriber#' } as const;

export async function subscriberRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Body: NewSubscriberBody }>('/subscribers', {
    schema: { summary: 'Add a subscriber', tags: ['subscribers'], body: newSubscriberBody, response: { 201: SUBSCRIBER } },
  }, async (request, reply) => {
    const { email, name, mailboxes } = request.body;
    const subscriber = await mcms.subscribers.add(principalOf(request), { email, name, extraMailboxes: mailboxes });
    return created(request, reply, subscriber.id).send(subscriber);
  });

  app.get<{ Querystring: PageQuery & { status?: Subscriber['status'] } }>('/subscribers', {
    schema: {
      summary: 'List subscribers, newest first',
      tags: ['subscribers'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { status: { type: 'string', enum: ['active', 'disabled'] }, ...pageQueryProperties },
      },
      response: { 200: pageSchema(SUBSCRIBER) },
    },
  }, async (request) => {
    const { status } = request.query;
    return mcms.subscribers.list(principalOf(request), status ? { status } : {}, pageRequest(request.query));
  });

  app.get<{ Params: { key: string } }>('/subscribers/:key', {
    schema: { summary: 'One subscriber, by id or mailbox', tags: ['subscribers'], params: subscriberKeyParams, response: { 200: SUBSCRIBER } },
  }, async (request) => mcms.subscribers.show(principalOf(request), request.params.key));
}
