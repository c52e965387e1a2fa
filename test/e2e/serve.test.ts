/**
 * `mcms serve` as a process: `--init` on an empty data directory prints the admin token once, the
 * server answers, `--workers 2` runs two workers on one port, each new connection goes to the worker
 * with the fewest open ones, and SIGTERM to the supervisor stops everything cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/openssl.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');

/**
 * `mcms serve --init` on a new data directory, output collected. Without `port` it binds port 0 (a port
 * picked first and passed on could be taken by another test file while the CA keys are made);
 * `listening()` reads the port from the "mcms listening on" line.
 */
async function startServe(args: string[], port = 0): Promise<{ listening(): Promise<number>; output: () => string; exited: Promise<number>; stop(): Promise<number>; remove(): void }> {
  const dir = tempDir('mcms-serve-');
  const child = spawn(process.execPath, [BIN, '--data-dir', join(dir.path, 'data'), 'serve', '--init', '--port', String(port), ...args], {
    env: { ...process.env, MCMS_LOG_LEVEL: 'info', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '', MCMS_ESCROW_POOL_SIZE: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  const listeningPort = () => Number(/mcms listening on http:\/\/[^"]*:(\d+)"/.exec(output)?.[1] ?? 0);
  return {
    output: () => output, exited, remove: () => dir.remove(),
    listening: async () => {
      await waitFor('listening', () => listeningPort() > 0, () => output);
      return listeningPort();
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, output: () => string): Promise<void> {
  // Generous: `--init` makes the CA's RSA keys and two workers start on a machine that may be busy
  // with other test files; the tests are about behaviour, not start-up time.
  const deadline = Date.now() + 90_000;
  while (!(await ready())) {
    if (Date.now() > deadline) assert.fail(`${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const workerPids = (output: string) => [...output.matchAll(/"pid":(\d+),"msg":"mcms worker ready"/g)].map((m) => Number(m[1]));

/** Client port → pid of the worker process holding the server side of that connection to `port` (from /proc). */
function connectionOwners(port: number, pids: readonly number[]): Map<number, number> {
  const inodeToClientPort = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync)) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '01') continue; // ESTABLISHED
      if (parseInt(f[1]!.split(':')[1]!, 16) !== port) continue;
      inodeToClientPort.set(f[9]!, parseInt(f[2]!.split(':')[1]!, 16));
    }
  }
  const owners = new Map<number, number>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }))?.[1];
      const clientPort = inode ? inodeToClientPort.get(inode) : undefined;
      if (clientPort !== undefined) owners.set(clientPort, pid);
    }
  }
  return owners;
}

/** A keep-alive connection of its own: one request on it, then it stays open until `close`. */
async function openConnection(port: number): Promise<{ clientPort: number; close(): void }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const clientPort = await new Promise<number>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      const local = res.socket.localPort!;
      res.resume().on('end', () => resolve(local));
    }).on('error', reject);
  });
  return { clientPort, close: () => agent.destroy() };
}

test('serve --init --workers 2: token once, two workers, graceful stop on SIGTERM', async () => {
  const serve = await startServe(['--workers', '2']);
  let code: number | undefined;
  try {
    const port = await serve.listening();
    await waitFor('healthy', () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false), serve.output);
    await waitFor('two workers ready', () => workerPids(serve.output()).length === 2, serve.output);
    assert.equal((serve.output().match(/mcms listening on/g) ?? []).length, 1, 'the supervisor listens');
    assert.equal((serve.output().match(/mcms_[A-Za-z0-9_-]{43}/g) ?? []).length, 1, 'the admin token is printed once');
    const caps = await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/scep?operation=GetCACaps`).then((r) => r.text())));
    assert.ok(caps.every((c) => c.includes('SCEPStandard')));
  } finally {
    code = await serve.stop();
    serve.remove();
  }
  assert.equal(code, 0, serve.output());
  assert.match(serve.output(), /stopping workers/);
});

test('serve --workers 2: a new connection goes to the worker with the fewest open connections', async () => {
  const serve = await startServe(['--workers', '2']);
  const open: Awaited<ReturnType<typeof openConnection>>[] = [];
  try {
    await waitFor('two workers ready', () => workerPids(serve.output()).length === 2, serve.output);
    const pids = workerPids(serve.output());
    const port = await serve.listening();
    await waitFor('healthy', () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false), serve.output);
    // fetch's connection above is closed first, so that only this test's connections count.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 4; i += 1) open.push(await openConnection(port));
    const perWorker = (owners: Map<number, number>) => pids.map((pid) => open.filter((c) => owners.get(c.clientPort) === pid).length);
    let owners = connectionOwners(port, pids);
    assert.deepEqual(perWorker(owners), [2, 2], 'four connections, two per worker');

    // Both connections of the first worker close: the next two both go to it (round-robin would split them).
    const first = pids[0]!;
    const closed = open.filter((c) => owners.get(c.clientPort) === first);
    for (const connection of closed) connection.close();
    open.splice(0, open.length, ...open.filter((c) => owners.get(c.clientPort) !== first));
    // Once the worker has let go of both sockets its report is on the way; a moment more for the IPC.
    await waitFor('the worker closed both', () => closed.every((c) => !connectionOwners(port, pids).has(c.clientPort)), serve.output);
    await new Promise((r) => setTimeout(r, 100));
    open.push(await openConnection(port), await openConnection(port));
    owners = connectionOwners(port, pids);
    assert.deepEqual(perWorker(owners), [2, 2], 'the emptied worker got both new connections');
  } finally {
    for (const connection of open) connection.close();
    await serve.stop();
    serve.remove();
  }
});

test('serve on a port another process holds: a clear message and EX_CONFIG, with and without workers', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const { port } = holder.address() as AddressInfo;
  try {
    for (const workers of ['1', '2']) {
      const serve = await startServe(['--host', '127.0.0.1', '--workers', workers], port);
      try {
        assert.equal(await serve.exited, 78, `--workers ${workers}: ${serve.output()}`);
        assert.match(serve.output(), new RegExp(`mcms: cannot listen on 127\\.0\\.0\\.1:${port}: the address is in use by another process \\(EADDRINUSE\\)`), `--workers ${workers}`);
      } finally {
        serve.remove();
      }
    }
  } finally {
    await new Promise<void>((r) => holder.close(() => r()));
  }
});
