import type { Role } from './permissions';

/** Who is calling, as established by a verified token or API key. */
export interface Principal {
  /** User id (`sub`) or `apikey:<id>`. */
  readonly subject: string;
  readonly tenant: string;
  readonly roles: readonly Role[];
  /** Grants (`*`, `workflows.*`, `tasks.create`). */
  readonly grants: ReadonlySet<string>;
  /** The role rate limits are counted for: the most privileged one held. */
  readonly rateRole: Role;
  readonly via: 'jwt' | 'api-key';
}
