/** The notification outbox as operators inspect it (`mcms notification list`). */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { OutboxItem, OutboxStatus } from './model.js';

export async function listOutbox(deps: ExpiryDeps, principal: Principal, filter: { status?: OutboxStatus | undefined; limit?: number | undefined }): Promise<OutboxItem[]> {
  requirePermission(principal, 'operations.run');
  return deps.uow.read.expiry.listOutbox({ status: filter.status }, Math.min(Math.max(filter.limit ?? 100, 1), 1000));
}
