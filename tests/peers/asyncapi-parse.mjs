// Prints the verdict of the reference AsyncAPI parser (@asyncapi/parser) on each
// file given as an argument, as one JSON array:
//   [{"file": "...", "valid": true|false, "errors": ["line:col message (at path)", ...]}]
// A file is valid when the parser reports no diagnostic of severity error.
// Used by tests/parser_agreement.rs; run `npm install --prefix tests/peers` first.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const parser = new Parser();
const verdicts = [];
for (const file of process.argv.slice(2)) {
  const source = resolve(file);
  let errors;
  try {
    const text = await readFile(source, 'utf8');
    const { diagnostics } = await parser.parse(text, { source });
    errors = diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => {
        const at = d.range ? `${d.range.start.line + 1}:${d.range.start.character + 1} ` : '';
        return `${at}${d.message} (at /${(d.path || []).join('/')})`;
      });
  } catch (e) {
    errors = [`parser threw: ${e && e.message ? e.message : e}`];
  }
  verdicts.push({ file, valid: errors.length === 0, errors });
}
process.stdout.write(`${JSON.stringify(verdicts, null, 1)}\n`);
