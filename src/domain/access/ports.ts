import type { Operator } from './model.js';

export interface OperatorRepository {
  /** Throws DomainError('operator.exists') if the name is taken. */
  insert(operator: Operator, tokenHash: string): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Operator | null>;
  findByName(name: string): Promise<Operator | null>;
  list(): Promise<Operator[]>;
  updateStatus(id: string, status: Operator['status']): Promise<void>;
  updateTokenHash(id: string, tokenHash: string): Promise<void>;
  countActiveByRole(role: Operator['role']): Promise<number>;
}
