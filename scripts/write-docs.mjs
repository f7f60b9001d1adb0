// Regenerates the docs that are derived from code (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { renderConstantsDoc } from '../lib/src/report/constants-doc.js';
import { SCENARIO_SCRIPT_SCHEMA } from '../lib/src/scenarios/script.js';

writeFileSync('docs/constants.md', renderConstantsDoc());
writeFileSync('docs/scenario-script.schema.json', `${JSON.stringify(SCENARIO_SCRIPT_SCHEMA, null, 2)}\n`);
