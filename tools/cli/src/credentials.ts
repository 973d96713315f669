import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface StoredLogin {
  readonly url: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresAt?: string;
}

/** Where `hive login` keeps its tokens: $HIVE_CONFIG_DIR or ~/.config/hive, file mode 0600. */
export function credentialsFile(configDir: string | undefined): string {
  return path.join(configDir ?? path.join(homedir(), '.config', 'hive'), 'credentials.json');
}

export function readLogin(file: string): StoredLogin | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredLogin;
  } catch {
    return undefined;
  }
}

export function writeLogin(file: string, login: StoredLogin): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
}
