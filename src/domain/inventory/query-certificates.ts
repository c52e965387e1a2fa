/** Inventory queries: list with filters and cursor pagination, show one by serial. */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { SubscriberRepository } from '../subscribers/index.js';
import { findSubscriber } from '../subscribers/index.js';
import type { Page, PageRequest, UnitOfWork } from '../unit-of-work.js';
import type { InventoryErrorCode } from './errors.js';
import type { CertificateFilter, CertificateRecord, CertificateState } from './model.js';
import type { CertificateRepository } from './ports.js';

export interface InventoryDeps {
  uow: UnitOfWork<{ certificates: CertificateRepository; subscribers: SubscriberRepository }>;
  clock: Clock;
}

export interface CertificateQuery {
  subscriber?: string | undefined;
  profile?: string | undefined;
  state?: CertificateState | undefined;
  /** Valid certificates whose notAfter falls within this many milliseconds from now. */
  expiringWithinMs?: number | undefined;
}

const SERIAL = /^[0-9a-f]{1,40}$/;

/** Accepts serials as openssl prints them: any case, with or without colons and a 0x prefix. */
export function normaliseSerial(input: string): string {
  const hex = input.trim().toLowerCase().replace(/^0x/, '').replace(/:/g, '').replace(/^0+(?=.)/, '');
  if (!SERIAL.test(hex)) throw new DomainError<InventoryErrorCode>('certificate.invalid-filter', `"${input}" is not a serial number in hex`);
  return hex;
}

export async function listCertificates(
  deps: InventoryDeps,
  principal: Principal,
  query: CertificateQuery,
  page: PageRequest,
): Promise<Page<CertificateRecord>> {
  requirePermission(principal, 'certificates.read');
  const now = deps.clock.now();
  const filter: CertificateFilter = { profile: query.profile };
  if (query.subscriber) filter.subscriberId = (await findSubscriber(deps.uow.read.subscribers, query.subscriber)).id;
  if (query.state === 'revoked') filter.status = 'revoked';
  if (query.state === 'valid') Object.assign(filter, { status: 'valid', notAfterAfter: now });
  if (query.state === 'expired') Object.assign(filter, { status: 'valid', notAfterBefore: now });
  if (query.expiringWithinMs !== undefined) {
    if (query.state && query.state !== 'valid') {
      throw new DomainError<InventoryErrorCode>('certificate.invalid-filter', 'expiring-within applies to valid certificates only');
    }
    Object.assign(filter, { status: 'valid', notAfterAfter: now, notAfterBefore: new Date(now.getTime() + query.expiringWithinMs) });
  }
  return deps.uow.read.certificates.list(filter, page);
}

export async function showCertificate(deps: InventoryDeps, principal: Principal, serial: string): Promise<CertificateRecord> {
  requirePermission(principal, 'certificates.read');
  const record = await deps.uow.read.certificates.findBySerial(normaliseSerial(serial));
  if (!record) throw new DomainError<InventoryErrorCode>('certificate.not-found', `no certificate with serial ${serial}`);
  return record;
}
