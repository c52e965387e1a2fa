import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncryptionKeyPool } from './encryption-key-pool.js';

test('a warm pool holds its size of distinct pairs, hands each out once, and refills', async () => {
  const pool = new EncryptionKeyPool({ algorithm: 'p-256', size: 6, parallelism: 2 });
  await pool.warm();
  assert.equal(pool.size, 6);
  const taken = await Promise.all(Array.from({ length: 6 }, () => pool.take('p-256')));
  const publicKeys = new Set(taken.map((pair) => pair.publicKey.export({ type: 'spki', format: 'der' }).toString('hex')));
  assert.equal(publicKeys.size, 6, 'each pair is handed out once');
  await pool.warm();
  assert.equal(pool.size, 6, 'refilled');
  const next = await pool.take('p-256');
  assert.ok(!publicKeys.has(next.publicKey.export({ type: 'spki', format: 'der' }).toString('hex')));
  pool.close();
  assert.equal(pool.size, 0, 'closing drops the pairs it held');
});

test('a cold pool or another algorithm generates on demand, of the right kind', async () => {
  const pool = new EncryptionKeyPool({ algorithm: 'p-256', size: 4 });
  const ec = await pool.take('p-256');
  assert.equal(ec.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(pool.size, 0, 'a pool that was never warmed does not refill');
  const rsa = await pool.take('rsa-2048');
  assert.equal(rsa.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
  pool.close();
});
