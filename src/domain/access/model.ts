/** Operators, their roles and what each role may do. */
import type { Actor } from '../audit/index.js';

export const ROLES = ['admin', 'officer', 'recovery-agent', 'auditor', 'gateway'] as const;
export type Role = (typeof ROLES)[number];

export interface Operator {
  id: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  createdAt: Date;
}

/** An authenticated caller: who it is (for the audit trail) and which role it acts in. */
export interface Principal {
  actor: Actor;
  role: Role;
  operatorId: string | null;
}

export type Permission =
  | 'ca.read'
  | 'subscribers.read'
  | 'subscribers.write'
  | 'certificates.read'
  | 'certificates.issue'
  | 'operators.read'
  | 'operators.write'
  | 'audit.read'
  | 'recovery.approve'
  | 'operations.run'
  /** Look up a mailbox's current encryption certificate (what the directory publishes), and nothing else. */
  | 'certificates.lookup'
  | 'certificates.revoke';

/**
 * Least privilege per role. Officers run day-to-day certificate work; recovery agents only approve
 * key recoveries (dual control); auditors read everything and change nothing; admins do all.
 */
export const ROLE_PERMISSIONS = {
  admin: ['ca.read', 'subscribers.read', 'subscribers.write', 'certificates.read', 'certificates.issue',
    'operators.read', 'operators.write', 'audit.read', 'recovery.approve', 'operations.run', 'certificates.revoke'],
  officer: ['ca.read', 'subscribers.read', 'subscribers.write', 'certificates.read', 'certificates.issue', 'certificates.revoke'],
  'recovery-agent': ['ca.read', 'subscribers.read', 'certificates.read', 'recovery.approve'],
  auditor: ['ca.read', 'subscribers.read', 'certificates.read', 'operators.read', 'audit.read'],
  /** A mail gateway: encryption certificates by mailbox, nothing more. */
  gateway: ['certificates.lookup'],
} as const satisfies Record<Role, readonly Permission[]>;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
