// `npm run slo:generate`: deploy/slo/slos.yaml → deploy/prometheus/rules/slo-generated.yml.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSloFile, renderSloRules } from './slo-rules';

export const SLO_SOURCE = join(__dirname, '..', 'deploy', 'slo', 'slos.yaml');
export const SLO_RULES = join(__dirname, '..', 'deploy', 'prometheus', 'rules', 'slo-generated.yml');

if (require.main === module) {
  writeFileSync(SLO_RULES, renderSloRules(loadSloFile(SLO_SOURCE)));
  process.stdout.write(`wrote ${SLO_RULES}\n`);
}
