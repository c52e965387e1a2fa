/**
 * `mcms inventory import FILE…`: certificates issued by other CAs, watched for expiry only. A file may
 * hold PEM certificates, a DER certificate, or a PKCS#7 (CMS SignedData) bundle, DER or PEM. Each
 * certificate is linked to the person whose mailbox it names (rfc822Name SANs, else an e-mail address in
 * the subject). A file that cannot be read is refused on its own with a specific reason; the others go on.
 */
import { createHash } from 'node:crypto';
import { formatNameDer, fromPem, parseSignedData, PkiError, readCertificate } from '../../lib/pki/index.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { MonitoredCertificate } from './model.js';

export interface ImportFile {
  name: string;
  data: Buffer;
}

export interface ImportedCertificate {
  serial: string;
  subject: string;
  notAfter: Date;
  /** The mailbox it was linked by, or null when it names no known person. */
  linkedTo: string | null;
  added: boolean;
}

export interface FileImport {
  file: string;
  /** Why the file was refused (nothing from it was imported), or null. */
  error: string | null;
  certificates: ImportedCertificate[];
}

const CERTIFICATE_LABELS = ['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'];
const BUNDLE_LABELS = ['PKCS7', 'CMS', 'CERTIFICATE CHAIN'];
const EMAIL = /(?:^|[,+])(?:E|emailAddress|1\.2\.840\.113549\.1\.9\.1)=([^,+\s]+@[^,+\s]+)/g;

/** Every certificate DER in a file, or a PkiError saying why there is none. */
export function certificatesInFile(data: Buffer): Buffer[] {
  if (data.length === 0) throw new PkiError('der.malformed', 'the file is empty');
  if (data[0] !== 0x30 && data.includes('-----BEGIN')) {
    const text = data.toString('utf8');
    const blocks = (labels: string[]) => { try { return fromPem(text, labels); } catch { return []; } };
    const found = [...blocks(CERTIFICATE_LABELS), ...blocks(BUNDLE_LABELS).flatMap((bundle) => bundleCertificates(bundle))];
    if (found.length === 0) throw new PkiError('pem.invalid', 'the file holds no PEM CERTIFICATE or PKCS7 block');
    return found;
  }
  if (data[0] !== 0x30) throw new PkiError('der.malformed', 'the file is neither PEM nor DER');
  try {
    readCertificate(data);
    return [data];
  } catch {
    return bundleCertificates(data);
  }
}

function bundleCertificates(der: Buffer): Buffer[] {
  let certificates: Buffer[];
  try {
    certificates = parseSignedData(der, { ber: true }).certificates;
  } catch {
    throw new PkiError('der.malformed', 'the DER is neither an X.509 certificate nor a PKCS#7 bundle');
  }
  if (certificates.length === 0) throw new PkiError('cms.malformed', 'the PKCS#7 bundle holds no certificate');
  return certificates.map((c) => Buffer.from(c));
}

export function monitoredRecord(der: Buffer, now: Date, source: string): MonitoredCertificate {
  const fields = readCertificate(der);
  const subject = formatNameDer(fields.subject, { ber: true });
  const subjectEmails = [...subject.matchAll(EMAIL)].map((m) => m[1]!);
  return {
    fingerprint: createHash('sha256').update(der).digest('hex'),
    serial: fields.serialHex,
    issuer: formatNameDer(fields.issuer, { ber: true }),
    subject,
    emails: [...new Set([...fields.emails, ...subjectEmails].map((e) => e.toLowerCase()))],
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    subscriberId: null,
    source,
    der,
    createdAt: now,
  };
}

export async function importMonitoredCertificates(
  deps: ExpiryDeps,
  principal: Principal,
  files: ImportFile[],
  options: { source?: string | undefined } = {},
): Promise<FileImport[]> {
  requirePermission(principal, 'certificates.issue');
  const now = deps.clock.now();
  const results: FileImport[] = [];
  for (const file of files) {
    let records: MonitoredCertificate[];
    try {
      records = certificatesInFile(file.data).map((der) => monitoredRecord(der, now, options.source ?? 'file'));
    } catch (error) {
      if (!(error instanceof PkiError)) throw error;
      results.push({ file: file.name, error: error.message, certificates: [] });
      continue;
    }
    results.push({ file: file.name, error: null, certificates: await storeRecords(deps, principal, file.name, records) });
  }
  return results;
}

/** Links each record to the person its mailbox names and stores it (known ones are not added again), audited as one import of `file`. */
export async function storeRecords(deps: ExpiryDeps, principal: Principal, file: string, records: MonitoredCertificate[]): Promise<ImportedCertificate[]> {
  return deps.uow.transaction(async (repos) => {
    const imported: ImportedCertificate[] = [];
    for (const record of records) {
      let linkedTo: string | null = null;
      for (const email of record.emails) {
        const subscriber = await repos.subscribers.findByMailbox(email);
        if (subscriber) {
          record.subscriberId = subscriber.id;
          linkedTo = email;
          break;
        }
      }
      const added = await repos.expiry.insertMonitored(record);
      imported.push({ serial: record.serial, subject: record.subject, notAfter: record.notAfter, linkedTo, added });
    }
    await recordAuditEvent(repos.audit, deps.clock, principal.actor, {
      action: 'inventory.import', target: file,
      details: { certificates: imported.length, added: imported.filter((i) => i.added).length, linked: imported.filter((i) => i.linkedTo).length },
    });
    return imported;
  });
}
