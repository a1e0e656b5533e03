import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseApiKeys, verifyApiKey } from '@astra/security';

const root = join(__dirname, '..');
const keyNew = (...args: string[]) =>
  spawnSync(process.execPath, ['--require', './scripts/register-ts.js', 'scripts/key-new.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('npm run key:new', () => {
  it('prints a key and the API_KEYS entry that accepts it with the asked role', () => {
    const run = keyNew('--role', 'operator');
    expect(run.status).toBe(0);
    const key = /API key \(shown once, give it to the caller\): (\S+)/.exec(run.stdout)?.[1];
    const entry = /Add to API_KEYS \(comma-separated\):\s+(\S+)/.exec(run.stdout)?.[1];
    expect(verifyApiKey(key!, parseApiKeys(entry))).toMatchObject({ role: 'operator' });
  });

  it.each([[['--role', 'root']], [['--rolle', 'admin']]])('refuses %j with usage and exit code 2', (args) => {
    const run = keyNew(...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('usage: npm run key:new -- --role viewer|operator|admin');
  });
});
