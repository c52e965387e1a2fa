/** The principal a scheduled job acts as: mcms itself, named after the job in the audit trail. */
import type { Principal } from '../../domain/access/index.js';

export function jobPrincipal(name: string): Principal {
  return { actor: { kind: 'system', id: name, name: `job:${name}` }, role: 'admin', operatorId: null };
}
