import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderDocs } from './render-docs';

// `npm run docs`: regenerates the JSON Schemas, the OpenAPI document and the README's event table.
// With --check it changes nothing and fails when any of them differs from what the code generates.
const root = join(__dirname, '..', '..', '..', '..', '..');
const read = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);

async function main(): Promise<void> {
  const files = await renderDocs(read('README.md') ?? '');
  if (process.argv.includes('--check')) {
    const stale = Object.keys(files).filter((file) => read(file) !== files[file]);
    if (stale.length > 0) throw new Error(`out of date, run npm run docs: ${stale.join(', ')}`);
    process.stderr.write(`docs are current (${Object.keys(files).length} files)\n`);
    return;
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  process.stderr.write(`wrote ${Object.keys(files).length} files\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`docs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
