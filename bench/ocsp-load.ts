/**
 * The OCSP load generator, the same for mcms and its peer: POSTs pre-built DER requests
 * (`application/ocsp-request`) round-robin from `concurrency` loops over keep-alive connections
 * (node:http Agent; a server that closes after each answer gets a new connection), for a fixed time,
 * and counts answers that are HTTP 200 and a successful OCSPResponse. Run as a script (so that it can
 * share `unshare -n` with a peer):
 *   node --import tsx bench/ocsp-load.ts URL REQUESTS.der-list CONCURRENCY SECONDS  → one JSON line
 * where the request list is the DER requests, each prefixed by its 2-octet length.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

export interface OcspLoad {
  ok: number;
  failed: number;
  /** What the first failure was, if any. */
  firstError: string | null;
  seconds: number;
  perSecond: number;
}

/** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful(0), responseBytes … }. */
function isSuccessful(body: Buffer): boolean {
  if (body.length < 8 || body[0] !== 0x30) return false;
  const at = body[1]! < 0x80 ? 2 : 2 + (body[1]! & 0x7f);
  return body[at] === 0x0a && body[at + 1] === 1 && body[at + 2] === 0;
}

export function packRequests(requests: readonly Buffer[]): Buffer {
  return Buffer.concat(requests.flatMap((r) => [Buffer.from([r.length >> 8, r.length & 0xff]), r]));
}

export function unpackRequests(packed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < packed.length;) {
    const length = (packed[p]! << 8) | packed[p + 1]!;
    out.push(packed.subarray(p + 2, p + 2 + length));
    p += 2 + length;
  }
  return out;
}

let firstError: string | null = null;

function post(url: URL, agent: Agent, body: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) firstError ??= `HTTP ${res.statusCode}`;
        resolve(res.statusCode === 200 ? Buffer.concat(chunks) : null);
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', (error) => {
      firstError ??= error.message;
      resolve(null);
    });
    req.end(body);
  });
}

export async function loadOcsp(target: string, requests: readonly Buffer[], options: { concurrency: number; seconds: number }): Promise<OcspLoad> {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + options.seconds * 1000;
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (Date.now() < deadline) {
      const body = await post(url, agent, requests[next++ % requests.length]!);
      if (body && isSuccessful(body)) ok += 1;
      else {
        if (body) firstError ??= `OCSP ${body.subarray(0, 8).toString('hex')}`;
        failed += 1;
      }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { ok, failed, firstError, seconds, perSecond: ok / seconds };
}

if (process.argv[1]?.endsWith('ocsp-load.ts')) {
  const [url, file, concurrency, seconds] = process.argv.slice(2);
  const result = await loadOcsp(url!, unpackRequests(readFileSync(file!)), { concurrency: Number(concurrency), seconds: Number(seconds) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
