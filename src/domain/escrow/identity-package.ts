/**
 * Packs escrowed identities into one PKCS#12 (RFC 7292; smime-mobile-notes §4.7): each key opened in
 * memory only for this file, with a fresh random password of 120 bits (S/MIME BR §6.1.2: ≥ 112-bit
 * transport). A record whose archive does not authenticate is reported in the audit trail and the
 * whole delivery refused: nothing of a tampered archive is ever handed out.
 */
import type { KeyObject } from 'node:crypto';
import type { Actor } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { isDomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { buildPkcs12, newPkcs12Password } from '../../lib/pki/index.js';
import type { EscrowDeps, Pkcs12Variant } from './escrow-deps.js';
import type { EscrowRecord } from './model.js';
import { openArchivedKey } from './key-archive.js';

export interface IdentityPackage {
  pkcs12: Buffer;
  /** Shown once to whoever asked; never logged or stored. */
  password: string;
}

function friendlyName(mailbox: string, record: EscrowRecord): string {
  const state = record.status === 'current' ? 'current' : `past, ${record.pastReason ?? 'retired'}`;
  return `${mailbox} encryption ${record.certificateSerial.slice(0, 8)} (${state})`;
}

async function openReporting(deps: Pick<EscrowDeps, 'uow' | 'keys' | 'clock'>, actor: Actor, record: EscrowRecord): Promise<KeyObject> {
  try {
    return await openArchivedKey(record, await deps.keys.get(record.kraKeyId));
  } catch (error) {
    if (isDomainError(error) && error.code === 'escrow.archive-tampered') {
      await deps.uow.transaction((tx) => recordAuditEvent(tx.audit, deps.clock, actor, {
        action: 'escrow.tamper-detected', target: record.certificateSerial, details: { escrowId: record.id, subscriberId: record.subscriberId },
      }));
    }
    throw error;
  }
}

export async function packageIdentities(
  deps: Pick<EscrowDeps, 'uow' | 'keys' | 'clock' | 'ca'>,
  actor: Actor,
  input: { mailbox: string; pairs: { record: EscrowRecord; certificate: CertificateRecord }[]; variant: Pkcs12Variant },
): Promise<IdentityPackage> {
  const identities = [];
  for (const { record, certificate } of input.pairs) {
    identities.push({
      privateKey: await openReporting(deps, actor, record), certificate: certificate.der,
      chain: [deps.ca.certificate()], friendlyName: friendlyName(input.mailbox, record),
    });
  }
  const password = newPkcs12Password();
  return { pkcs12: buildPkcs12({ identities, password, variant: input.variant }), password };
}
