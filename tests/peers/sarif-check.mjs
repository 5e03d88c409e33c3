// Validates a SARIF log against the SARIF 2.1.0 JSON Schema (as shipped by the npm package
// @microsoft/jest-sarif, validated with the Ajv it ships, the way its matchers do).
// Usage: node sarif-check.mjs LOG.sarif   Prints: {"valid": bool, "errors": [..]}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const here = createRequire(import.meta.url);
const jestSarif = createRequire(here.resolve('@microsoft/jest-sarif'));
const Ajv = jestSarif('ajv');
const schema = jestSarif('./schemas/sarif-2.1.0-rtm.5.json');

const ajv = new Ajv({ schemaId: 'auto', validateSchema: false, allErrors: true });
ajv.addMetaSchema(jestSarif('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);
const log = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const valid = validate(log);
process.stdout.write(JSON.stringify({ valid, errors: validate.errors || [] }));
