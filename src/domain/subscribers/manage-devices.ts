/** Device use cases: register a person's device, list a person's devices. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { SubscriberErrorCode } from './errors.js';
import { findSubscriber } from './manage-subscribers.js';
import type { Device, Subscriber } from './model.js';
import { primaryMailbox } from './model.js';
import type { DeviceRepository, SubscriberRepository } from './ports.js';

export interface DeviceDeps {
  uow: UnitOfWork<{ subscribers: SubscriberRepository; devices: DeviceRepository; audit: AuditRepository }>;
  clock: Clock;
}

const fail = (code: SubscriberErrorCode, message: string) => new DomainError(code, message);

export async function addDevice(
  deps: DeviceDeps,
  principal: Principal,
  input: { subscriber: string; name: string },
): Promise<Device> {
  requirePermission(principal, 'subscribers.write');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw fail('device.invalid', 'device name must be 1-100 characters');
  return deps.uow.transaction(async (tx) => {
    const subscriber = await findSubscriber(tx.subscribers, input.subscriber);
    if (subscriber.status !== 'active') throw fail('subscriber.disabled', `subscriber ${primaryMailbox(subscriber)} is disabled`);
    const device: Device = { id: randomUUID(), subscriberId: subscriber.id, name, status: 'active', createdAt: deps.clock.now() };
    await tx.devices.insert(device);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'device.add', target: device.id, details: { subscriber: primaryMailbox(subscriber), name },
    });
    return device;
  });
}

export async function listDevices(
  deps: Pick<DeviceDeps, 'uow'>,
  principal: Principal,
  subscriberKey: string,
): Promise<{ subscriber: Subscriber; devices: Device[] }> {
  requirePermission(principal, 'subscribers.read');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, subscriberKey);
  return { subscriber, devices: await deps.uow.read.devices.listBySubscriber(subscriber.id) };
}

/** The device, checked to belong to the subscriber. */
export async function findSubscriberDevice(repo: DeviceRepository, subscriber: Subscriber, deviceId: string): Promise<Device> {
  const device = await repo.findById(deviceId);
  if (!device || device.subscriberId !== subscriber.id) throw fail('device.not-found', `no device ${deviceId} for ${primaryMailbox(subscriber)}`);
  return device;
}
