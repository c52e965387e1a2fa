/**
 * `/api/v1/directory/…`: the directory sync (people in; `dryRun` changes nothing), the leavers it found
 * and their confirmation, and publishing pending certificate changes now. A directory that cannot be
 * reached is a 503 problem (`directory.unavailable`); a publication drain that met an unreachable
 * directory says so in `unavailable` (its intents wait for their retry).
 */
import type { FastifyInstance } from 'fastify';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';

const dateTime = { type: 'string', format: 'date-time' } as const;

const leaverSchema = {
  type: 'object',
  required: ['subscriberId', 'email', 'entryDn', 'reason', 'since', 'handled'],
  additionalProperties: false,
  properties: {
    subscriberId: { type: 'string' }, email: { type: 'string' }, entryDn: { type: 'string' },
    reason: { type: 'string', enum: ['vanished', 'disabled'] }, since: dateTime,
    handled: { type: 'boolean', description: 'the leaver action ran (automatically or confirmed)' },
  },
} as const;

const summarySchema = {
  type: 'object',
  required: ['dryRun', 'entries', 'added', 'updated', 'unchanged', 'disabled', 'skipped', 'leavers'],
  additionalProperties: false,
  properties: {
    dryRun: { type: 'boolean' }, entries: { type: 'integer' }, added: { type: 'integer' }, updated: { type: 'integer' },
    unchanged: { type: 'integer' }, disabled: { type: 'integer', description: 'people found disabled in, or gone from, the directory' },
    skipped: {
      type: 'array',
      items: { type: 'object', required: ['dn', 'reason'], additionalProperties: false, properties: { dn: { type: 'string' }, reason: { type: 'string' } } },
    },
    leavers: { type: 'array', items: leaverSchema },
  },
} as const;

const drainSchema = {
  type: 'object',
  required: ['delivered', 'failed', 'noEntry', 'valuesAdded', 'valuesRemoved', 'pending', 'unavailable'],
  additionalProperties: false,
  properties: {
    delivered: { type: 'integer' }, failed: { type: 'integer' }, noEntry: { type: 'integer' }, valuesAdded: { type: 'integer' },
    valuesRemoved: { type: 'integer' }, pending: { type: 'integer' }, unavailable: { type: ['string', 'null'] },
  },
} as const;

export async function directoryRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  app.post<{ Body: { dryRun?: boolean } | undefined }>('/directory/sync', {
    schema: {
      summary: 'Sync people from the directory', tags: ['directory'],
      body: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: false } } },
      response: { 200: summarySchema },
    },
  }, async (request) => mcms.directory.sync(principalOf(request), { dryRun: request.body?.dryRun ?? false }));

  app.get('/directory/leavers', {
    schema: { summary: 'Leavers the sync found', tags: ['directory'], response: { 200: { type: 'array', items: leaverSchema } } },
  }, async (request) => mcms.directory.leavers(principalOf(request)));

  app.post<{ Body: { emails: string[] } }>('/directory/leavers/confirm', {
    schema: {
      summary: 'Run the leaver action for these leavers', tags: ['directory'],
      body: {
        type: 'object', required: ['emails'], additionalProperties: false,
        properties: { emails: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 3, maxLength: 254 } } },
      },
      response: { 200: { type: 'array', items: leaverSchema } },
    },
  }, async (request) => mcms.directory.confirmLeavers(principalOf(request), request.body.emails));

  app.post('/directory/publish', {
    schema: { summary: 'Publish pending certificate changes to the directory now', tags: ['directory'], response: { 200: drainSchema } },
  }, async (request) => mcms.directory.publish(principalOf(request)));
}
