// Builds the leadership page into dist/apps/api/page: the TypeScript (type-checked by `tsc -p
// apps/api/page` before this runs) bundled by esbuild with ECharts and graphql-ws from node_modules, so
// the browser loads one script of this origin (no CDN, no bare imports it could not resolve), and only
// the ECharts parts the page uses (tree-shaken: ~1/3 of the full library).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', '..', 'dist', 'apps', 'api', 'page');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: join(out, 'app.js'),
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of ['index.html', 'page.css']) copyFileSync(join(here, file), join(out, file));
