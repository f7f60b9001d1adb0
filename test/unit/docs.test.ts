import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConstantsDoc } from '../../src/report/constants-doc.js';
import { SCENARIO_SCRIPT_SCHEMA } from '../../src/scenarios/script.js';

describe('generated docs are in step with the code (npm run docs regenerates them)', () => {
  it('docs/constants.md', () => {
    expect(readFileSync('docs/constants.md', 'utf8')).toBe(renderConstantsDoc());
  });
  it('docs/scenario-script.schema.json', () => {
    expect(JSON.parse(readFileSync('docs/scenario-script.schema.json', 'utf8'))).toEqual(
      SCENARIO_SCRIPT_SCHEMA,
    );
  });
});
