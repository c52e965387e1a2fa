/**
 * How `mcms serve --workers N` shares its port: the supervisor accepts every TCP connection and hands
 * it to the worker with the fewest open connections; the worker serves it as if it had accepted it.
 *
 * node:cluster's own round-robin gives a new connection to whichever worker acknowledged its previous
 * one first. A burst of keep-alive connections (a reverse proxy's pool, a fleet behind one NAT, a load
 * test) can then land 3:1 and stay so for as long as the connections live: one worker saturates its
 * core while the other idles. Counting open connections per worker keeps them even.
 *
 * Each worker's HTTP server listens on a Unix socket of its own in a private (0700) directory, only so
 * that Node's connection tracking runs (request and keep-alive timeouts, closing idle connections on
 * shutdown); nothing else connects there.
 */
import type { Worker } from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Supervisor → worker, with the socket: serve this connection. */
const HANDED = 'mcms:connection';
/** Worker → supervisor: `count` handed connections have closed. */
const CLOSED = 'mcms:connections-closed';
/** Worker → supervisor: the HTTP app is built; connections may come. */
const READY = 'mcms:worker-ready';

type Message = { type?: unknown; count?: unknown } | null | undefined;
const typeOf = (message: unknown) => (message as Message)?.type;

export class ConnectionBalancer {
  readonly #open = new Map<Worker, number>();
  readonly #server: Server;

  constructor(private readonly onError: (error: Error) => void) {
    // Paused: no octet is read here; the worker's HTTP parser reads the first. noDelay as Node's HTTP
    // server sets it on the connections it accepts (the option stays on the socket handed over).
    this.#server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.#handOver(socket));
  }

  /** Resolves once `worker` said it is ready; it gets connections from then on until it exits. */
  async add(worker: Worker): Promise<void> {
    worker.on('message', (message: unknown) => {
      if (typeOf(message) === CLOSED) this.#release(worker, Number((message as Message)?.count) || 0);
    });
    worker.once('exit', () => this.#open.delete(worker));
    await new Promise<void>((resolve, reject) => {
      const ready = (message: unknown) => {
        if (typeOf(message) !== READY) return;
        worker.off('message', ready).off('exit', exited);
        this.#open.set(worker, 0);
        resolve();
      };
      const exited = () => {
        worker.off('message', ready);
        reject(new Error(`worker ${worker.process.pid} exited during start-up`));
      };
      worker.on('message', ready).once('exit', exited);
    });
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host, port }, () => {
        this.#server.off('error', reject).on('error', this.onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting at once; connections already handed over stay with their workers. Not waited for:
   * net.Server's close would wait until the workers have closed every connection handed to them, and
   * they close their idle ones only once told to stop.
   */
  close(): void {
    if (this.#server.listening) this.#server.close();
  }

  /** `count` of the worker's connections have closed (or never reached it). */
  #release(worker: Worker, count: number): void {
    const open = this.#open.get(worker);
    if (open !== undefined) this.#open.set(worker, Math.max(0, open - count));
  }

  #handOver(socket: Socket): void {
    let chosen: Worker | undefined;
    let fewest = Infinity;
    for (const [worker, open] of this.#open) {
      if (open < fewest && worker.isConnected()) [chosen, fewest] = [worker, open];
    }
    if (!chosen) {
      socket.destroy();
      return;
    }
    const worker = chosen;
    this.#open.set(worker, fewest + 1);
    // The socket is closed here once sent (keepOpen false); the worker holds the connection from then on.
    worker.send({ type: HANDED }, socket, (error) => {
      if (!error) return;
      this.#release(worker, 1);
      socket.destroy();
    });
  }
}

/** A private directory for a worker's own socket, and the path of that socket. */
export function workerSocketPath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mcms-worker-'));
  return { path: join(dir, 'http.sock'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * In a worker: serves the connections the supervisor hands over on `server`, tells the supervisor
 * when they close (batched per turn of the event loop), and says it is ready.
 */
export function serveHandedConnections(server: HttpServer, send: (message: unknown) => void): void {
  let closed = 0;
  const countClosed = () => {
    if (closed++ > 0) return;
    setImmediate(() => {
      send({ type: CLOSED, count: closed });
      closed = 0;
    });
  };
  process.on('message', (message: unknown, socket?: Socket) => {
    if (typeOf(message) !== HANDED) return;
    if (!socket) {
      // The connection closed before its handle could be received: it is gone, and counted so.
      countClosed();
      return;
    }
    // What net.Server does for a connection it accepted itself (lib/net.js onconnection): count it,
    // so that closing the server waits for it, and let it uncount itself when it closes.
    const accounting = server as unknown as { _connections: number };
    accounting._connections += 1;
    Object.assign(socket, { server, _server: server });
    socket.once('close', countClosed);
    server.emit('connection', socket);
  });
  send({ type: READY });
}
