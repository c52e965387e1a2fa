import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from './open-store.js';
import { retryWhileBusy } from './sqlite-database.js';
import type { Store } from './store.js';

describe('SQLite lock waits', () => {
  let dir: string;
  let first: Store;
  let second: Store;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcms-sqlite-'));
    const url = `sqlite:${join(dir, 'mcms.db')}`;
    first = await openStore({ url });
    second = await openStore({ url });
  });
  after(async () => {
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a writer waits for another connection\'s transaction without stopping the event loop, then commits', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => { inside = resolve; });
    const holder = first.transaction(async (tx) => {
      await tx.kraKeys.insert({ keyId: 'kra-held', status: 'active', createdAt: new Date(0) });
      inside();
      await held;
    });
    await entered;
    let ticks = 0;
    const ticker = setInterval(() => { ticks += 1; }, 1);
    const waiter = second.transaction(async (tx) => {
      await tx.kraKeys.insert({ keyId: 'kra-waited', status: 'active', createdAt: new Date(0) });
    });
    await sleep(150);
    const ticksWhileLocked = ticks;
    release();
    await holder;
    await waiter;
    clearInterval(ticker);
    // A waiter that blocked the event loop would let no tick through (and the holder could never release):
    // a few ticks prove it waits asynchronously, however loaded the machine is.
    assert.ok(ticksWhileLocked >= 3, `the event loop ran while the lock was held (${ticksWhileLocked} timer ticks in 150 ms)`);
    assert.deepEqual((await second.read.kraKeys.list()).map((k) => k.keyId).sort(), ['kra-held', 'kra-waited']);
  });

  it('gives up with SQLITE_BUSY after the timeout, and passes other errors through at once', async () => {
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await assert.rejects(retryWhileBusy(async () => { calls += 1; throw busy; }, 500), /database is locked/);
    assert.ok(calls > 3, `retried ${calls} times`);
    calls = 0;
    await assert.rejects(retryWhileBusy(async () => { calls += 1; throw new Error('no such table: x'); }, 50), /no such table/);
    assert.equal(calls, 1);
  });
});
