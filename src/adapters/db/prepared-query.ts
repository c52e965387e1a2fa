/**
 * Queries that every SCEP enrollment runs, built and compiled by Kysely once per database and run
 * afterwards with new values. Kysely otherwise builds a query's operation tree and compiles it to SQL on
 * every call, which was a good part of the adapter's CPU per enrollment and most of its garbage.
 *
 * The query is written with the builder as usual, with named placeholders (`p.id`) where values go;
 * on first use it is compiled for the database's dialect (the compiled SQL is cached per dialect
 * adapter, which a database and its transactions share), and each run binds the values by name into
 * the compiled parameter list. Only values may vary, never the query's shape: no optional clauses and
 * no lists of varying length. Literal values in the builder stay fixed parameters.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

class Placeholder {
  constructor(readonly name: string) {}
}

type Binding<P> = { placeholder: keyof P } | { value: unknown };

interface Compiled<P, R> {
  query: CompiledQuery<R>;
  bindings: Binding<P>[];
}

export class PreparedQuery<P extends Record<string, unknown>, R> {
  readonly #compiled = new WeakMap<object, Compiled<P, R>>();

  /** `build` gets the database and the placeholders, typed as the values they stand for. */
  constructor(private readonly build: (db: Kysely<Database>, p: Readonly<P>) => Compilable<R>) {}

  execute(db: Kysely<Database>, values: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let compiled = this.#compiled.get(adapter);
    if (!compiled) this.#compiled.set(adapter, compiled = this.compile(db));
    const parameters = compiled.bindings.map((b) => ('placeholder' in b ? values[b.placeholder] : b.value));
    return db.executeQuery<R>({ ...compiled.query, parameters });
  }

  async takeFirst(db: Kysely<Database>, values: P): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  private compile(db: Kysely<Database>): Compiled<P, R> {
    const placeholders = new Proxy({}, { get: (_, name) => new Placeholder(String(name)) }) as Readonly<P>;
    const query = this.build(db, placeholders).compile();
    const bindings = query.parameters.map((parameter): Binding<P> => (
      parameter instanceof Placeholder ? { placeholder: parameter.name as keyof P } : { value: parameter }
    ));
    return { query, bindings };
  }
}
