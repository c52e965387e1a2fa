/**
 * `npm run bench -- crl [--sizes 100000,1000000]`: time to sign a complete CRL of N revoked entries,
 * mcms (`mcms.crl.generate`, which also signs the delta and the root's CRL; entries read from the
 * revocation log in batches and written straight into DER) against `openssl ca -gencrl` over an
 * index.txt holding the same serials, dates and reasons, with an RSA-2048 CA key in both. Each prints
 * one line per size with both times and the ratio.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/index.js';
import { openMcms } from '../src/main/open-mcms.js';
import { tempDir } from '../test/support/openssl.js';

interface Entry {
  serial: string;
  revokedAt: string;
  reason: number | null;
}

const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'];
const indexTime = (iso: string) => iso.replace(/[-:T]/g, '').slice(2, 14) + 'Z';

function entries(count: number): Entry[] {
  const base = Date.now() - 90 * 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const hex = randomBytes(16).toString('hex');
    return {
      serial: `${(parseInt(hex[0]!, 16) % 7) + 1}${hex.slice(1)}`,
      revokedAt: new Date(base + i * 1000).toISOString(),
      reason: i % 4 === 0 ? null : (i % 5) + 1,
    };
  });
}

async function timeMcms(dir: string, list: Entry[]): Promise<{ seconds: number; bytes: number }> {
  const env = { MCMS_DATA_DIR: join(dir, 'data'), MCMS_LOG_LEVEL: 'silent' };
  const setup = await openMcms(loadConfig({ env, cwd: dir }), { init: true });
  await setup.ca.init(setup.localPrincipal());
  await setup.close();
  const db = new Database(join(dir, 'data', 'mcms.db'));
  const insert = db.prepare("insert into revocations (serial, issuer_id, revoked_at, reason_code, not_after) values (?, 'issuing', ?, ?, ?)");
  const notAfter = new Date(Date.now() + 365 * 86_400_000).toISOString();
  db.transaction(() => {
    for (const e of list) insert.run(e.serial, e.revokedAt, e.reason, notAfter);
  })();
  db.close();
  const mcms = await openMcms(loadConfig({ env, cwd: dir }), { init: false });
  try {
    const started = process.hrtime.bigint();
    const crls = await mcms.crl.generate(mcms.localPrincipal(), {});
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const full = crls.find((c) => c.issuerId === 'issuing' && c.kind === 'full')!;
    return { seconds, bytes: full.der.length };
  } finally {
    await mcms.close();
  }
}

function timeOpenssl(dir: string, list: Entry[]): { seconds: number; bytes: number } {
  const notAfter = indexTime(new Date(Date.now() + 365 * 86_400_000).toISOString());
  const lines = list.map((e) => {
    const reason = e.reason === null ? '' : `,${REASONS[e.reason]}`;
    return `R\t${notAfter}\t${indexTime(e.revokedAt)}${reason}\t${e.serial.toUpperCase()}\tunknown\t/CN=bench`;
  });
  writeFileSync(join(dir, 'index.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = bench', '[bench]', `dir = ${dir}`, 'database = $dir/index.txt', 'crlnumber = $dir/crlnumber',
    'certificate = $dir/ca.pem', 'private_key = $dir/ca.key', 'default_md = sha256', 'default_crl_days = 7', 'crl_extensions = crl_ext',
    '[crl_ext]', 'authorityKeyIdentifier = keyid:always', '',
  ].join('\n'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=bench CA', '-days', '30',
    '-addext', 'subjectKeyIdentifier=hash'], { stdio: 'ignore' });
  const started = process.hrtime.bigint();
  execFileSync('openssl', ['ca', '-gencrl', '-batch', '-config', join(dir, 'ca.cnf'), '-out', join(dir, 'crl.pem')], { stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  execFileSync('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-outform', 'DER', '-out', join(dir, 'crl.der')]);
  return { seconds, bytes: statSync(join(dir, 'crl.der')).size };
}

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--sizes');
  const sizes = (i >= 0 ? args[i + 1]! : '100000,1000000').split(',').map(Number);
  for (const size of sizes) {
    const dir = tempDir('mcms-bench-crl-');
    try {
      const list = entries(size);
      const ours = await timeMcms(dir.path, list);
      const theirs = timeOpenssl(dir.path, list);
      console.log(`crl ${size} revoked entries: mcms ${ours.seconds.toFixed(2)} s (${ours.bytes} bytes), openssl ca -gencrl ${theirs.seconds.toFixed(2)} s (${theirs.bytes} bytes), `
        + `mcms takes ${(ours.seconds / theirs.seconds).toFixed(2)} of openssl's time`);
    } finally {
      dir.remove();
    }
  }
}
