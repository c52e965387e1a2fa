import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from './drain-outbox.js';

test('retries back off exponentially from retryBase and stay at retryMax', () => {
  const settings = { retryBaseMs: 30_000, retryMaxMs: 3_600_000 };
  assert.deepEqual([1, 2, 3, 4, 8, 50, 5000].map((attempts) => retryDelayMs(attempts, settings)),
    [30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000]);
});
