import { ApiKeyEntry } from './api-keys';

/** How callers are admitted, as the status page and /health report it. */
export interface AccessMode {
  /** `open`: no API keys configured, anyone may call (local use only). */
  mode: 'open' | 'api_keys';
  admin_routes: 'enabled' | 'disabled';
}

export const ACCESS_MODE = Symbol('ACCESS_MODE');

export function accessMode(entries: readonly ApiKeyEntry[]): AccessMode {
  return entries.length === 0 ? { mode: 'open', admin_routes: 'disabled' } : { mode: 'api_keys', admin_routes: 'enabled' };
}
