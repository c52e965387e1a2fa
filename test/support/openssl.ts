/** The real openssl CLI, for making requests and for checking what mcms produces. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function openssl(args: string[], input?: Buffer | string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'mcms-test-'): { path: string; file: (name: string) => string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export type KeySpec = 'rsa:1024' | 'rsa:2048' | 'rsa:3072' | 'ec:P-256' | 'ec:P-384' | 'ec:P-521' | 'ed25519';

/** A fresh key and a PKCS#10 request made by `openssl req`; the subject is whatever the caller says. */
export function makeCsr(dir: string, name: string, key: KeySpec = 'rsa:2048', subject = '/CN=ignored by mcms/emailAddress=attacker@evil.test'): { csrPem: string; keyFile: string; csrFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  const keyArgs = key.startsWith('rsa:')
    ? ['-newkey', key]
    : key === 'ed25519' ? ['-newkey', 'ed25519'] : ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${key.slice(3)}`];
  openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', subject,
    '-addext', 'subjectAltName=email:attacker@evil.test,DNS:evil.test']);
  return { csrPem: readFileSync(csrFile, 'utf8'), keyFile, csrFile };
}

/** `openssl verify` of a leaf against root (trusted) and intermediates (untrusted); returns openssl's output. */
export function verifyChain(dir: string, leafPem: string, chainPems: string[], purpose?: string): string {
  const root = chainPems[chainPems.length - 1]!;
  const intermediates = chainPems.slice(0, -1);
  writeFileSync(join(dir, 'root.pem'), root);
  writeFileSync(join(dir, 'untrusted.pem'), intermediates.join(''));
  writeFileSync(join(dir, 'leaf.pem'), leafPem);
  const args = ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'untrusted.pem'), '-x509_strict'];
  if (purpose) args.push('-purpose', purpose);
  return openssl([...args, join(dir, 'leaf.pem')]);
}
