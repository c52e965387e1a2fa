/** `mcms ca show`: the hierarchy as operators read it, and the chain as relying parties need it. */
import { formatNameDer, readCertificate } from '../../lib/pki/index.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { CaErrorCode } from './errors.js';
import type { CaIdentity, IdentityRole } from './model.js';
import type { IdentityRepository } from './ports.js';

export interface IdentitySummary {
  id: string;
  role: IdentityRole;
  issuerId: string;
  subject: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  active: boolean;
}

export function summariseIdentity(identity: CaIdentity): IdentitySummary {
  const fields = readCertificate(identity.certificate);
  return {
    id: identity.id, role: identity.role, issuerId: identity.issuerId, subject: formatNameDer(fields.subject),
    serial: fields.serialHex, notBefore: fields.notBefore, notAfter: fields.notAfter, active: identity.active,
  };
}

export async function describeHierarchy(
  deps: { identities: IdentityRepository },
  principal: Principal,
): Promise<{ identities: IdentitySummary[]; chain: Buffer[] }> {
  requirePermission(principal, 'ca.read');
  const identities = await deps.identities.list();
  const issuing = identities.find((i) => i.role === 'issuing-ca' && i.active);
  if (!issuing) throw new DomainError<CaErrorCode>('ca.not-initialized', 'no CA hierarchy: run `mcms init` first');
  return { identities: identities.map(summariseIdentity), chain: certificationPath(identities, issuing) };
}

/** From an identity up to the root: issuing CA first, as S/MIME and SCEP clients expect. */
export function certificationPath(identities: CaIdentity[], from: CaIdentity): Buffer[] {
  const byId = new Map(identities.map((i) => [i.id, i]));
  const chain: Buffer[] = [];
  for (let current: CaIdentity | undefined = from; current; current = byId.get(current.issuerId)) {
    chain.push(current.certificate);
    if (current.issuerId === current.id || chain.length > 8) break;
  }
  return chain;
}
