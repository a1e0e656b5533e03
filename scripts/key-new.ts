// Prints a new API key once, and the API_KEYS entry that accepts it: `npm run key:new -- --role operator`.
import { parseArgs } from 'node:util';
import { generateApiKey, Role, ROLES } from '@astra/security';

const USAGE = `usage: npm run key:new -- --role ${ROLES.join('|')}\n`;

function role(): Role {
  try {
    const { values } = parseArgs({ options: { role: { type: 'string', default: 'viewer' } } });
    if ((ROLES as readonly string[]).includes(values.role)) return values.role as Role;
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  }
  process.exit(2);
}

const { key, entry } = generateApiKey(role());
process.stdout.write(`API key (shown once, give it to the caller): ${key}\nAdd to API_KEYS (comma-separated):       ${entry}\n`);
