/**
 * Re-delivery (DESIGN.md step 6, 8): when a person's encryption history changes (re-key, renewal,
 * recovery onto a new device) each of their active devices gets a new link by mail, and the profile
 * that link delivers carries the new history (profiles are built when the link is used). A person
 * with no active device gets one link, for a new device.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { findSubscriber } from '../subscribers/index.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { inviteSubscriber } from './enrollment-links.js';
import type { Invitation } from './model.js';

export async function redeliverProfiles(deps: DeliveryDeps, principal: Principal, subscriberKey: string): Promise<Invitation[]> {
  requirePermission(principal, 'certificates.issue');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, subscriberKey);
  const devices = (await deps.uow.read.devices.listBySubscriber(subscriber.id)).filter((d) => d.status === 'active');
  if (devices.length === 0) return [await inviteSubscriber(deps, principal, { subscriber: subscriber.id })];
  const invitations: Invitation[] = [];
  for (const device of devices) invitations.push(await inviteSubscriber(deps, principal, { subscriber: subscriber.id, deviceId: device.id }));
  return invitations;
}
