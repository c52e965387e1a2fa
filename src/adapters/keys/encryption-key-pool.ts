/**
 * A pool of pre-generated encryption key pairs, so that a person's first encryption identity does not
 * wait 100-170 ms for RSA key generation (node-crypto-pitfalls "Speed"). Pairs are made with async
 * `generateKeyPair`, which runs on libuv's thread pool, as many at once as there are cores; each pair
 * is handed out once and lives only in memory as KeyObjects (never exported, never written). Only the
 * default algorithm is kept warm; others are generated on demand. Refilling starts with `warm()`
 * (`mcms serve`), so a one-shot CLI command generates what it needs and nothing more.
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPair } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import type { EncryptionKeyAlgorithm, EncryptionKeyPair, EncryptionKeySource } from '../../domain/escrow/index.js';

const generateAsync = promisify(generateKeyPair);

export function newEncryptionKeyPair(algorithm: EncryptionKeyAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (algorithm) {
    case 'rsa-2048': return generateAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa-3072': return generateAsync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
    case 'p-256': return generateAsync('ec', { namedCurve: 'P-256' });
  }
}

export class EncryptionKeyPool implements EncryptionKeySource {
  private readonly ready: EncryptionKeyPair[] = [];
  private inFlight = 0;
  private warming = false;
  private closed = false;
  private readonly parallelism: number;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly options: { algorithm: EncryptionKeyAlgorithm; size: number; parallelism?: number }) {
    this.parallelism = Math.max(1, options.parallelism ?? availableParallelism());
  }

  /** Pairs ready now. */
  get size(): number {
    return this.ready.length;
  }

  async take(algorithm: EncryptionKeyAlgorithm): Promise<EncryptionKeyPair> {
    if (algorithm !== this.options.algorithm) return newEncryptionKeyPair(algorithm);
    const pair = this.ready.shift();
    this.refill();
    return pair ?? newEncryptionKeyPair(algorithm);
  }

  /** Starts keeping the pool full; resolves once it is. */
  warm(): Promise<void> {
    this.warming = true;
    this.refill();
    if (this.ready.length >= this.options.size) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops refilling; pairs being generated finish and are dropped. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private refill(): void {
    if (!this.warming || this.closed) return;
    while (this.inFlight < this.parallelism && this.ready.length + this.inFlight < this.options.size) {
      this.inFlight += 1;
      newEncryptionKeyPair(this.options.algorithm).then((pair) => {
        this.inFlight -= 1;
        if (this.closed) return;
        this.ready.push(pair);
        if (this.ready.length >= this.options.size) for (const resolve of this.waiters.splice(0)) resolve();
        this.refill();
      }, () => {
        this.inFlight -= 1;
      });
    }
  }
}
