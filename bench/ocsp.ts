/**
 * `npm run bench -- ocsp [--seconds 8] [--concurrency 16] [--workers 2] [--skip-peer]`: OCSP requests
 * per second, mcms (`serve --workers 2`) against `openssl ocsp -multi 2`, with one load generator
 * (bench/ocsp-load.c, compiled here with `cc -O2`: keep-alive POSTs of pre-built nonce-less SHA-1 CertID
 * requests, RFC 5019 style, one in flight per connection, every answer checked) over the same
 * 10,000-certificate inventory of which 1,000 are revoked. openssl binds every interface, so it and the
 * load generator run inside `unshare -n` (../shared/peers/README.md). mcms is warmed up first (its
 * nonce-less answers are signed ahead and cached; openssl signs each one): passes in which every
 * connection sends every request once, until a pass signs nothing. The line also gives the CPU time per request of mcms's processes and of the generator,
 * which a shared machine disturbs less than the rate. The generator is in C because in Node it cost
 * the machine about as much per answer as mcms did. */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { integer, nullValue, octetString, oid, readBitString, readCertificate, readChildren, readWhole, seq } from '../src/lib/pki/index.js';
import { tempDir } from '../test/support/openssl.js';
import { seedCertificates } from './inventory-seed.js';
import { startMcms } from './mcms-server.js';
import { freePort } from './scep-peers.js';

const TOTAL = 10_000;
const REVOKED = 1_000;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** A nonce-less OCSPRequest with one SHA-1 CertID (RFC 5019 §2.1.1). */
function ocspRequest(issuer: Buffer, serialHex: string): Buffer {
  const fields = readCertificate(issuer);
  const [, bits] = readChildren(fields.subjectPublicKeyInfo, readWhole(fields.subjectPublicKeyInfo, 'spki'));
  const keyBits = readBitString(fields.subjectPublicKeyInfo, bits!).bytes;
  const sha1 = (data: Buffer) => createHash('sha1').update(data).digest();
  const certId = seq(seq(oid('1.3.14.3.2.26'), nullValue()), octetString(sha1(fields.subject)), octetString(sha1(keyBits)), integer(Buffer.from(serialHex.padStart(serialHex.length + (serialHex.length % 2), '0'), 'hex')));
  return seq(seq(seq(seq(certId))));
}

/** What the load generator (bench/ocsp-load.c) prints. */
interface OcspLoad {
  ok: number;
  failed: number;
  firstError: string | null;
  seconds: number;
  perSecond: number;
  /** CPU time (user + system) the generator itself used per answer, in microseconds. */
  cpuUsPerRequest: number;
}

/** The DER requests, each prefixed by its length in two octets: the generator's input. */
function packRequests(requests: readonly Buffer[]): Buffer {
  return Buffer.concat(requests.flatMap((r) => [Buffer.from([r.length >> 8, r.length & 0xff]), r]));
}

/** Compiles the load generator into `dir` (cc is on every machine the benchmarks run on). */
function buildLoader(dir: string): string {
  const binary = join(dir, 'ocsp-load');
  execFileSync('cc', ['-O2', '-o', binary, resolve(import.meta.dirname, 'ocsp-load.c')], { stdio: 'inherit' });
  return binary;
}

/** The load generator in a process of its own, as for the peer (which needs it inside `unshare -n`). */
function runLoader(loader: string, url: string, requestsFile: string, concurrency: number, seconds: number | 'each'): OcspLoad {
  const run = spawnSync(loader, [url, requestsFile, String(concurrency), String(seconds)], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`load generator failed: ${run.stdout}${run.stderr}`);
  return JSON.parse(line) as OcspLoad;
}

const indexTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

export async function run(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 8);
  const concurrency = option(args, 'concurrency', 16);
  const workers = option(args, 'workers', 2);
  const skipPeer = args.includes('--skip-peer');
  const dir = tempDir('mcms-bench-ocsp-');
  const dataDir = join(dir.path, 'data');
  try {
    const loader = buildLoader(dir.path);
    // 1. An mcms with one real certificate, then 9,999 copies with fresh serials, 1,000 of them revoked.
    const first = await startMcms({ dataDir, init: true });
    const token = first.adminToken!;
    const api = (path: string, body: unknown) => fetch(`${first.origin}/api/v1${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    await api('/subscribers', { email: 'bench@example.test' });
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir.path, 'k.pem'), '-out', join(dir.path, 'r.csr'), '-subj', '/CN=bench'], { stdio: 'ignore' });
    const issued = await api('/certificates', { profile: 'smime-signing', subscriber: 'bench@example.test', csr: execFileSync('cat', [join(dir.path, 'r.csr')], { encoding: 'utf8' }) });
    if (issued.status !== 201) throw new Error(`issue: ${issued.status} ${await issued.text()}`);
    const issuer = Buffer.from(await (await fetch(`${first.origin}/ca/issuing.crt`)).arrayBuffer());
    await first.stop();
    const dbFile = join(dataDir, 'mcms.db');
    seedCertificates(dbFile, TOTAL - 1);
    const db = new Database(dbFile);
    const rows = db.prepare("select serial, not_after from certificates where subscriber_id is not null order by seq").all() as { serial: string; not_after: string }[];
    const revokedAt = new Date().toISOString();
    const revoke = db.prepare("update certificates set status = 'revoked', revoked_at = ?, revocation_reason = 'keyCompromise' where serial = ?");
    const log = db.prepare("insert into revocations (serial, issuer_id, revoked_at, reason_code, not_after) values (?, 'issuing', ?, 1, ?)");
    db.transaction(() => {
      for (const row of rows.slice(0, REVOKED)) {
        revoke.run(revokedAt, row.serial);
        log.run(row.serial, revokedAt, row.not_after);
      }
    })();
    db.close();
    const requests = rows.map((r) => ocspRequest(issuer, r.serial));
    writeFileSync(join(dir.path, 'requests.bin'), packRequests(requests));

    // 2. mcms, two workers: warm up (sign ahead), then measure.
    const mcms = await startMcms({ dataDir, init: false, workers });
    let ours: OcspLoad;
    let serverCpuUs: number;
    try {
      // Each worker signs every answer once before it serves it from its cache: 2 × 10,000 RSA signatures.
      // In a pass every connection sends every request once; node:cluster may give one worker all of a
      // pass's connections, so passes repeat until one signs nothing (a signature costs ~1 ms of CPU,
      // a cached answer some 30 µs): then every worker has every answer.
      for (let pass = 1; pass <= 8; pass += 1) {
        const before = mcms.cpuMs();
        const warm = runLoader(loader, `${mcms.origin}/ocsp`, join(dir.path, 'requests.bin'), concurrency, 'each');
        const cpuPerRequestUs = ((mcms.cpuMs() - before) * 1000) / Math.max(1, warm.ok + warm.failed);
        if (warm.failed > 0) throw new Error(`warm-up: ${warm.failed} failed, first: ${warm.firstError}`);
        if (cpuPerRequestUs < 80) break;
      }
      const cpuBefore = mcms.cpuMs();
      ours = runLoader(loader, `${mcms.origin}/ocsp`, join(dir.path, 'requests.bin'), concurrency, seconds);
      serverCpuUs = ((mcms.cpuMs() - cpuBefore) * 1000) / Math.max(1, ours.ok + ours.failed);
    } finally {
      await mcms.stop();
    }
    const oursLine = `mcms (${workers} workers) ${ours.perSecond.toFixed(0)} req/s (${ours.failed} failed; CPU per request: server ${serverCpuUs.toFixed(0)} µs, generator ${ours.cpuUsPerRequest.toFixed(0)} µs)`;
    if (skipPeer) {
      if (ours.failed > 0) console.error(`first failure: ${ours.firstError}`);
      console.log(`ocsp ${TOTAL} certificates (${REVOKED} revoked), POST keep-alive, concurrency ${concurrency}, ${seconds}s: ${oursLine}`);
      return;
    }

    // 3. openssl ocsp -multi 2 over the same inventory, RSA-2048 responder like mcms's, inside unshare -n.
    const index = rows.map((r, i) => {
      const serial = (r.serial.length % 2 ? `0${r.serial}` : r.serial).toUpperCase();
      const expiry = indexTime(new Date(r.not_after));
      return i < REVOKED ? `R\t${expiry}\t${indexTime(new Date(revokedAt))},keyCompromise\t${serial}\tunknown\t/CN=bench${i}` : `V\t${expiry}\t\t${serial}\tunknown\t/CN=bench${i}`;
    });
    writeFileSync(join(dir.path, 'index.txt'), `${index.join('\n')}\n`);
    writeFileSync(join(dir.path, 'issuing.pem'), `-----BEGIN CERTIFICATE-----\n${issuer.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir.path, 'resp.key'), '-out', join(dir.path, 'resp.pem'), '-subj', '/CN=bench responder', '-days', '30'], { stdio: 'ignore' });
    const port = await freePort();
    const script = [
      'ip link set lo up',
      `openssl ocsp -index ${dir.path}/index.txt -port ${port} -rsigner ${dir.path}/resp.pem -rkey ${dir.path}/resp.key -CA ${dir.path}/issuing.pem -multi 2 -ignore_err >${dir.path}/peer.log 2>&1 &`,
      'peer=$!',
      'sleep 1',
      `${loader} http://127.0.0.1:${port}/ ${dir.path}/requests.bin ${concurrency} ${seconds}`,
      // openssl ocsp -multi moves into a process group of its own and its workers ignore SIGTERM:
      // kill that group, then this session's.
      'kill -9 -$peer',
      'kill -KILL 0',
    ].join('\n');
    const peerRun = spawnSync('unshare', ['-n', 'setsid', '--wait', 'sh', '-c', script], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '..') });
    const line = peerRun.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{') || !line.includes('"ok":') || /"ok":0,/.test(line)) throw new Error(`openssl ocsp run failed: ${peerRun.stdout}${peerRun.stderr}${readFileSync(join(dir.path, 'peer.log'), 'utf8')}`);
    const theirs = JSON.parse(line) as { ok: number; failed: number; perSecond: number; firstError: string | null };
    if (theirs.failed > 0 || ours.failed > 0) console.error(`first failures: mcms ${ours.firstError}, openssl ${theirs.firstError}`);
    const ratio = ours.perSecond / theirs.perSecond;
    console.log(`ocsp ${TOTAL} certificates (${REVOKED} revoked), POST keep-alive, concurrency ${concurrency}, ${seconds}s: `
      + `${oursLine}, openssl ocsp -multi 2 ${theirs.perSecond.toFixed(0)} req/s (${theirs.failed} failed), `
      + `ratio ${ratio.toFixed(1)}x`);
  } finally {
    dir.remove();
  }
}

