import type { Request } from 'express';
import { ApiKeyEntry, keyIdOf, verifyApiKey } from './api-keys';
import { Role } from './roles';

/** Who made the request, once its key is verified. */
export interface Principal {
  keyId: string;
  role: Role;
}

/** What a request's credentials amount to. */
export type Authentication =
  | { outcome: 'open' }
  | { outcome: 'missing' }
  /** `keyId` only when the key was well-formed (the id part is not secret). */
  | { outcome: 'invalid'; keyId?: string }
  | { outcome: 'verified'; principal: Principal };

export function presentedKey(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers.authorization;
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return bearer?.[1];
}

// Both the rate limiter (which keys its budget on the caller) and the access guard need the
// verdict; the key is hashed once per request.
const verdicts = new WeakMap<Request, Authentication>();

export function authenticate(req: Request, entries: readonly ApiKeyEntry[]): Authentication {
  let verdict = verdicts.get(req);
  if (!verdict) {
    verdict = judge(req, entries);
    verdicts.set(req, verdict);
  }
  return verdict;
}

function judge(req: Request, entries: readonly ApiKeyEntry[]): Authentication {
  if (entries.length === 0) return { outcome: 'open' };
  const key = presentedKey(req);
  if (!key) return { outcome: 'missing' };
  const entry = verifyApiKey(key, entries);
  if (!entry) return { outcome: 'invalid', keyId: keyIdOf(key) };
  return { outcome: 'verified', principal: { keyId: entry.id, role: entry.role } };
}
