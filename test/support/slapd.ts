/**
 * A real OpenLDAP `slapd` for a test (peers/README.md "Directory"): its own temp directory, a generated
 * slapd.conf (mdb backend; core, cosine and inetOrgPerson schemas plus a small auxiliary class with the
 * Active Directory attributes a sync reads), listening on a free loopback port. `stop()` and `start()`
 * take it down and bring it back on the same port and data, for outage tests. Entries go in with the
 * real `ldapadd`/`ldapmodify`, and come back out with the real `ldapsearch`.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './openssl.js';

const run = promisify(execFile);

export const SUFFIX = 'dc=example,dc=test';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'secret-root';

/**
 * AD's own OIDs for the attributes an AD sync reads (proxyAddresses, userAccountControl,
 * sAMAccountName, department), on an auxiliary class, since msuser.schema's `user` is a structural
 * class that cannot sit beside inetOrgPerson.
 */
const AD_SCHEMA = `
attributetype ( 1.2.840.113556.1.2.210 NAME 'proxyAddresses'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.7.2 NAME 'mcmsTestOctets'
  DESC 'an octet string: some directories hand over strings unchecked, this one can hold invalid UTF-8'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )
objectclass ( 1.3.6.1.4.1.32473.7.1 NAME 'mcmsTestAdUser' SUP top AUXILIARY
  MAY ( proxyAddresses $ userAccountControl $ sAMAccountName $ department $ mcmsTestOctets ) )
`;

export interface Slapd {
  url: string;
  port: number;
  /** With `tls`: the ldaps:// URL and the PEM CA that issued slapd's certificate. */
  ldapsUrl?: string;
  caFile?: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `ldapadd` of LDIF as the root DN. */
  add(ldif: string): void;
  /** `ldapmodify` of LDIF as the root DN. */
  modify(ldif: string): void;
  /** `ldapsearch` (anonymous, as a mail client does) of `attributes` on one entry: each value's bytes. */
  values(dn: string, attribute: string): Buffer[];
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1 made by openssl, for ldaps://. */
function tlsFiles(dir: { file: (name: string) => string }): { caFile: string; certFile: string; keyFile: string } {
  const files = { caFile: dir.file('tls-ca.pem'), certFile: dir.file('tls-server.pem'), keyFile: dir.file('tls-server.key') };
  const ossl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir.file('tls-ca.key'), '-out', files.caFile,
    '-subj', '/CN=slapd test CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  ossl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.keyFile, '-out', dir.file('tls-server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(dir.file('tls-ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ossl(['x509', '-req', '-in', dir.file('tls-server.csr'), '-CA', files.caFile, '-CAkey', dir.file('tls-ca.key'), '-CAcreateserial', '-days', '2',
    '-extfile', dir.file('tls-ext.cnf'), '-out', files.certFile]);
  return files;
}

export async function startSlapd(options: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = tempDir('mcms-slapd-');
  const tls = options.tls ? tlsFiles(dir) : null;
  const db = join(dir.path, 'db');
  mkdirSync(db);
  writeFileSync(dir.file('ad.schema'), AD_SCHEMA);
  const pidFile = dir.file('slapd.pid');
  writeFileSync(dir.file('slapd.conf'), [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${dir.file('ad.schema')}`,
    `pidfile ${pidFile}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    // Like AD's MaxPageSize: a plain search stops at 500 entries, a paged one (RFC 2696) gets them all.
    'sizelimit size.soft=500 size.hard=500 size.pr=500 size.prtotal=unlimited',
    ...(tls ? [`TLSCACertificateFile ${tls.caFile}`, `TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`] : []),
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${db}`,
    'maxsize 268435456',
    // As directories are run: the attributes mail clients and mcms search by are indexed.
    'index objectClass eq',
    'index mail,uid,proxyAddresses eq',
    'access to * by * read',
    '',
  ].join('\n'));
  let port = 0;
  let tlsPort = 0;
  const launch = async () => {
    const urls = [`ldap://127.0.0.1:${port}/`, ...(tls ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];
    const r = spawnSync('slapd', ['-f', dir.file('slapd.conf'), '-h', urls.join(' ')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`slapd did not start: ${r.stderr}`);
    for (let i = 0; i < 100; i++) {
      const probe = spawnSync('ldapsearch', ['-x', '-H', `ldap://127.0.0.1:${port}/`, '-b', '', '-s', 'base', '1.1'], { encoding: 'utf8' });
      if (probe.status === 0) return;
      await new Promise((r2) => setTimeout(r2, 50));
    }
    throw new Error('slapd did not answer');
  };
  const stop = async () => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try { process.kill(pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 200; i++) {
      try { process.kill(pid, 0); } catch { return; }
      await new Promise((r2) => setTimeout(r2, 25));
    }
    process.kill(pid, 'SIGKILL');
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    tlsPort = tls ? await freePort() : 0;
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const url = `ldap://127.0.0.1:${port}/`;
  const ldif = (tool: string, input: string) =>
    execFileSync(tool, ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PASSWORD], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const slapd: Slapd = {
    url, port, stop,
    ...(tls ? { ldapsUrl: `ldaps://127.0.0.1:${tlsPort}/`, caFile: tls.caFile } : {}),
    start: launch,
    add: (input) => { ldif('ldapadd', input); },
    modify: (input) => { ldif('ldapmodify', input); },
    values: (dn, attribute) => ldapsearchValues(url, dn, attribute, dir.path),
    dispose: async () => {
      await stop();
      dir.remove();
    },
  };
  slapd.add(`dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\ndn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`);
  return slapd;
}

/** Values as ldapsearch writes them with `-tt` (each value to its own file): bytes exactly as sent. */
function ldapsearchValues(url: string, dn: string, attribute: string, work: string): Buffer[] {
  const out = join(work, `values-${process.hrtime.bigint()}`);
  mkdirSync(out);
  const text = execFileSync('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-tt', '-T', out, '-H', url, '-b', dn, '-s', 'base', '(objectClass=*)', attribute], { encoding: 'utf8' });
  const files = [...text.matchAll(/:< file:\/\/(\S+)/g)].map((m) => m[1]!);
  return files.map((file) => readFileSync(file));
}

export async function ldapsearchText(url: string, args: string[]): Promise<string> {
  return (await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, ...args], { encoding: 'utf8' })).stdout;
}

/** An LDIF line for a binary value. */
export function base64Line(attribute: string, value: Buffer): string {
  return `${attribute}:: ${value.toString('base64')}`;
}
