/** Operator use cases: add, authenticate, list, disable, rotate a token. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { requirePermission } from './authorize.js';
import type { AccessErrorCode } from './errors.js';
import type { Operator, Principal, Role } from './model.js';
import { isRole } from './model.js';
import type { OperatorRepository } from './ports.js';
import { hashApiToken, looksLikeApiToken, newApiToken } from './tokens.js';

export interface OperatorDeps {
  uow: UnitOfWork<{ operators: OperatorRepository; audit: AuditRepository }>;
  clock: Clock;
}

const fail = (code: AccessErrorCode, message: string) => new DomainError(code, message);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export async function addOperator(
  deps: OperatorDeps,
  principal: Principal,
  input: { name: string; role: string },
): Promise<{ operator: Operator; token: string }> {
  requirePermission(principal, 'operators.write');
  if (!isRole(input.role)) throw fail('operator.invalid-role', `unknown role "${input.role}" (admin, officer, recovery-agent, auditor)`);
  if (!NAME.test(input.name)) throw fail('operator.invalid-name', 'operator name must be 1-64 letters, digits or ._@-');
  return createOperator(deps, principal, { name: input.name, role: input.role });
}

/** Without a permission check: for `mcms init`, which creates the first administrator. */
export async function createOperator(
  deps: OperatorDeps,
  principal: Principal,
  input: { name: string; role: Role },
): Promise<{ operator: Operator; token: string }> {
  const token = newApiToken();
  const operator: Operator = {
    id: randomUUID(), name: input.name, role: input.role, status: 'active', createdAt: deps.clock.now(),
  };
  await deps.uow.transaction(async (tx) => {
    if (await tx.operators.findByName(input.name)) throw fail('operator.exists', `operator "${input.name}" exists`);
    await tx.operators.insert(operator, hashApiToken(token));
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'operator.add', target: operator.name, details: { role: operator.role, id: operator.id },
    });
  });
  return { operator, token };
}

export async function authenticate(deps: Pick<OperatorDeps, 'uow'>, token: string | undefined): Promise<Principal> {
  if (!token) throw fail('auth.missing-token', 'an API token is required');
  if (!looksLikeApiToken(token)) throw fail('auth.invalid-token', 'the API token is not valid');
  const operator = await deps.uow.read.operators.findByTokenHash(hashApiToken(token));
  if (!operator || operator.status !== 'active') throw fail('auth.invalid-token', 'the API token is not valid');
  return { actor: { kind: 'operator', id: operator.id, name: operator.name }, role: operator.role, operatorId: operator.id };
}

export async function listOperators(deps: Pick<OperatorDeps, 'uow'>, principal: Principal): Promise<Operator[]> {
  requirePermission(principal, 'operators.read');
  return deps.uow.read.operators.list();
}

export async function disableOperator(deps: OperatorDeps, principal: Principal, name: string): Promise<Operator> {
  requirePermission(principal, 'operators.write');
  return deps.uow.transaction(async (tx) => {
    const operator = await tx.operators.findByName(name);
    if (!operator) throw fail('operator.not-found', `no operator "${name}"`);
    if (operator.role === 'admin' && operator.status === 'active' && (await tx.operators.countActiveByRole('admin')) <= 1) {
      throw fail('operator.last-admin', 'the last active admin cannot be disabled');
    }
    await tx.operators.updateStatus(operator.id, 'disabled');
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, { action: 'operator.disable', target: name });
    return { ...operator, status: 'disabled' as const };
  });
}

export async function rotateOperatorToken(deps: OperatorDeps, principal: Principal, name: string): Promise<{ operator: Operator; token: string }> {
  requirePermission(principal, 'operators.write');
  const token = newApiToken();
  const operator = await deps.uow.transaction(async (tx) => {
    const found = await tx.operators.findByName(name);
    if (!found) throw fail('operator.not-found', `no operator "${name}"`);
    await tx.operators.updateTokenHash(found.id, hashApiToken(token));
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, { action: 'operator.rotate-token', target: name });
    return found;
  });
  return { operator, token };
}
