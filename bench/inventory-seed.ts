/**
 * Fills a stopped mcms's SQLite database (schema: src/adapters/db/migrations/sqlite/0001-initial.ts)
 * with synthetic certificates, to measure whether work grows with the inventory: each row copies the
 * newest issued certificate (same subscriber, issuer, profile, DER) with a fresh random serial,
 * fingerprint and public-key hash, plus its certificate_emails rows, all in one transaction.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

/** 128 random bits as 32 hex digits with a first digit 1-7, so the DER INTEGER is positive and 16 octets. */
const randomSerial = () => {
  const hex = randomBytes(16).toString('hex');
  return `${(parseInt(hex[0]!, 16) % 7) + 1}${hex.slice(1)}`;
};

/** Inserts `count` rows copied from the newest certificate; returns the table's row count afterwards. */
export function seedCertificates(databaseFile: string, count: number): number {
  const db = new Database(databaseFile);
  try {
    const template = db.prepare('select seq from certificates where subscriber_id is not null order by seq desc limit 1').get() as { seq: number } | undefined;
    if (!template) throw new Error(`${databaseFile} has no issued certificate to copy`);
    const copy = db.prepare(`insert into certificates (serial, issuer_id, subject, emails, not_before, not_after, profile, status, revoked_at,
        revocation_reason, subscriber_id, device_id, fingerprint, public_key_hash, der, created_at)
      select ?, issuer_id, subject, emails, not_before, not_after, profile, status, revoked_at, revocation_reason, subscriber_id,
        device_id, ?, ?, der, created_at from certificates where seq = ?`);
    // Read once: certificate_emails is keyed (address, certificate_seq), so a lookup by seq alone scans it.
    const addresses = (db.prepare('select address from certificate_emails where certificate_seq = ?').all(template.seq) as { address: string }[]).map((r) => r.address);
    const addEmail = db.prepare('insert into certificate_emails (address, certificate_seq) values (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        const { lastInsertRowid } = copy.run(randomSerial(), randomBytes(32).toString('hex'), randomBytes(32).toString('hex'), template.seq);
        for (const address of addresses) addEmail.run(address, lastInsertRowid);
      }
    })();
    return (db.prepare('select count(*) as n from certificates').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
