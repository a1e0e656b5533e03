import { ConfigError } from '@astra/config';
import { generateApiKey, parseApiKeys, verifyApiKey } from './api-keys';

/** The secret part of an `ag_<id>_<secret>` key (the secret itself may contain `_`). */
const secretOf = (key: string): string => key.split('_').slice(2).join('_');

describe('API keys', () => {
  it('accepts a generated key through its configuration entry, with its role', () => {
    const operator = generateApiKey('operator');
    const admin = generateApiKey('admin');
    const entries = parseApiKeys(`${operator.entry}, ${admin.entry}`);
    expect(verifyApiKey(operator.key, entries)?.role).toBe('operator');
    expect(verifyApiKey(admin.key, entries)?.role).toBe('admin');
  });

  it('refuses a wrong secret, an unknown id and malformed keys', () => {
    const { key, entry } = generateApiKey('viewer');
    const entries = parseApiKeys(entry);
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(verifyApiKey(tampered, entries)).toBeUndefined();
    expect(verifyApiKey(generateApiKey('viewer').key, entries)).toBeUndefined();
    expect(verifyApiKey('', entries)).toBeUndefined();
    expect(verifyApiKey('not-a-key', entries)).toBeUndefined();
  });

  it('never puts the key itself in the configuration entry', () => {
    const { key, entry } = generateApiKey('admin');
    expect(entry).not.toContain(secretOf(key));
  });

  it.each([
    ['garbage', /entry 1 is not <id>:<role>:<salt>:<hash>/],
    ['abcd1234:root:' + '0'.repeat(32) + ':' + '0'.repeat(64), /unknown role "root"/],
  ])('rejects a bad API_KEYS value %s naming the variable', (raw, message) => {
    expect(() => parseApiKeys(raw)).toThrow(ConfigError);
    expect(() => parseApiKeys(raw)).toThrow(message);
  });

  it('rejects a repeated key id', () => {
    const { entry } = generateApiKey('viewer');
    expect(() => parseApiKeys(`${entry},${entry}`)).toThrow(/repeats key id/);
  });

  it('treats an empty value as no keys', () => {
    expect(parseApiKeys('')).toEqual([]);
    expect(parseApiKeys(undefined)).toEqual([]);
  });
});
