// Prints every diagnostic of the reference AsyncAPI parser (@asyncapi/parser) on each file
// given as an argument, as one JSON array:
//   [{"file", "rule", "severity": 0-3, "line", "column", "path", "message"}]
// `file` is the file the diagnostic is in (a file a $ref reaches, or the argument), relative to
// the working directory; `line` and `column` are 1-based. Used by the diagnostics agreement
// test (crates/asynction/tests/integration/diagnostics_agreement.rs) to write the reference
// side of tests/fixtures/agreement/reference.json; run `npm install --prefix tests/peers` first.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';

const parser = new Parser();
const out = [];
for (const file of process.argv.slice(2)) {
  const source = resolve(file);
  const text = await readFile(source, 'utf8');
  let diagnostics;
  try {
    ({ diagnostics } = await parser.parse(text, { source }));
  } catch (e) {
    out.push({ file, rule: 'parser-threw', severity: 0, line: null, column: null, path: '', message: String(e) });
    continue;
  }
  for (const d of diagnostics) {
    const where = d.source && d.source !== source ? relative(process.cwd(), d.source) : file;
    out.push({
      file: where,
      rule: d.code,
      severity: d.severity,
      line: d.range ? d.range.start.line + 1 : null,
      column: d.range ? d.range.start.character + 1 : null,
      path: (d.path || []).join('/'),
      message: d.message,
    });
  }
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
