/**
 * Real peers for the escrow tests: OpenSSL (smime encrypt/decrypt, pkcs12), NSS (certutil, pk12util,
 * cmsutil) and GnuTLS (certtool), and raw SQL under the repositories for tampering.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { toPem } from '../../src/lib/pki/index.js';
import type { Dialect, TestInstance } from './instance.js';
import { openssl } from './openssl.js';

const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });

/** Runs raw SQL against the instance's own database, behind mcms's back; returns rows for a SELECT. */
export async function rawSql<Row = Record<string, unknown>>(instance: TestInstance, dialect: Dialect, text: string, params: unknown[] = []): Promise<Row[]> {
  if (dialect === 'sqlite') {
    const db = new Database(join(instance.dataDir, 'mcms.db'));
    try {
      const statement = db.prepare(text.replace(/\$\d+/g, '?'));
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as Row[];
    } finally {
      db.close();
    }
  }
  const url = new URL(instance.env.MCMS_DATABASE_URL!);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * `openssl smime -encrypt` (AES-256, RSA key transport) to a certificate, DER out; `openssl cms` for EC
 * recipients (ECDH key agreement), which the PKCS#7 code behind `smime` cannot do.
 */
export function encryptTo(dir: string, certificateDer: Buffer, message: string, name = 'message', tool: 'smime' | 'cms' = 'smime'): string {
  const cert = join(dir, `${name}-recipient.pem`);
  const input = join(dir, `${name}.txt`);
  const out = join(dir, `${name}.p7m`);
  writeFileSync(cert, toPem('CERTIFICATE', certificateDer));
  writeFileSync(input, message);
  openssl([tool, '-encrypt', '-aes256', '-binary', '-outform', 'DER', '-in', input, '-out', out, cert]);
  return out;
}

/** `openssl pkcs12 -nodes`: the file's private keys (PEM) by friendlyName, and the certificates. */
export function opensslPkcs12(dir: string, pkcs12: Buffer, password: string, name = 'delivered'): { keys: Map<string, string>; certificates: string[]; info: string } {
  const file = join(dir, `${name}.p12`);
  writeFileSync(file, pkcs12);
  const pass = `pass:${password}`;
  const keysPem = openssl(['pkcs12', '-in', file, '-nodes', '-nocerts', '-passin', pass]);
  const keys = new Map<string, string>();
  for (const block of keysPem.split('Bag Attributes').slice(1)) {
    const friendly = /friendlyName: (.*)/.exec(block)?.[1]?.trim() ?? '';
    const pem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(block)?.[0];
    if (pem) keys.set(friendly, pem);
  }
  const certsPem = openssl(['pkcs12', '-in', file, '-nokeys', '-clcerts', '-passin', pass]);
  const certificates = certsPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
  // `-info` writes the MAC and PBE parameters on stderr.
  const info = spawnSync('openssl', ['pkcs12', '-in', file, '-info', '-noout', '-passin', pass], { encoding: 'utf8' });
  if (info.status !== 0) throw new Error(`openssl pkcs12 -info failed: ${info.stderr}`);
  return { keys, certificates, info: `${info.stdout}${info.stderr}` };
}

/** The key whose friendlyName names this serial (mcms puts the serial's first 8 digits in it). */
export function keyForSerial(keys: Map<string, string>, serial: string): string {
  const entry = [...keys.entries()].find(([name]) => name.includes(serial.slice(0, 8)));
  if (!entry) throw new Error(`no key for ${serial} among ${[...keys.keys()].join(', ')}`);
  return entry[1];
}

/** `openssl smime -decrypt` with a PEM key; returns the plaintext (throws if the key does not open it). */
export function opensslDecrypt(dir: string, envelope: string, keyPem: string, certificateDer: Buffer, tool: 'smime' | 'cms' = 'smime'): string {
  const key = join(dir, 'recovered.key');
  const cert = join(dir, 'recovered-cert.pem');
  writeFileSync(key, keyPem, { mode: 0o600 });
  writeFileSync(cert, toPem('CERTIFICATE', certificateDer));
  return openssl([tool, '-decrypt', '-binary', '-inform', 'DER', '-in', envelope, '-recip', cert, '-inkey', key]);
}

/** A new NSS database with the PKCS#12 imported by pk12util; returns pk12util's own lines. */
export function nssImport(dir: string, pkcs12: Buffer, password: string): { db: string; output: string } {
  const db = `sql:${join(dir, 'nssdb')}`;
  run('mkdir', ['-p', join(dir, 'nssdb')]);
  run('certutil', ['-N', '-d', db, '--empty-password']);
  const file = join(dir, 'nss-import.p12');
  writeFileSync(file, pkcs12);
  const output = run('pk12util', ['-i', file, '-d', db, '-W', password, '-K', '']);
  return { db, output };
}

/** `cmsutil -D`: decrypts an EnvelopedData with the keys in the NSS database. */
export function cmsutilDecrypt(db: string, envelope: string): string {
  return run('cmsutil', ['-D', '-d', db, '-i', envelope, '-p', '']);
}

export function pk12utilList(dir: string, pkcs12: Buffer, password: string): string {
  const file = join(dir, 'list.p12');
  writeFileSync(file, pkcs12);
  return run('pk12util', ['-l', file, '-W', password]);
}

export function certtoolInfo(dir: string, pkcs12: Buffer, password: string): string {
  const file = join(dir, 'certtool.p12');
  writeFileSync(file, pkcs12);
  return run('certtool', ['--p12-info', '--inder', '--infile', file, '--password', password]);
}
