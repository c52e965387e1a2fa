/**
 * The OCSP fast path on the main HTTP port. Relying parties ask the same question again and again
 * (RFC 5019: one nonce-less CertID per request, the same octets each time), and the responder has the
 * signed answer ready, so what an answer costs is the HTTP around it. Here every new connection is
 * read first by this module: a request it reads completely (see ocsp-request-head.ts) is answered
 * directly, cached answers without leaving the turn of the event loop; the first request it does not
 * read (any other path, any unusual field) hands the connection, with the octets read so far put back,
 * to Node's HTTP server, and fastify answers from there on as it always does. The answers are the same
 * octets and fields the fastify OCSP route sends (ocsp.ts), with Date and keep-alive.
 *
 * Answers given here are counted in the HTTP metrics (in batches) but not written to the access log:
 * a line per OCSP request would cost more than the answer and bury every other line.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { OcspAnswer } from '../../domain/revocation/index.js';
import {
  INTERNAL, MALFORMED, MAX_OCSP_REQUEST, OCSP_MAX_AGE_S, OCSP_REQUEST, OCSP_RESPONSE, ocspCacheFields, requestFromPath,
} from './ocsp.js';
import type { OcspRequestHead } from './ocsp-request-head.js';
import { MAX_FAST_HEAD, readOcspRequestHead } from './ocsp-request-head.js';

export interface OcspFastPathOptions {
  /** The cached answer for these request octets, synchronously; undefined sends the request to `respond`. */
  cachedAnswer(der: Buffer): OcspAnswer | undefined;
  respond(der: Buffer): Promise<OcspAnswer>;
  now(): Date;
  /** Counts of answers given since the last call, by method and status, every second and at close. */
  count(method: string, status: number, answers: number): void;
  logError(error: unknown): void;
  /** Idle keep-alive connections are closed after this long (the main server's keepAliveTimeout). */
  keepAliveMs: number;
  /** A request must arrive whole within this long (the main server's requestTimeout). */
  requestTimeoutMs: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const INTERNAL_ANSWER: OcspAnswer = { der: INTERNAL, status: 'internalError', cache: null };
const MALFORMED_ANSWER: OcspAnswer = { der: MALFORMED, status: 'malformedRequest', cache: null };

interface Connection {
  socket: Socket;
  /** Octets read and not yet used. */
  pending: Buffer;
  /** An answer is being prepared (the socket is paused meanwhile). */
  busy: boolean;
  /** When the current incomplete request began, or 0; when the connection last went idle. */
  partialSince: number;
  idleSince: number;
  /** The last head read on this connection and what it said: a client repeats its head octets. */
  lastHead: { octets: Buffer; head: OcspRequestHead } | null;
  onData: (chunk: Buffer) => void;
  onError: () => void;
  onClose: () => void;
}

export class OcspFastPath {
  private readonly handOffListeners: ((socket: Socket) => void)[];
  private readonly connections = new Set<Connection>();
  private readonly counts = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;
  private readonly answerParts = new WeakMap<OcspAnswer, Buffer>();
  private prefix = { second: -1, octets: Buffer.alloc(0) };
  private readonly keepAlive: string;

  constructor(private readonly server: Server, private readonly options: OcspFastPathOptions) {
    this.keepAlive = `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(options.keepAliveMs / 1000)}`;
    this.handOffListeners = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => this.adopt(socket));
    this.sweeper = setInterval(() => this.sweep(), 1000).unref();
  }

  /** Idle connections end now, busy ones after their answer; new connections go to Node's server. */
  close(): void {
    this.closing = true;
    for (const connection of this.connections) if (!connection.busy) connection.socket.destroy();
  }

  /** At the app's close: cuts whatever connection is still open, stops the sweeper, counts the rest. */
  destroyAll(): void {
    this.close();
    for (const connection of this.connections) connection.socket.destroy();
    clearInterval(this.sweeper);
    this.flushCounts();
  }

  private adopt(socket: Socket): void {
    if (this.closing) return this.handOff(null, socket);
    const connection: Connection = {
      socket, pending: Buffer.alloc(0), busy: false, partialSince: 0, idleSince: Date.now(), lastHead: null,
      onData: (chunk) => {
        connection.pending = connection.pending.length === 0 ? chunk : Buffer.concat([connection.pending, chunk]);
        if (connection.partialSince === 0) connection.partialSince = Date.now();
        this.serve(connection);
      },
      onError: () => socket.destroy(),
      onClose: () => this.connections.delete(connection),
    };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', connection.onData);
    socket.on('error', connection.onError);
    socket.on('close', connection.onClose);
  }

  /** Answers every complete request in `pending`, one after the other. */
  private serve(connection: Connection): void {
    while (!connection.busy && connection.pending.length > 0 && !connection.socket.destroyed) {
      const { pending } = connection;
      const end = pending.indexOf(HEAD_END);
      if (end < 0) {
        if (pending.length > MAX_FAST_HEAD) this.handOff(connection, connection.socket);
        return;
      }
      const head = end <= MAX_FAST_HEAD ? this.headOf(connection, pending.subarray(0, end)) : null;
      if (!head || head.contentLength > MAX_OCSP_REQUEST) {
        this.handOff(connection, connection.socket);
        return;
      }
      const bodyStart = end + HEAD_END.length;
      if (pending.length < bodyStart + head.contentLength) return;
      const body = pending.subarray(bodyStart, bodyStart + head.contentLength);
      connection.pending = pending.subarray(bodyStart + head.contentLength);
      connection.partialSince = connection.pending.length > 0 ? Date.now() : 0;
      this.answer(connection, head, body);
    }
  }

  private headOf(connection: Connection, octets: Buffer): OcspRequestHead | null {
    if (connection.lastHead?.octets.equals(octets)) return connection.lastHead.head;
    const head = readOcspRequestHead(octets.toString('latin1'));
    connection.lastHead = head ? { octets: Buffer.from(octets), head } : null;
    return head;
  }

  private answer(connection: Connection, head: OcspRequestHead, body: Buffer): void {
    const der = head.method === 'POST' ? (head.contentType === OCSP_REQUEST && body.length > 0 ? body : null) : requestFromPath(head.target);
    if (!der) return this.write(connection, head, MALFORMED_ANSWER);
    const cached = this.options.cachedAnswer(der);
    if (cached) return this.write(connection, head, cached);
    connection.busy = true;
    connection.socket.pause();
    this.options.respond(der).catch((error: unknown) => {
      this.options.logError(error);
      return INTERNAL_ANSWER;
    }).then((answer) => {
      connection.busy = false;
      if (connection.socket.destroyed) return;
      this.write(connection, head, answer);
      connection.socket.resume();
      this.serve(connection);
    }, this.options.logError);
  }

  private write(connection: Connection, head: OcspRequestHead, answer: OcspAnswer): void {
    const { socket } = connection;
    const close = head.close || this.closing;
    const notModified = answer.cache !== null && head.method === 'GET' && head.ifNoneMatch === answer.cache.etag;
    const now = this.options.now();
    if (!close && !notModified && answer.cache && answer.cache.nextUpdate.getTime() - now.getTime() >= OCSP_MAX_AGE_S * 1000) {
      socket.cork();
      socket.write(this.secondPrefix(answer, now));
      socket.write(this.answerPart(answer));
      socket.uncork();
    } else {
      socket.write(this.wholeMessage(answer, now, { notModified, close }));
    }
    connection.idleSince = Date.now();
    this.countAnswer(head.method, notModified ? 304 : 200);
    if (close) socket.end();
  }

  /*
   * The usual answer (200, keep-alive, the full max-age) is written as two parts made before, with no
   * copy: the status line and the fields that change by the second (Date, Expires, Cache-Control), one
   * for every answer in that second; then the answer's own fields and its DER, made once per answer and
   * kept as long as the responder caches it (about as many octets again as the answer).
   */
  private secondPrefix(answer: OcspAnswer, now: Date): Buffer {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.prefix.second) {
      const fields = ocspCacheFields(answer, now);
      this.prefix = {
        second,
        octets: Buffer.from(`HTTP/1.1 200 OK\r\ndate: ${now.toUTCString()}\r\nexpires: ${fields.expires}\r\ncache-control: ${fields['cache-control']}\r\n`, 'latin1'),
      };
    }
    return this.prefix.octets;
  }

  private answerPart(answer: OcspAnswer): Buffer {
    let part = this.answerParts.get(answer);
    if (!part) {
      const fields = `content-type: ${OCSP_RESPONSE}\r\ncontent-length: ${answer.der.length}\r\netag: ${answer.cache!.etag}\r\n`
        + `last-modified: ${answer.cache!.producedAt.toUTCString()}\r\nx-content-type-options: nosniff\r\n${this.keepAlive}\r\n\r\n`;
      part = Buffer.concat([Buffer.from(fields, 'latin1'), answer.der]);
      this.answerParts.set(answer, part);
    }
    return part;
  }

  /** Any other answer (a 304, a closing connection, an uncacheable or nearly due one), made whole. */
  private wholeMessage(answer: OcspAnswer, now: Date, options: { notModified: boolean; close: boolean }): Buffer {
    let head = options.notModified ? 'HTTP/1.1 304 Not Modified\r\n' : `HTTP/1.1 200 OK\r\ncontent-type: ${OCSP_RESPONSE}\r\ncontent-length: ${answer.der.length}\r\n`;
    for (const [name, value] of Object.entries(ocspCacheFields(answer, now))) head += `${name}: ${value}\r\n`;
    head += `x-content-type-options: nosniff\r\ndate: ${now.toUTCString()}\r\n${options.close ? 'connection: close' : this.keepAlive}\r\n\r\n`;
    return options.notModified ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), answer.der]);
  }

  /** Gives the connection to Node's HTTP server with the octets not used yet (none when `connection` is null). */
  private handOff(connection: Connection | null, socket: Socket): void {
    if (connection) {
      this.connections.delete(connection);
      socket.removeListener('data', connection.onData);
      socket.removeListener('error', connection.onError);
      socket.removeListener('close', connection.onClose);
      socket.pause();
      if (connection.pending.length > 0) socket.unshift(connection.pending);
    }
    for (const listener of this.handOffListeners) listener.call(this.server, socket);
    // Node's server reads on from here (the octets put back first).
    process.nextTick(() => socket.resume());
  }

  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) {
      if (connection.busy) continue;
      const limit = connection.partialSince > 0 ? connection.partialSince + this.options.requestTimeoutMs : connection.idleSince + this.options.keepAliveMs;
      if (now > limit) connection.socket.destroy();
    }
    this.flushCounts();
  }

  private countAnswer(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private flushCounts(): void {
    for (const [key, answers] of this.counts) {
      const [method, status] = key.split(' ');
      this.options.count(method!, Number(status), answers);
    }
    this.counts.clear();
  }
}
