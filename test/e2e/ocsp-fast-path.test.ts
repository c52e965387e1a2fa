/**
 * The OCSP fast path on the main port, over raw sockets so that what goes over the wire is seen: OCSP
 * requests are answered on the connection, other requests on the same connection are handed to
 * fastify (also after OCSP requests, also pipelined in one packet), requests split in single octets
 * are read whole, unusual requests (chunked, HTTP/1.0, TLS octets) go to Node's parser, `Connection:
 * close` closes, answers are counted in /metrics, and a shutdown does not wait for idle connections.
 * On PostgreSQL there is no synchronous revocation check, so every answer takes the asynchronous way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { toPem } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, tempDir } from '../support/openssl.js';

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** A raw HTTP/1.1 connection that sends octets as given and reads the answers (Content-Length only). */
class RawClient {
  private data = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(octets: Buffer | string): void {
    this.socket.write(octets);
  }

  async answer(): Promise<Answer> {
    for (;;) {
      const end = this.data.indexOf('\r\n\r\n');
      if (end >= 0) {
        const lines = this.data.toString('latin1', 0, end).split('\r\n');
        const headers = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const length = Number(headers.get('content-length') ?? 0);
        if (this.data.length >= end + 4 + length) {
          const body = this.data.subarray(end + 4, end + 4 + length);
          this.data = this.data.subarray(end + 4 + length);
          return { status: Number(lines[0]!.split(' ')[1]), headers, body };
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.data.toString('latin1'))}`);
      await this.more();
    }
  }

  /** Waits for more octets or the close; a server that stays silent for 10 s fails the test instead of hanging it. */
  private async more(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => { this.waiting = resolve; }),
      new Promise<void>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000); }),
    ]).finally(() => clearTimeout(timer));
    this.waiting = null;
  }

  async closedByServer(): Promise<void> {
    while (!this.closed) await this.more();
  }

  end(): void {
    this.socket.destroy();
  }
}

const post = (der: Buffer, extra = '') => Buffer.concat([
  Buffer.from(`POST /ocsp HTTP/1.1\r\nHost: ca.test\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${der.length}\r\n${extra}\r\n`, 'latin1'), der,
]);
const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: ca.test\r\n\r\n';
const isOcspSuccess = (body: Buffer) => body.subarray(0, 7).toString('hex').startsWith('308') && body.includes(Buffer.from('0a0100', 'hex'));

for (const { dialect, skip } of dialects) {
  describe(`OCSP fast path on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    let port = 0;
    const dir = tempDir();
    let request: Buffer;

    before(async () => {
      instance = await startInstance(dialect, { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
      server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
      port = Number(new URL(server.url).port);
      const { mcms } = instance;
      const admin = mcms.localPrincipal();
      const [issuing] = (await mcms.ca.show(admin)).chain;
      writeFileSync(dir.file('issuing.pem'), toPem('CERTIFICATE', issuing!));
      await mcms.subscribers.add(admin, { email: 'fast@example.test' });
      const record = await mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: 'fast@example.test', csr: makeCsr(dir.path, 'good').csrPem });
      writeFileSync(dir.file('good.pem'), toPem('CERTIFICATE', record.der));
      execFileSync('openssl', ['ocsp', '-issuer', dir.file('issuing.pem'), '-cert', dir.file('good.pem'), '-no_nonce', '-reqout', dir.file('req.der')]);
      request = readFileSync(dir.file('req.der'));
    });
    after(async () => {
      await server?.close();
      await instance?.dispose();
      dir.remove();
    });

    test('OCSP answers, then another request on the same connection goes to fastify', async () => {
      const client = await RawClient.open(port);
      for (let i = 0; i < 3; i += 1) {
        client.send(post(request));
        const answer = await client.answer();
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.get('content-type'), 'application/ocsp-response');
        assert.equal(answer.headers.get('connection'), 'keep-alive');
        assert.ok(answer.headers.get('date') && answer.headers.get('etag') && answer.headers.get('expires'));
        assert.ok(isOcspSuccess(answer.body));
      }
      client.send(HEALTH);
      const health = await client.answer();
      assert.equal(health.status, 200);
      assert.ok(health.headers.get('x-request-id'), 'answered by fastify');
      // Once handed over, fastify answers OCSP on this connection too: the same signed answer.
      client.send(post(request));
      const again = await client.answer();
      assert.equal(again.status, 200);
      assert.ok(again.headers.get('x-request-id'));
      assert.ok(isOcspSuccess(again.body));
      client.end();
    });

    test('a connection that starts with another request is fastify\'s from the start', async () => {
      const client = await RawClient.open(port);
      client.send(HEALTH);
      assert.equal((await client.answer()).status, 200);
      client.end();
    });

    test('pipelined requests in one packet are answered in order, across the hand-over', async () => {
      const client = await RawClient.open(port);
      client.send(Buffer.concat([post(request), post(Buffer.from('garbage')), Buffer.from(HEALTH), post(request)]));
      const answers = [await client.answer(), await client.answer(), await client.answer(), await client.answer()];
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
      assert.ok(isOcspSuccess(answers[0]!.body));
      assert.deepEqual(answers[1]!.body, Buffer.from('30030a0101', 'hex'), 'malformedRequest');
      assert.match(answers[2]!.body.toString(), /"status"/);
      assert.ok(isOcspSuccess(answers[3]!.body));
      client.end();
    });

    test('a request sent one octet at a time is read whole', async () => {
      const client = await RawClient.open(port);
      for (const octet of post(request)) {
        client.send(Buffer.of(octet));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const answer = await client.answer();
      assert.equal(answer.status, 200);
      assert.ok(isOcspSuccess(answer.body));
      client.end();
    });

    test('chunked bodies and HTTP/1.0 go to Node\'s parser and still get an OCSP answer; TLS octets get a 400', async () => {
      const chunked = await RawClient.open(port);
      chunked.send(Buffer.concat([
        Buffer.from(`POST /ocsp HTTP/1.1\r\nHost: a\r\nContent-Type: application/ocsp-request\r\nTransfer-Encoding: chunked\r\n\r\n${request.length.toString(16)}\r\n`),
        request, Buffer.from('\r\n0\r\n\r\n'),
      ]));
      const viaNode = await chunked.answer();
      assert.equal(viaNode.status, 200);
      assert.ok(viaNode.headers.get('x-request-id'));
      assert.ok(isOcspSuccess(viaNode.body));
      chunked.end();

      const old = await RawClient.open(port);
      old.send(Buffer.concat([Buffer.from(`POST /ocsp HTTP/1.0\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${request.length}\r\n\r\n`), request]));
      assert.ok(isOcspSuccess((await old.answer()).body));
      old.end();

      const tls = await RawClient.open(port);
      tls.send(Buffer.from('16030100c4010000c00303', 'hex'));
      tls.send('\r\n\r\n');
      assert.equal((await tls.answer()).status, 400);
      await tls.closedByServer();
    });

    test('Connection: close is honoured; GET with If-None-Match gets 304', async () => {
      const client = await RawClient.open(port);
      client.send(post(request, 'Connection: close\r\n'));
      const answer = await client.answer();
      assert.equal(answer.headers.get('connection'), 'close');
      await client.closedByServer();

      const get = await RawClient.open(port);
      const target = `/ocsp/${encodeURIComponent(request.toString('base64'))}`;
      get.send(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`);
      const first = await get.answer();
      assert.equal(first.status, 200);
      get.send(`GET ${target} HTTP/1.1\r\nHost: a\r\nIf-None-Match: ${first.headers.get('etag')}\r\n\r\n`);
      const second = await get.answer();
      assert.equal(second.status, 304);
      assert.equal(second.body.length, 0);
      get.send(`GET /ocsp/%E0%A4%A HTTP/1.1\r\nHost: a\r\n\r\n`);
      assert.deepEqual((await get.answer()).body, Buffer.from('30030a0101', 'hex'));
      get.end();
    });

    test('fast-path answers are counted in the metrics', async () => {
      const client = await RawClient.open(port);
      for (let i = 0; i < 5; i += 1) {
        client.send(post(request));
        await client.answer();
      }
      client.end();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const line = /mcms_http_requests_total\{method="POST",route="\/ocsp",status="200"\} (\d+)/.exec(metrics);
      assert.ok(line && Number(line[1]) >= 5, metrics.split('\n').filter((l) => l.includes('ocsp')).join('\n'));
    });

    // Without that, the close would wait for the idle connection until the client's or the 72 s keep-alive timeout.
    test('a shutdown closes idle fast-path connections instead of waiting for them', { timeout: 30_000 }, async () => {
      const other = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }), shutdownTimeoutMs: 120_000 });
      const client = await RawClient.open(Number(new URL(other.url).port));
      client.send(post(request));
      await client.answer();
      await other.close();
      await client.closedByServer();
    });
  });
}
