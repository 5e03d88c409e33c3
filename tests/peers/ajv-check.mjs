// Validates generated values with Ajv (JSON Schema 2020-12 + ajv-formats), independently of the
// Rust validator. Usage: node ajv-check.mjs INPUT.json
// INPUT: [{ "name": str, "schema": <schema>, "values": [..] }, ..]
// Prints: [{ "name": str, "checked": n, "invalid": n, "errors": [{ "value", "errors" }] (first 3) }, ..]
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const verdicts = cases.map(({ name, schema, values }) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    return { name, checked: 0, invalid: values.length, errors: [{ compile: String(e) }] };
  }
  const errors = [];
  let invalid = 0;
  for (const value of values) {
    if (!validate(value)) {
      invalid += 1;
      if (errors.length < 3) errors.push({ value, errors: validate.errors });
    }
  }
  return { name, checked: values.length, invalid, errors };
});
process.stdout.write(JSON.stringify(verdicts));
