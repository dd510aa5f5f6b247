/**
 * Writes src/job-definition/schema-validator.generated.ts (the standalone job definition validator) when its
 * content changed. Runs before every build: `node --import tsx scripts/generate-validator.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaValidatorSource } from '../src/job-definition/schema-validator-source.js';

const file = join(import.meta.dirname, '..', 'src', 'job-definition', 'schema-validator.generated.ts');
const source = schemaValidatorSource();
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {}
if (current !== source) writeFileSync(file, source);
