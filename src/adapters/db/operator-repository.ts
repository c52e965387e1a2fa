/** Operators and the SHA-256 hashes of their API tokens (the tokens themselves are never stored). */
import type { Kysely, Selectable } from 'kysely';
import type { AccessErrorCode, Operator, OperatorRepository } from '../../domain/access/index.js';
import { DomainError } from '../../domain/errors.js';
import { atomically } from './atomic-write.js';
import type { Database, OperatorsTable } from './schema.js';
import { dateFrom, instant } from './schema.js';
import type { UniqueKey } from './unique-violation.js';
import { violatesUnique } from './unique-violation.js';

const OPERATOR_NAME: UniqueKey = { index: 'operators_name_key', table: 'operators', columns: ['name'] };

type OperatorRow = Omit<Selectable<OperatorsTable>, 'token_hash'>;
const COLUMNS = ['id', 'name', 'role', 'status', 'created_at'] as const;

function operatorFrom(row: OperatorRow): Operator {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Operator['role'],
    status: row.status as Operator['status'],
    createdAt: dateFrom(row.created_at),
  };
}

export class KyselyOperatorRepository implements OperatorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(operator: Operator, tokenHash: string): Promise<void> {
    try {
      await atomically(this.db, (db) => db.insertInto('operators').values({
        id: operator.id,
        name: operator.name,
        role: operator.role,
        status: operator.status,
        token_hash: tokenHash,
        created_at: instant(operator.createdAt),
      }).execute());
    } catch (error) {
      if (violatesUnique(error, OPERATOR_NAME)) {
        throw new DomainError<AccessErrorCode>('operator.exists', `operator "${operator.name}" exists`);
      }
      throw error;
    }
  }

  async findByTokenHash(tokenHash: string): Promise<Operator | null> {
    const row = await this.db.selectFrom('operators').select(COLUMNS).where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? operatorFrom(row) : null;
  }

  async findByName(name: string): Promise<Operator | null> {
    const row = await this.db.selectFrom('operators').select(COLUMNS).where('name', '=', name).executeTakeFirst();
    return row ? operatorFrom(row) : null;
  }

  async list(): Promise<Operator[]> {
    const rows = await this.db.selectFrom('operators').select(COLUMNS).orderBy('name').execute();
    return rows.map(operatorFrom);
  }

  async updateStatus(id: string, status: Operator['status']): Promise<void> {
    await this.db.updateTable('operators').set({ status }).where('id', '=', id).execute();
  }

  async updateTokenHash(id: string, tokenHash: string): Promise<void> {
    await this.db.updateTable('operators').set({ token_hash: tokenHash }).where('id', '=', id).execute();
  }

  async countActiveByRole(role: Operator['role']): Promise<number> {
    const row = await this.db.selectFrom('operators')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', role)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
