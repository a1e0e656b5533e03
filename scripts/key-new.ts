// Prints a new API key once, and the API_KEYS entry that accepts it: `npm run key:new -- --role operator`.
import { parseArgs } from 'node:util';
import { generateApiKey, Role, ROLES } from '@astra/security';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'viewer' } } });
if (!(ROLES as readonly string[]).includes(values.role!)) {
  process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
  process.exit(2);
}
const { key, entry } = generateApiKey(values.role as Role);
process.stdout.write(`API key (shown once, give it to the caller): ${key}\nAdd to API_KEYS (comma-separated):       ${entry}\n`);
