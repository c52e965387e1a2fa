/**
 * `mcms init`: creates the root, the issuing CA and the service identities once. Keys are generated
 * first (in custody), then every certificate, inventory row and the audit record commit in one
 * transaction. Running it again changes nothing and reports the hierarchy that exists.
 */
import type { Clock } from '../../lib/clock.js';
import {
  authorityKeyIdentifier, encodeName, keyIdentifier, randomSerial, readCertificate, subjectKeyIdentifier,
} from '../../lib/pki/index.js';
import type { Actor, AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import { inventoryRecord } from '../inventory/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { HierarchySettings, IdentityPlan } from './hierarchy-plan.js';
import { hierarchyPlan } from './hierarchy-plan.js';
import type { CaIdentity, SigningKey } from './model.js';
import type { IdentityRepository, KeyStore } from './ports.js';
import { publicationUrls } from './publication-urls.js';
import { signCertificate, signerFor } from './sign-certificate.js';

export interface HierarchyDeps {
  uow: UnitOfWork<{ identities: IdentityRepository; certificates: CertificateRepository; audit: AuditRepository }>;
  keys: KeyStore;
  clock: Clock;
}

const DAY_MS = 86_400_000;

export async function initializeHierarchy(
  deps: HierarchyDeps,
  actor: Actor,
  settings: HierarchySettings,
): Promise<{ created: boolean; identities: CaIdentity[] }> {
  const existing = await deps.uow.read.identities.list();
  if (existing.some((i) => i.role === 'root-ca')) return { created: false, identities: existing };

  const now = deps.clock.now();
  const plans = hierarchyPlan(settings);
  const keys = new Map<string, SigningKey>();
  for (const plan of plans) {
    keys.set(plan.id, await deps.keys.generate({ algorithm: plan.keyAlgorithm, label: `${plan.id} ${now.toISOString()}` }));
  }
  const certificates = new Map<string, Buffer>();
  const identities: CaIdentity[] = [];
  for (const plan of plans) {
    const der = await certify(plan, { keys, certificates, now, baseUrl: settings.baseUrl });
    certificates.set(plan.id, der);
    identities.push({ id: plan.id, role: plan.role, issuerId: plan.issuerId, certificate: der, keyId: keys.get(plan.id)!.id, active: true, createdAt: now });
  }
  await deps.uow.transaction(async (tx) => {
    for (const identity of identities) {
      await tx.identities.insert(identity);
      await tx.certificates.insert(inventoryRecord(identity.certificate, {
        issuerId: identity.issuerId, profile: identity.role, subscriberId: null, deviceId: null, now,
      }));
    }
    await recordAuditEvent(tx.audit, deps.clock, actor, {
      action: 'ca.init',
      target: 'root',
      details: {
        keyAlgorithm: settings.keyAlgorithm,
        identities: identities.map((i) => ({ id: i.id, role: i.role, serial: readCertificate(i.certificate).serialHex })),
      },
    });
  });
  return { created: true, identities };
}

async function certify(
  plan: IdentityPlan,
  ctx: { keys: Map<string, SigningKey>; certificates: Map<string, Buffer>; now: Date; baseUrl: string },
): Promise<Buffer> {
  const key = ctx.keys.get(plan.id)!;
  const issuerKey = ctx.keys.get(plan.issuerId)!;
  const selfSigned = plan.issuerId === plan.id;
  const issuerCert = selfSigned ? null : readCertificate(ctx.certificates.get(plan.issuerId)!);
  const subject = encodeName(plan.subject);
  const notBefore = new Date(ctx.now.getTime() - 60_000);
  const extensions = [
    ...plan.extensions(publicationUrls(ctx.baseUrl, plan.issuerId)),
    subjectKeyIdentifier(keyIdentifier(key.publicKey)),
  ];
  if (!selfSigned) extensions.push(authorityKeyIdentifier(keyIdentifier(issuerKey.publicKey)));
  return signCertificate(signerFor(issuerKey), {
    serial: randomSerial(),
    issuer: issuerCert ? issuerCert.subject : subject,
    subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + plan.validityDays * DAY_MS - 1000),
    subjectPublicKeyInfo: key.publicKey,
    extensions,
  });
}
