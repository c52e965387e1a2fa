import type { Page, PageRequest } from '../unit-of-work.js';
import type { Device, Subscriber } from './model.js';

export interface SubscriberRepository {
  /** Inserts the person and their mailboxes; throws DomainError('mailbox.taken') if any address is in use. */
  insert(subscriber: Subscriber): Promise<void>;
  findById(id: string): Promise<Subscriber | null>;
  findByMailbox(address: string): Promise<Subscriber | null>;
  list(filter: { status?: Subscriber['status'] | undefined }, page: PageRequest): Promise<Page<Subscriber>>;
  updateStatus(id: string, status: Subscriber['status']): Promise<void>;
  /** Replaces the name and the mailboxes (a directory sync); DomainError('mailbox.taken') if an address is another's. */
  updateProfile(id: string, change: { displayName: string | null; mailboxes: Subscriber['mailboxes'] }): Promise<void>;
}

export interface DeviceRepository {
  insert(device: Device): Promise<void>;
  findById(id: string): Promise<Device | null>;
  listBySubscriber(subscriberId: string): Promise<Device[]>;
  updateStatus(id: string, status: Device['status']): Promise<void>;
}
