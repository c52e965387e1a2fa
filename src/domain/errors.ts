/**
 * The domain's error type. Every refusal the domain makes carries a stable code from one of the
 * modules' errors.ts; each edge (REST, CLI, SCEP, OCSP) maps codes to its own language exactly once.
 * The message is written for the person who made the request and never carries secrets or internals.
 */
export class DomainError<C extends string = string> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: C,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
