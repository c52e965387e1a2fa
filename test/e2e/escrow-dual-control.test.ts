/**
 * Dual control of third-party key recovery, each rule on its own, on SQLite and PostgreSQL: fewer than
 * M approvals, the requester voting, one agent voting twice, a rejection, expiry after 72 hours (a fixed
 * clock), and a second export are each refused with a clear reason; every step is in the audit trail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/domain/access/index.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { rawSql } from '../support/escrow-peers.js';

const HOUR = 3_600_000;

const refusedWith = (code: RegExp | string) => (error: unknown) => {
  const actual = (error as { code?: string }).code ?? '';
  assert.ok(typeof code === 'string' ? actual === code : code.test(actual), `expected ${String(code)}, got ${actual}: ${String(error)}`);
  return true;
};

for (const { dialect, skip } of dialects) {
  describe(`key recovery dual control on ${dialect}`, { skip }, () => {
    const clock = new FixedClock(new Date('2026-06-01T09:00:00Z'));
    let instance: TestInstance;
    let officer: Principal;
    let admin: Principal;
    let agents: Principal[];

    before(async () => {
      instance = await startInstance(dialect, {}, { clock });
      const { mcms } = instance;
      const local = mcms.localPrincipal();
      const add = async (name: string, role: string) => mcms.authenticate((await mcms.operators.add(local, { name, role })).token);
      officer = await add('olivia', 'officer');
      admin = await add('adam', 'admin');
      agents = [await add('agent-a', 'recovery-agent'), await add('agent-b', 'recovery-agent'), await add('agent-c', 'recovery-agent')];
      await mcms.subscribers.add(local, { email: 'leaver@example.test' });
      await mcms.escrow.generate(officer, { subscriber: 'leaver@example.test' });
    });
    after(async () => instance?.dispose());

    const recover = (by: Principal = officer) => instance.mcms.escrow.recover(by, { subscriber: 'leaver@example.test', reason: 'legal hold' });
    const approve = (agent: Principal, id: string) => instance.mcms.approvals.vote(agent, { id, decision: 'approve' });
    const exportOf = (id: string, by: Principal = officer) => instance.mcms.escrow.export(by, { approvalId: id });

    test('M approvals from distinct agents release the keys', async () => {
      const request = await recover();
      assert.equal(request.requiredApprovals, 2);
      assert.equal(request.expiresAt.getTime() - request.createdAt.getTime(), 72 * HOUR);
      assert.equal((await approve(agents[0]!, request.id)).status, 'open');
      assert.equal((await approve(agents[1]!, request.id)).status, 'approved');
      const exported = await exportOf(request.id);
      assert.ok(exported.pkcs12.length > 0);
    });

    test('fewer than M approvals: export refused, with the count', async () => {
      const request = await recover();
      await assert.rejects(exportOf(request.id), (e: Error) => refusedWith('escrow.recovery-pending')(e) && /0 of 2 approvals/.test(e.message));
      await approve(agents[0]!, request.id);
      await assert.rejects(exportOf(request.id), (e: Error) => refusedWith('escrow.recovery-pending')(e) && /1 of 2 approvals/.test(e.message));
    });

    test('the requester cannot approve their own recovery', async () => {
      const request = await recover(admin);
      await assert.rejects(approve(admin, request.id), refusedWith('approval.own-request'));
      await approve(agents[0]!, request.id);
      await assert.rejects(exportOf(request.id, admin), refusedWith('escrow.recovery-pending'));
    });

    test('an officer cannot approve: only recovery agents (and admins) can', async () => {
      const request = await recover(admin);
      await assert.rejects(approve(officer, request.id), refusedWith('auth.forbidden'));
    });

    test('an agent counts once', async () => {
      const request = await recover();
      await approve(agents[0]!, request.id);
      await assert.rejects(approve(agents[0]!, request.id), refusedWith('approval.already-voted'));
      assert.equal((await instance.mcms.approvals.show(agents[1]!, request.id)).status, 'open');
      await assert.rejects(exportOf(request.id), refusedWith('escrow.recovery-pending'));
    });

    test('a rejection ends it', async () => {
      const request = await recover();
      await approve(agents[0]!, request.id);
      assert.equal((await instance.mcms.approvals.vote(agents[1]!, { id: request.id, decision: 'reject', comment: 'no ticket' })).status, 'rejected');
      await assert.rejects(approve(agents[2]!, request.id), refusedWith('approval.closed'));
      await assert.rejects(exportOf(request.id), refusedWith('escrow.recovery-rejected'));
    });

    test('it expires after 72 hours: a late approval closes it, and the export is refused', async () => {
      const request = await recover();
      await approve(agents[0]!, request.id);
      clock.advance(72 * HOUR);
      assert.equal((await approve(agents[1]!, request.id)).status, 'expired');
      await assert.rejects(exportOf(request.id), refusedWith('escrow.recovery-expired'));
    });

    test('an open request past its expiry is refused at export and closed as expired', async () => {
      const request = await recover();
      await approve(agents[0]!, request.id);
      clock.advance(72 * HOUR + 1);
      await assert.rejects(exportOf(request.id), refusedWith('escrow.recovery-expired'));
      const shown = await instance.mcms.approvals.show(agents[0]!, request.id);
      assert.equal(shown.status, 'expired');
    });

    test('exported once only, and only by the requester', async () => {
      const request = await recover();
      await approve(agents[0]!, request.id);
      await approve(agents[2]!, request.id);
      await assert.rejects(exportOf(request.id, admin), refusedWith('auth.forbidden'));
      await exportOf(request.id);
      await assert.rejects(exportOf(request.id), refusedWith('escrow.already-exported'));
      const exports = await rawSql<{ n: number | string }>(instance, dialect, 'select count(*) as n from escrow_exports where approval_id = $1', [request.id]);
      assert.equal(Number(exports[0]!.n), 1);
    });

    test('every step is in the audit trail, which still verifies', async () => {
      const rows = await rawSql<{ action: string }>(instance, dialect, "select action from audit_events where action like 'escrow.%' or action like 'approval.%'");
      const actions = new Set(rows.map((r) => r.action));
      for (const action of ['escrow.generate', 'escrow.recovery-request', 'approval.approve', 'approval.reject', 'approval.expire', 'escrow.export', 'escrow.export-refused']) {
        assert.ok(actions.has(action), `audited: ${action}`);
      }
      assert.equal((await instance.mcms.audit.verify(instance.mcms.localPrincipal())).ok, true);
    });
  });
}
