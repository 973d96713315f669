import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { schemaIdent } from '@hive/event-store';
import { HiveEventing } from '@hive/messaging';
import type { Role } from './permissions';

export interface UserRecord {
  readonly userId: string;
  readonly tenant: string;
  readonly username: string;
  readonly roles: Role[];
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly role: Role;
  readonly scopes: string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const BCRYPT_ROUNDS = 10;
/** Compared against when the user does not exist, so an unknown user costs as much time as a wrong password. */
const DUMMY_HASH = bcrypt.hashSync('not-a-password', BCRYPT_ROUNDS);

/**
 * Local users (bcrypt password hashes), refresh tokens (stored as SHA-256,
 * rotated on use, revocable by family) and API keys (`hive_<id>_<secret>`,
 * the secret stored as SHA-256: it is 256 random bits, so no slow hash is needed).
 */
@Injectable()
export class CredentialsRepository implements OnModuleInit {
  private readonly s: string;

  constructor(private readonly eventing: HiveEventing) {
    this.s = schemaIdent(eventing.schema);
  }

  async onModuleInit(): Promise<void> {
    await this.eventing.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.s};
      CREATE TABLE IF NOT EXISTS ${this.s}.users (
        tenant text NOT NULL, username text NOT NULL, user_id uuid NOT NULL UNIQUE, password_hash text NOT NULL,
        roles text[] NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant, username));
      CREATE TABLE IF NOT EXISTS ${this.s}.refresh_tokens (
        token_hash text PRIMARY KEY, family uuid NOT NULL, user_id uuid NOT NULL, tenant text NOT NULL,
        expires_at timestamptz NOT NULL, used_at timestamptz, revoked_at timestamptz);
      CREATE INDEX IF NOT EXISTS refresh_tokens_family ON ${this.s}.refresh_tokens (family);
      CREATE TABLE IF NOT EXISTS ${this.s}.api_keys (
        key_id text PRIMARY KEY, tenant text NOT NULL, name text NOT NULL, secret_hash text NOT NULL, role text NOT NULL,
        scopes text[] NOT NULL, created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz)`);
  }

  async createUser(tenant: string, username: string, password: string, roles: readonly Role[]): Promise<UserRecord | undefined> {
    const userId = randomUUID();
    const hash = await bcrypt.hash(password, BCRYPT_ROUNDS);
    const { rowCount } = await this.eventing.pool.query(
      `INSERT INTO ${this.s}.users (tenant, username, user_id, password_hash, roles) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [tenant, username, userId, hash, roles],
    );
    return rowCount === 1 ? { userId, tenant, username, roles: [...roles] } : undefined;
  }

  /** The user when the password matches; undefined otherwise (same cost either way). */
  async checkPassword(tenant: string, username: string, password: string): Promise<UserRecord | undefined> {
    const { rows } = await this.eventing.pool.query<{ user_id: string; password_hash: string; roles: Role[] }>(
      `SELECT user_id, password_hash, roles FROM ${this.s}.users WHERE tenant = $1 AND username = $2`, [tenant, username]);
    const ok = await bcrypt.compare(password, rows[0]?.password_hash ?? DUMMY_HASH);
    return ok && rows[0] ? { userId: rows[0].user_id, tenant, username, roles: rows[0].roles } : undefined;
  }

  async userById(userId: string): Promise<UserRecord | undefined> {
    const { rows } = await this.eventing.pool.query<{ tenant: string; username: string; roles: Role[] }>(
      `SELECT tenant, username, roles FROM ${this.s}.users WHERE user_id = $1`, [userId]);
    return rows[0] ? { userId, ...rows[0] } : undefined;
  }

  async issueRefreshToken(user: UserRecord, ttlSeconds: number, family: string = randomUUID()): Promise<string> {
    const token = `hrt_${randomBytes(32).toString('base64url')}`;
    await this.eventing.pool.query(
      `INSERT INTO ${this.s}.refresh_tokens (token_hash, family, user_id, tenant, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [sha256(token), family, user.userId, user.tenant, ttlSeconds],
    );
    return token;
  }

  /**
   * Uses a refresh token once. A second use of the same token (a stolen copy
   * racing its owner) revokes the whole family.
   */
  async useRefreshToken(token: string): Promise<{ userId: string; family: string } | undefined> {
    const hash = sha256(token);
    const { rows } = await this.eventing.pool.query<{ user_id: string; family: string }>(
      `UPDATE ${this.s}.refresh_tokens SET used_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING user_id, family`, [hash]);
    if (rows[0]) return { userId: rows[0].user_id, family: rows[0].family };
    await this.eventing.pool.query(
      `UPDATE ${this.s}.refresh_tokens SET revoked_at = now() WHERE family = (SELECT family FROM ${this.s}.refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL) AND revoked_at IS NULL`,
      [hash]);
    return undefined;
  }

  /** Revokes a refresh token and every token rotated from the same login. Only the owner's tenant can revoke. */
  async revokeRefreshFamily(token: string, tenant: string): Promise<boolean> {
    const { rowCount } = await this.eventing.pool.query(
      `UPDATE ${this.s}.refresh_tokens SET revoked_at = now()
       WHERE family = (SELECT family FROM ${this.s}.refresh_tokens WHERE token_hash = $1 AND tenant = $2) AND revoked_at IS NULL`, [sha256(token), tenant]);
    return (rowCount ?? 0) > 0;
  }

  async createApiKey(tenant: string, name: string, role: Role, scopes: readonly string[], createdBy: string): Promise<{ key: string; record: ApiKeyRecord }> {
    const keyId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const { rows } = await this.eventing.pool.query<{ created_at: Date }>(
      `INSERT INTO ${this.s}.api_keys (key_id, tenant, name, secret_hash, role, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
      [keyId, tenant, name, sha256(secret), role, scopes, createdBy]);
    return { key: `hive_${keyId}_${secret}`, record: { keyId, tenant, name, role, scopes: [...scopes], createdBy, createdAt: rows[0].created_at.toISOString(), revokedAt: null } };
  }

  async verifyApiKey(key: string): Promise<ApiKeyRecord | undefined> {
    const match = /^hive_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(key);
    if (!match) return undefined;
    const { rows } = await this.eventing.pool.query<{ secret_hash: string } & Record<string, unknown>>(
      `SELECT * FROM ${this.s}.api_keys WHERE key_id = $1 AND revoked_at IS NULL`, [match[1]]);
    const row = rows[0];
    if (!row) return undefined;
    const given = Buffer.from(sha256(match[2]), 'hex');
    if (!timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'))) return undefined;
    return this.apiKeyOf(row);
  }

  async listApiKeys(tenant: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.eventing.pool.query(`SELECT * FROM ${this.s}.api_keys WHERE tenant = $1 ORDER BY created_at, key_id`, [tenant]);
    return rows.map((row: Record<string, unknown>) => this.apiKeyOf(row));
  }

  async revokeApiKey(tenant: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.eventing.pool.query(
      `UPDATE ${this.s}.api_keys SET revoked_at = now() WHERE tenant = $1 AND key_id = $2 AND revoked_at IS NULL`, [tenant, keyId]);
    return rowCount === 1;
  }

  private apiKeyOf(row: Record<string, unknown>): ApiKeyRecord {
    return {
      keyId: String(row['key_id']), tenant: String(row['tenant']), name: String(row['name']), role: row['role'] as Role,
      scopes: row['scopes'] as string[], createdBy: String(row['created_by']), createdAt: (row['created_at'] as Date).toISOString(),
      revokedAt: row['revoked_at'] ? (row['revoked_at'] as Date).toISOString() : null,
    };
  }
}
