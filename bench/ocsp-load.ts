/**
 * The OCSP load generator, the same for mcms and its peer: POSTs pre-built DER requests
 * (`application/ocsp-request`) round-robin over `concurrency` keep-alive connections, one request in
 * flight on each (no pipelining), for a fixed time, and counts answers that are HTTP 200 and a
 * successful OCSPResponse. A server that closes after an answer (or says `Connection: close`) gets a
 * new connection. It speaks just enough HTTP/1.1 over plain sockets (status line, Content-Length,
 * Connection) that the generator costs the machine little next to the server it measures: Node's
 * http client spent more CPU per request than the responder did. Run as a script (so that it can
 * share `unshare -n` with a peer):
 *   node --import tsx bench/ocsp-load.ts URL REQUESTS.der-list CONCURRENCY SECONDS|each  → one JSON line
 * where the request list is the DER requests, each prefixed by its 2-octet length.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

export interface OcspLoad {
  ok: number;
  failed: number;
  /** What the first failure was, if any. */
  firstError: string | null;
  seconds: number;
  perSecond: number;
  /** CPU time (user + system) the generator itself used per answer, in microseconds. */
  cpuUsPerRequest: number;
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

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length:[ \t]*(\d+)[ \t]*$/im;
const CLOSE = /^connection:[ \t]*close[ \t]*$/im;
const CHUNKED = /^transfer-encoding:/im;

/** One HTTP response read off the socket so far. */
interface Parsed {
  status: number;
  bodyStart: number;
  bodyLength: number;
  close: boolean;
}

function parseHead(data: Buffer): Parsed | 'incomplete' | string {
  const end = data.indexOf(HEADER_END);
  if (end < 0) return data.length > 16_384 ? 'response head over 16 KiB' : 'incomplete';
  const head = data.toString('latin1', 0, end);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) return `not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`;
  if (CHUNKED.test(head)) return 'chunked response (the generator reads Content-Length only)';
  const length = CONTENT_LENGTH.exec(head);
  if (!length) return 'response without Content-Length';
  return { status: Number(status[1]), bodyStart: end + 4, bodyLength: Number(length[1]), close: CLOSE.test(head) || head.startsWith('HTTP/1.0') };
}

/**
 * `seconds`: send round-robin until then. `'each'`: every connection sends every request once (its own
 * pass, starting at its own offset) and then stops, so that a server whose workers each keep their own
 * cache has every answer in every worker's cache afterwards, whichever worker holds which connection.
 */
export async function loadOcsp(target: string, requests: readonly Buffer[], options: { concurrency: number; seconds: number | 'each' }): Promise<OcspLoad> {
  const url = new URL(target);
  const port = Number(url.port || 80);
  const head = (length: number) => `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${length}\r\n\r\n`;
  // Every request's bytes are built once, before the clock starts.
  const wire = requests.map((body) => Buffer.concat([Buffer.from(head(body.length), 'latin1'), body]));
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const each = options.seconds === 'each';
  const deadline = each ? Infinity : Date.now() + (options.seconds as number) * 1000;
  const fail = (why: string) => {
    firstError ??= why;
    failed += 1;
  };

  /** One client loop: a connection that sends the next request whenever the last answer is complete. */
  const loop = (_: unknown, index: number) => new Promise<void>((finish) => {
    const offset = Math.floor((index * wire.length) / options.concurrency);
    let sent = 0;
    let socket: Socket;
    let pending: Buffer = Buffer.alloc(0);
    let parsed: Parsed | null = null;
    let inFlight = false;
    const send = () => {
      if (each ? sent === wire.length : Date.now() >= deadline) {
        socket.destroy();
        finish();
        return;
      }
      inFlight = true;
      socket.write(wire[each ? (offset + sent) % wire.length : next++ % wire.length]!);
      sent += 1;
    };
    const open = () => {
      pending = Buffer.alloc(0);
      parsed = null;
      // onread: the socket reads into one buffer of this loop's, without a stream and a Buffer per read.
      const readBuffer = Buffer.allocUnsafe(65_536);
      socket = connect({ host: url.hostname, port, noDelay: true, onread: { buffer: readBuffer, callback: (length) => {
        received(readBuffer.subarray(0, length));
        return true;
      } } }, send);
      const received = (chunk: Buffer) => {
        // What is left over waits in a copy: the read buffer is overwritten by the next read.
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        if (!parsed) {
          const result = parseHead(pending);
          if (result === 'incomplete') {
            pending = Buffer.from(pending);
            return;
          }
          if (typeof result === 'string') {
            fail(result);
            socket.destroy();
            return;
          }
          parsed = result;
        }
        const end = parsed.bodyStart + parsed.bodyLength;
        if (pending.length < end) {
          pending = Buffer.from(pending);
          return;
        }
        const body = pending.subarray(parsed.bodyStart, end);
        if (parsed.status !== 200) fail(`HTTP ${parsed.status}`);
        else if (isSuccessful(body)) ok += 1;
        else fail(`OCSP ${body.subarray(0, 8).toString('hex')}`);
        inFlight = false;
        const close = parsed.close;
        pending = pending.length > end ? Buffer.from(pending.subarray(end)) : Buffer.alloc(0);
        parsed = null;
        if (close) socket.end();
        else send();
      };
      socket.on('error', (error) => fail(error.message));
      socket.on('close', () => {
        if (inFlight) fail('connection closed before the answer');
        inFlight = false;
        if (each ? sent < wire.length : Date.now() < deadline) open();
        else finish();
      });
    };
    open();
  });

  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { ok, failed, firstError, seconds, perSecond: ok / seconds, cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, ok + failed) };
}

if (process.argv[1]?.endsWith('ocsp-load.ts')) {
  const [url, file, concurrency, seconds] = process.argv.slice(2);
  // OCSP_LOAD_LIMIT=N sends only the first N requests (a small, surely cached set, for profiling the server).
  const requests = unpackRequests(readFileSync(file!)).slice(0, Number(process.env.OCSP_LOAD_LIMIT ?? Infinity));
  const result = await loadOcsp(url!, requests, { concurrency: Number(concurrency), seconds: seconds === 'each' ? 'each' : Number(seconds) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
