import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';
const parser = new Parser();
const out = [];
for (const file of process.argv.slice(2)) {
  const source = resolve(file);
  const text = await readFile(source, 'utf8');
  const { diagnostics } = await parser.parse(text, { source });
  for (const d of diagnostics) out.push({file, code: d.code, sev: d.severity, path: (d.path||[]).join('/'), line: d.range ? d.range.start.line+1 : null, col: d.range? d.range.start.character+1:null, msg: d.message, src: d.source});
}
console.log(JSON.stringify(out));
