import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@astra/config';
import { Role, ROLES } from './roles';

/**
 * API keys look like `ag_<id>_<secret>`. Configuration holds only `<id>:<role>:<salt>:<sha256(salt+secret)>`
 * entries (API_KEYS, comma-separated), so a leaked config does not leak keys. Secrets are 32 random
 * bytes, so a fast salted hash is enough (no password stretching needed), and it keeps checks cheap.
 */
export interface ApiKeyEntry {
  id: string;
  role: Role;
  salt: string;
  hash: Buffer;
}

const KEY_FORMAT = /^ag_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const ENTRY_FORMAT = /^([a-z0-9]{8}):([a-z]+):([0-9a-f]{32}):([0-9a-f]{64})$/;

function digest(salt: string, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

export function parseApiKeys(raw: string | undefined): ApiKeyEntry[] {
  if (!raw?.trim()) return [];
  const entries = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const ids = new Set<string>();
  return entries.map((entry, index) => {
    const match = ENTRY_FORMAT.exec(entry);
    if (!match) throw new ConfigError('API_KEYS', `entry ${index + 1} is not <id>:<role>:<salt>:<hash> (run npm run key:new)`);
    const [, id, role, salt, hash] = match;
    if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError('API_KEYS', `entry ${index + 1} has unknown role "${role}"; roles: ${ROLES.join(', ')}`);
    if (ids.has(id)) throw new ConfigError('API_KEYS', `entry ${index + 1} repeats key id ${id}`);
    ids.add(id);
    return { id, role: role as Role, salt, hash: Buffer.from(hash, 'hex') };
  });
}

/** The id part of a well-formed key (not secret, safe to log), or undefined for anything else. */
export function keyIdOf(presented: string): string | undefined {
  return KEY_FORMAT.exec(presented)?.[1];
}

/** The entry a presented key matches, compared in constant time; undefined for anything else. */
export function verifyApiKey(presented: string, entries: readonly ApiKeyEntry[]): ApiKeyEntry | undefined {
  const match = KEY_FORMAT.exec(presented);
  if (!match) return undefined;
  const entry = entries.find((candidate) => candidate.id === match[1]);
  if (!entry) return undefined;
  return timingSafeEqual(digest(entry.salt, match[2]), entry.hash) ? entry : undefined;
}

/** A new key and the API_KEYS entry that accepts it. The key is shown once and never stored. */
export function generateApiKey(role: Role): { key: string; entry: string } {
  const id = randomBytes(5).toString('hex').slice(0, 8);
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return { key: `ag_${id}_${secret}`, entry: `${id}:${role}:${salt}:${digest(salt, secret).toString('hex')}` };
}
