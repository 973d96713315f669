import type { Queryable } from '@hive/event-store';
import { ApiProblem } from '../problem/api-problem.exception';

export interface SortSpec {
  readonly column: string;
  readonly type: 'timestamptz' | 'integer' | 'text' | 'double precision';
}

export interface ListSpec {
  /** Qualified table name. */
  readonly table: string;
  readonly idColumn: string;
  readonly sorts: Readonly<Record<string, SortSpec>>;
  /** Query parameter -> column compared with `=`. */
  readonly filters: Readonly<Record<string, string>>;
  /** Extra condition, e.g. `deregistered_at IS NULL`. */
  readonly where?: string;
}

export interface ListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly sort: string;
  readonly order: 'asc' | 'desc';
  readonly filters: Readonly<Record<string, string | undefined>>;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  readonly nextCursor: string | null;
}

interface CursorState {
  readonly s: string;
  readonly o: 'asc' | 'desc';
  readonly v: string | null;
  readonly id: string;
}

const encode = (state: CursorState): string => Buffer.from(JSON.stringify(state)).toString('base64url');
const decode = (cursor: string): CursorState => {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    if (typeof state.s !== 'string' || typeof state.id !== 'string' || (state.o !== 'asc' && state.o !== 'desc')) throw new Error('shape');
    return state;
  } catch {
    throw new ApiProblem('validation_failed', 'cursor is not one this API returned', { fields: [{ field: 'cursor', messages: ['cursor is malformed'] }] });
  }
};

/**
 * One page of a tenant's rows with keyset pagination: rows after the
 * cursor's (sort value, id) in the requested order, so pages stay stable
 * while rows are added.
 */
export async function listPage<T>(db: Queryable, spec: ListSpec, tenants: readonly string[], query: ListQuery, map: (row: Record<string, unknown>) => T): Promise<Page<T>> {
  const sort = spec.sorts[query.sort];
  if (!sort) throw new ApiProblem('validation_failed', `sort must be one of ${Object.keys(spec.sorts).join(', ')}`, { fields: [{ field: 'sort', messages: ['unknown sort'] }] });
  const params: unknown[] = [tenants];
  const conditions = ['tenant = ANY($1::text[])'];
  if (spec.where) conditions.push(spec.where);
  for (const [name, column] of Object.entries(spec.filters)) {
    const value = query.filters[name];
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column}::text = $${params.length}`);
  }
  const cmp = query.order === 'asc' ? '>' : '<';
  if (query.cursor) {
    const state = decode(query.cursor);
    if (state.s !== query.sort || state.o !== query.order) throw new ApiProblem('validation_failed', 'the cursor belongs to another sort or order', { fields: [{ field: 'cursor', messages: ['sort or order changed'] }] });
    params.push(state.v, state.id);
    const v = `$${params.length - 1}::${sort.type}`;
    const id = `$${params.length}::text`;
    // NULL sort values sort last in both orders (NULLS LAST).
    conditions.push(state.v === null
      ? `(${sort.column} IS NULL AND ${spec.idColumn} ${cmp} ${id})`
      : `((${sort.column}, ${spec.idColumn}) ${cmp} (${v}, ${id}) OR ${sort.column} IS NULL)`);
  }
  params.push(query.limit + 1);
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT *, ${sort.column}::text AS __sort FROM ${spec.table} WHERE ${conditions.join(' AND ')}
     ORDER BY ${sort.column} ${direction} NULLS LAST, ${spec.idColumn} ${direction} LIMIT $${params.length}`, params);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(map),
    nextCursor: more && last ? encode({ s: query.sort, o: query.order, v: (last['__sort'] as string | null) ?? null, id: String(last[spec.idColumn]) }) : null,
  };
}
