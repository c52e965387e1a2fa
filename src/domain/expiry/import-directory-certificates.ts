/**
 * `mcms inventory import --from-directory`: the certificate values (`userCertificate;binary`) on the
 * people entries of the configured directory become monitored-only records, linked to people by
 * mailbox, as `inventory import FILE…` does for files. Values mcms issued (a known fingerprint) or
 * published itself (`published_values`) are skipped, so nothing is counted twice; a value that is not a
 * certificate is reported with its entry's DN and skipped, and the rest goes on. A second import adds
 * nothing new (records are keyed by fingerprint).
 */
import { createHash } from 'node:crypto';
import { PkiError } from '../../lib/pki/index.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { ExpiryDeps } from './expiry-deps.js';
import type { ImportedCertificate } from './import-certificates.js';
import { certificatesInFile, monitoredRecord, storeRecords } from './import-certificates.js';
import type { MonitoredCertificate } from './model.js';
import type { DirectoryCertificateEntry, DirectoryCertificates } from './ports.js';

export interface EntryImport {
  dn: string;
  /** The certificates of other CAs on the entry (added now, or known already). */
  certificates: ImportedCertificate[];
  /** Why each value that is not a certificate was skipped. */
  refused: string[];
  /** Values that are certificates mcms issued or values it published: skipped. */
  ownValues: number;
}

export interface DirectoryImport {
  /** Every entry that holds at least one value, in directory order. */
  entries: EntryImport[];
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads the directory page by page; each entry's certificates are stored in one transaction. */
export async function importDirectoryCertificates(deps: ExpiryDeps, directory: DirectoryCertificates | null, principal: Principal): Promise<DirectoryImport> {
  requirePermission(principal, 'certificates.issue');
  if (!directory) throw new DomainError('directory.not-configured', 'no directory is configured (ldap.url)');
  const entries: EntryImport[] = [];
  for await (const page of directory.pages()) {
    const known = await deps.uow.read.expiry.knownToMcms(page.flatMap((entry) => entry.values.map(sha256)));
    for (const entry of page) entries.push(await importEntry(deps, principal, entry, known));
  }
  return { entries };
}

async function importEntry(deps: ExpiryDeps, principal: Principal, entry: DirectoryCertificateEntry, known: Set<string>): Promise<EntryImport> {
  const result: EntryImport = { dn: entry.dn, certificates: [], refused: [], ownValues: 0 };
  const now = deps.clock.now();
  const records: MonitoredCertificate[] = [];
  for (const value of entry.values) {
    if (known.has(sha256(value))) {
      result.ownValues += 1;
      continue;
    }
    try {
      records.push(...certificatesInFile(value).map((der) => monitoredRecord(der, now, 'directory')));
    } catch (error) {
      if (!(error instanceof PkiError)) throw error;
      result.refused.push(error.message);
    }
  }
  // A certificate mcms issued may also sit on the entry as a value it did not publish (put there by hand).
  const own = records.length > 0 ? await deps.uow.read.expiry.knownToMcms(records.map((r) => r.fingerprint)) : new Set<string>();
  const foreign = records.filter((r) => !own.has(r.fingerprint));
  result.ownValues += records.length - foreign.length;
  if (foreign.length > 0) result.certificates = await storeRecords(deps, principal, entry.dn, foreign);
  return result;
}
