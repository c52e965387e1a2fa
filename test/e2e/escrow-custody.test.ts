/**
 * Escrowed keys in custody, on SQLite and PostgreSQL: a KRA rotation re-wraps every data key without
 * touching a sealed private key, and an interrupted rotation resumes; a sealed blob edited, or a record
 * moved to another person, directly in the database, fails authentication, is reported in the audit
 * trail and is not delivered. On SQLite the database file, its WAL, the data directory and the server's
 * log never hold an archived key in DER, PEM or base64.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Principal } from '../../src/domain/access/index.js';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import { readPkcs12, readCertificate } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { rawSql } from '../support/escrow-peers.js';

const refusedWith = (code: string) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, code, String(error));
  return true;
};

for (const { dialect, skip } of dialects) {
  test(`init creates the escrow (KRA) key once, before any key is archived, on ${dialect}`, { skip }, async () => {
    const instance = await startInstance(dialect);
    try {
      const kraKeys = () => rawSql<{ key_id: string; status: string }>(instance, dialect, 'select key_id, status from escrow_kra_keys');
      const created = await kraKeys();
      assert.deepEqual(created.map((k) => k.status), ['active']);
      assert.equal((await rawSql(instance, dialect, "select seq from audit_events where action = 'escrow.kra-create'")).length, 1);
      assert.equal((await instance.mcms.ca.init(instance.mcms.localPrincipal())).created, false);
      assert.deepEqual(await kraKeys(), created, 'a second init keeps the key');
    } finally {
      await instance.dispose();
    }
  });

  describe(`escrow custody on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    let officer: Principal;
    const people = ['p1@example.test', 'p2@example.test', 'p3@example.test', 'p4@example.test'];

    before(async () => {
      instance = await startInstance(dialect);
      const { mcms } = instance;
      const local = mcms.localPrincipal();
      officer = await mcms.authenticate((await mcms.operators.add(local, { name: 'olivia', role: 'officer' })).token);
      for (const email of people) {
        await mcms.subscribers.add(local, { email });
        await mcms.escrow.generate(officer, { subscriber: email });
        await mcms.escrow.generate(officer, { subscriber: email });
      }
    });
    after(async () => instance?.dispose());

    /** Every person's identities open, each key matching its certificate. */
    async function everyKeyRecoverable(): Promise<void> {
      for (const email of people) {
        const delivery = await instance.mcms.escrow.deliver(officer, email, {});
        const contents = readPkcs12(delivery.pkcs12, delivery.password);
        assert.equal(contents.identities.length, 2, email);
        for (const identity of contents.identities) {
          const certificateKey = createPublicKey({ key: readCertificate(identity.certificate).subjectPublicKeyInfo, format: 'der', type: 'spki' });
          assert.ok(createPublicKey(identity.privateKey).equals(certificateKey));
        }
      }
    }

    const sealedBlobs = async () => (await rawSql<{ id: string; sealed_key: Buffer }>(instance, dialect, 'select id, sealed_key from escrow_records order by id'))
      .map((r) => `${r.id}:${Buffer.from(r.sealed_key).toString('hex')}`);

    test('KRA rotation, interrupted and resumed, re-wraps every data key and touches no sealed key', async () => {
      const { mcms } = instance;
      const admin = mcms.localPrincipal();
      const before = await sealedBlobs();
      const first = await mcms.escrow.rotateKra(admin, { batchSize: 3, limit: 5 });
      assert.equal(first.started, true);
      assert.equal(first.rewrapped, 5);
      assert.equal(first.remaining, people.length * 2 - 5);
      await everyKeyRecoverable();
      const resumed = await mcms.escrow.rotateKra(admin, { batchSize: 2 });
      assert.equal(resumed.started, false, 'a rerun finishes the interrupted rotation');
      assert.equal(resumed.kraKeyId, first.kraKeyId);
      assert.equal(resumed.rewrapped, people.length * 2 - 5);
      assert.equal(resumed.remaining, 0);
      const kras = await rawSql<{ kra_key_id: string }>(instance, dialect, 'select distinct kra_key_id from escrow_records');
      assert.deepEqual(kras.map((k) => k.kra_key_id), [first.kraKeyId]);
      assert.deepEqual(await sealedBlobs(), before, 'no sealed private key changed');
      await everyKeyRecoverable();
      const again = await mcms.escrow.rotateKra(admin, {});
      assert.equal(again.started, true, 'a finished rotation makes the next run start a new key');
      assert.notEqual(again.kraKeyId, first.kraKeyId);
      await everyKeyRecoverable();
      await mcms.escrow.generate(officer, { subscriber: people[0]! });
      const newest = await rawSql<{ kra_key_id: string }>(instance, dialect, "select kra_key_id from escrow_records where status = 'current' and subscriber_id = (select subscriber_id from mailboxes where address = $1)", [people[0]]);
      assert.equal(newest[0]!.kra_key_id, again.kraKeyId, 'new archives use the new KRA key');
    });

    test('an edited sealed blob fails authentication, is reported and is not delivered', async () => {
      const { mcms } = instance;
      const target = people[1]!;
      const [row] = await rawSql<{ id: string; sealed_key: Buffer }>(instance, dialect,
        "select id, sealed_key from escrow_records where status = 'past' and subscriber_id = (select subscriber_id from mailboxes where address = $1)", [target]);
      const edited = Buffer.from(row!.sealed_key);
      edited[edited.length - 5]! ^= 0x01;
      await rawSql(instance, dialect, 'update escrow_records set sealed_key = $1 where id = $2', [edited, row!.id]);
      await assert.rejects(mcms.escrow.deliver(officer, target, {}), refusedWith('escrow.archive-tampered'));
      const reported = await rawSql<{ target: string }>(instance, dialect, "select target from audit_events where action = 'escrow.tamper-detected'");
      assert.ok(reported.length >= 1);
      await rawSql(instance, dialect, 'update escrow_records set sealed_key = $1 where id = $2', [row!.sealed_key, row!.id]);
      await mcms.escrow.deliver(officer, target, {});
    });

    test('a record moved to another person fails authentication and is not delivered to them', async () => {
      const { mcms } = instance;
      const [victim, thief] = [people[2]!, people[3]!];
      const subscriberOf = async (email: string) =>
        (await rawSql<{ subscriber_id: string }>(instance, dialect, 'select subscriber_id from mailboxes where address = $1', [email]))[0]!.subscriber_id;
      const [row] = await rawSql<{ id: string }>(instance, dialect, "select id from escrow_records where status = 'past' and subscriber_id = $1", [await subscriberOf(victim)]);
      await rawSql(instance, dialect, 'update escrow_records set subscriber_id = $1 where id = $2', [await subscriberOf(thief), row!.id]);
      await assert.rejects(mcms.escrow.deliver(officer, thief, {}), refusedWith('escrow.archive-tampered'));
      const recovery = await mcms.escrow.recover(officer, { subscriber: thief });
      assert.ok(recovery.id);
    });
  });
}

describe('archived keys are never in the clear (SQLite, data directory, log)', () => {
  let instance: TestInstance;
  const log: string[] = [];

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1' });
  });
  after(async () => instance?.dispose());

  /**
   * Pieces of the key that only the private key holds (the modulus and exponent are public: they are in
   * the certificate): 32-byte windows of d, p, q, dp, dq, qi; of the PKCS#8 and PKCS#1 DER from where d
   * starts; of their base64; and the PEM lines after it.
   */
  function privateKeyNeedles(key: KeyObject): Buffer[] {
    const jwk = key.export({ format: 'jwk' });
    const parts = (['d', 'p', 'q', 'dp', 'dq', 'qi'] as const).map((name) => Buffer.from(jwk[name]!, 'base64url'));
    const windows = (bytes: Buffer, from = 0) => {
      const out: Buffer[] = [];
      for (let at = from; at + 32 <= bytes.length; at += 24) out.push(bytes.subarray(at, at + 32));
      return out;
    };
    const needles = parts.flatMap((part) => windows(part));
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const der = key.export({ type, format: 'der' });
      const privateFrom = der.indexOf(parts[0]!);
      assert.ok(privateFrom > 0);
      needles.push(...windows(der, privateFrom));
      const b64 = der.toString('base64');
      const firstPrivateChar = Math.ceil(privateFrom / 3) * 4;
      for (let at = firstPrivateChar; at + 40 <= b64.length; at += 32) needles.push(Buffer.from(b64.slice(at, at + 40)));
      const pem = key.export({ type, format: 'pem' }) as string;
      const pemLines = pem.split('\n');
      needles.push(...pemLines.slice(Math.ceil(privateFrom / 48) + 2, -2).filter((l) => l.length === 64).map((l) => Buffer.from(l)));
      // The scan can fail: the key written out in any of these forms is caught.
      for (const clear of [der, Buffer.from(pem), Buffer.from(der.toString('base64'))]) assert.ok(needles.some((n) => clear.includes(n)));
    }
    return needles;
  }

  function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
  }

  test('the key bytes appear nowhere in DER, PEM or base64', async () => {
    const sink = new Writable({ write(chunk, _encoding, done) { log.push(String(chunk)); done(); } });
    const server = await startHttpServer(instance.mcms, { logger: pino({ level: 'trace' }, sink) });
    const auth = { authorization: `Bearer ${instance.adminToken}`, 'content-type': 'application/json' };
    try {
      await fetch(`${server.url}/api/v1/subscribers`, { method: 'POST', headers: auth, body: JSON.stringify({ email: 'scan@example.test' }) });
      const generated = await fetch(`${server.url}/api/v1/subscribers/scan@example.test/encryption-identities`, { method: 'POST', headers: auth, body: '{}' });
      assert.equal(generated.status, 201, await generated.clone().text());
      const delivered = await fetch(`${server.url}/api/v1/subscribers/scan@example.test/encryption-identities/pkcs12`, { method: 'POST', headers: auth, body: '{}' });
      assert.equal(delivered.status, 200);
      const body = await delivered.json() as { pkcs12: string; password: string };
      const [identity] = readPkcs12(Buffer.from(body.pkcs12, 'base64'), body.password).identities;
      const needles = privateKeyNeedles(identity!.privateKey);
      await instance.mcms.audit.verify(instance.mcms.localPrincipal());
      const files = filesUnder(instance.dataDir);
      assert.ok(files.some((f) => f.endsWith('mcms.db-wal')) || files.some((f) => f.endsWith('mcms.db')), files.join(', '));
      const haystacks = [...files.map((f) => ({ name: f, bytes: readFileSync(f) })), { name: 'log', bytes: Buffer.from(log.join('')) }];
      assert.ok(log.join('').includes('encryption-identities'), 'the log captured the requests');
      for (const { name, bytes } of haystacks) {
        for (const needle of needles) assert.ok(!bytes.includes(needle), `key material found in ${name}`);
        assert.ok(!bytes.includes(Buffer.from(body.password)), `the PKCS#12 password found in ${name}`);
      }
    } finally {
      await server.close();
    }
  });
});
