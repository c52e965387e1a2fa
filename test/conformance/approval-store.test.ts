/**
 * The approval repository's conformance suite, on every dialect (see store.test.ts): requests round
 * trip with their JSON details, votes keep the order they were cast in, a voter counts once per
 * request (by unique key, so also when their votes race), and listing pages newest first under filters.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/adapters/db/store.js';
import type { ApprovalRequest, ApprovalVote } from '../../src/domain/access/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { DAY, T0, hex } from './sample-records.js';
import { countRows, rejectsWithCode, walk } from './store-assertions.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

function approvalRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: randomUUID(),
    kind: 'scep-enrollment',
    target: `txn-${hex(8)}`,
    summary: "Ada's iPhone asks for an smime-signing certificate",
    requestedBy: 'system:scep',
    requesterId: 'system:scep',
    requiredApprovals: 2,
    status: 'open',
    createdAt: new Date('2030-01-02T03:04:05.678Z'),
    expiresAt: new Date(T0 + DAY + 999),
    decidedAt: null,
    votes: [],
    details: { profile: 'smime-signing', mailboxes: ['ada@example.org', 'ÄDA@example.org'], nested: { n: 1.5, yes: true, none: null } },
    ...overrides,
  };
}

function vote(overrides: Partial<ApprovalVote> = {}): ApprovalVote {
  return { voterId: randomUUID(), voterName: `op-${hex(3)}`, decision: 'approve', comment: null, at: new Date(T0 + 5), ...overrides };
}

for (const target of dialectsUnderTest) {
  describe(`approval store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let db: TestStore;
    let store: Store;

    before(async () => {
      database = target.database();
      db = await database.fresh();
      store = db.store;
    });
    after(async () => {
      await database?.cleanup();
    });

    it('inserts and finds a request: every field, instants to the millisecond, details as JSON', async () => {
      const open = approvalRequest();
      const decided = approvalRequest({
        kind: 'key-recovery', status: 'rejected', decidedAt: new Date('2030-01-03T00:00:00.001Z'), details: {}, requiredApprovals: 3,
      });
      await store.read.approvals.insert(open);
      await store.read.approvals.insert(decided);
      assert.deepEqual(await store.read.approvals.findById(open.id), open);
      assert.deepEqual(await store.read.approvals.findById(decided.id), decided);
      assert.equal((await store.read.approvals.findById(open.id))!.createdAt.getTime(), open.createdAt.getTime());
      assert.equal(await store.read.approvals.findById(randomUUID()), null);
    });

    it('refuses a request that carries votes already, and writes nothing', async () => {
      const request = approvalRequest({ votes: [vote()] });
      await assert.rejects(store.read.approvals.insert(request), /without votes/);
      assert.equal(await countRows(db, 'approval_requests', 'id = $1', [request.id]), 0);
    });

    it('returns the votes in the order they were cast, every field intact', async () => {
      const request = approvalRequest({ requiredApprovals: 3 });
      await store.read.approvals.insert(request);
      // Cast in this order, with instants out of order: the order cast is what counts.
      const votes = [
        vote({ voterName: 'zoe', at: new Date(T0 + 3000), comment: 'checked the CSR' }),
        vote({ voterId: 'local:root', voterName: 'root', decision: 'reject', at: new Date(T0 + 1000), comment: 'ünïcode ✓' }),
        vote({ voterName: 'alice', at: new Date(T0 + 2000) }),
      ];
      for (const v of votes) await store.read.approvals.addVote(request.id, v);
      assert.deepEqual(await store.read.approvals.findById(request.id), { ...request, votes });
    });

    it('refuses a second vote by the same voter with approval.already-voted, and writes nothing', async () => {
      const request = approvalRequest();
      const other = approvalRequest();
      await store.read.approvals.insert(request);
      await store.read.approvals.insert(other);
      const first = vote({ voterName: 'alice' });
      await store.read.approvals.addVote(request.id, first);
      const again = { ...first, decision: 'reject' as const, comment: 'changed my mind', at: new Date(T0 + 9) };
      await rejectsWithCode(store.read.approvals.addVote(request.id, again), 'approval.already-voted', /alice/);
      await rejectsWithCode(store.transaction((tx) => tx.approvals.addVote(request.id, again)), 'approval.already-voted');
      assert.equal(await countRows(db, 'approval_votes', 'request_id = $1', [request.id]), 1);
      assert.deepEqual((await store.read.approvals.findById(request.id))!.votes, [first]);
      await store.read.approvals.addVote(other.id, again);
      assert.deepEqual((await store.read.approvals.findById(other.id))!.votes, [again], 'the same voter may vote on another request');
    });

    it('a refused vote caught inside a transaction leaves the transaction usable', async () => {
      const request = approvalRequest();
      await store.read.approvals.insert(request);
      const alice = vote({ voterName: 'alice' });
      const bob = vote({ voterName: 'bob' });
      await store.read.approvals.addVote(request.id, alice);
      await store.transaction(async (tx) => {
        await rejectsWithCode(tx.approvals.addVote(request.id, alice), 'approval.already-voted');
        await tx.approvals.addVote(request.id, bob);
        await tx.approvals.updateStatus(request.id, 'approved', new Date(T0 + 77));
      });
      const found = await store.read.approvals.findById(request.id);
      assert.deepEqual(found, { ...request, votes: [alice, bob], status: 'approved', decidedAt: new Date(T0 + 77) });
    });

    it('one voter voting 10 times at once, in separate transactions, counts once', async () => {
      const request = approvalRequest();
      await store.read.approvals.insert(request);
      const voterId = randomUUID();
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.transaction(async (tx) => {
        await tx.approvals.findById(request.id);
        await tx.approvals.addVote(request.id, vote({ voterId, voterName: 'alice', comment: `try ${i}` }));
        await sleep(5); // hold the new index entry until commit, so the others must wait for it
      })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof DomainError && r.reason.code === 'approval.already-voted', String(r.reason));
      }
      assert.equal((await store.read.approvals.findById(request.id))!.votes.length, 1);
    });

    it('refuses a vote on an unknown request (foreign key)', async () => {
      const requestId = randomUUID();
      await assert.rejects(store.read.approvals.addVote(requestId, vote()));
      assert.equal(await countRows(db, 'approval_votes', 'request_id = $1', [requestId]), 0);
    });

    it('updates the status and the decision instant of that request only', async () => {
      const request = approvalRequest();
      const bystander = approvalRequest();
      await store.read.approvals.insert(request);
      await store.read.approvals.insert(bystander);
      await store.read.approvals.updateStatus(request.id, 'expired', new Date('2030-01-05T06:07:08.009Z'));
      assert.deepEqual(await store.read.approvals.findById(request.id), { ...request, status: 'expired', decidedAt: new Date('2030-01-05T06:07:08.009Z') });
      assert.deepEqual(await store.read.approvals.findById(bystander.id), bystander);
    });

    it('lists newest first with their votes, across pages, under each filter', async () => {
      const own = await database.fresh();
      const repo = own.store.read.approvals;
      const requests: ApprovalRequest[] = [];
      for (let i = 0; i < 13; i += 1) {
        const request = approvalRequest({
          kind: i % 3 === 0 ? 'key-recovery' : 'scep-enrollment',
          status: i % 4 === 0 ? 'approved' : 'open',
          createdAt: new Date(T0 + i),
        });
        await repo.insert(request);
        if (i % 2 === 0) {
          request.votes = [vote({ voterName: `a${i}` }), vote({ voterName: `b${i}`, decision: 'reject' })];
          for (const v of request.votes) await repo.addVote(request.id, v);
        }
        requests.push(request);
      }
      const newestFirst = [...requests].reverse();
      const filters = [
        {}, { status: 'open' as const }, { status: 'approved' as const }, { kind: 'key-recovery' as const },
        { status: 'open' as const, kind: 'key-recovery' as const }, { status: 'rejected' as const },
      ];
      for (const filter of filters) {
        const expected = newestFirst.filter((r) => (filter.status === undefined || r.status === filter.status)
          && (filter.kind === undefined || r.kind === filter.kind));
        for (const limit of [1, 3, 50]) {
          const listed = await walk((cursor) => repo.list(filter, { cursor, limit }), limit);
          assert.deepEqual(listed, expected, `list ${JSON.stringify(filter)} limit ${limit}`);
        }
      }
      const exact = await repo.list({}, { limit: 13 });
      assert.equal(exact.items.length, 13);
      assert.equal(exact.nextCursor, null, 'no cursor when the last page is exactly full');
    });

    it('refuses a cursor it did not make with page.invalid-cursor', async () => {
      await rejectsWithCode(store.read.approvals.list({}, { cursor: 'bogus', limit: 5 }), 'page.invalid-cursor');
    });
  });
}
