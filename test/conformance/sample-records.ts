/** Records for the conformance suites: valid, unique where the schema wants it, overridable. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Subscriber } from '../../src/domain/subscribers/index.js';

export const DAY = 86_400_000;
export const T0 = new Date('2030-01-01T00:00:00.000Z').getTime();

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const address = (tag = 'a') => `${tag}-${hex(4)}@example.org`;

export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    id: randomUUID(),
    displayName: 'Ada Lovelace',
    status: 'active',
    mailboxes: [{ address: address('ada'), primary: true }],
    createdAt: new Date('2031-02-03T04:05:06.789Z'),
    ...overrides,
  };
}
