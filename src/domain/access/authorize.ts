/** Permission checks, made by each use case before it reads or changes anything. */
import { DomainError } from '../errors.js';
import type { AccessErrorCode } from './errors.js';
import type { Permission, Principal } from './model.js';
import { ROLE_PERMISSIONS } from './model.js';

export function can(principal: Principal, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[principal.role] as readonly Permission[]).includes(permission);
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) {
    throw new DomainError<AccessErrorCode>('auth.forbidden', `role ${principal.role} may not ${permission}`);
  }
}
