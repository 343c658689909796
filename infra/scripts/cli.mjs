// `npm run cli -- <command>`: runs the built CLI, building it first when needed. Without
// DATABASE_URL it uses the database of the running `npm start` (recorded in .run/env.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const env = { ...process.env };
const recorded = join(process.env.ORGPULSE_RUN_DIR ?? join(root, '.run'), 'env.json');
if (!env.DATABASE_URL && existsSync(recorded))
  env.DATABASE_URL = JSON.parse(readFileSync(recorded, 'utf8')).DATABASE_URL;
env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/orgpulse';

if (!existsSync(main)) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [main, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
