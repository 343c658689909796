// `npm run cli -- <command>`: runs the built CLI, building it first when needed. Without DATABASE_URL or
// KAFKA_BROKERS it uses those of the running `npm start` (recorded in .run/env.json), and it runs in the
// directory `npm run` was called from, so a FILE argument is found where the user typed it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const env = { ...process.env };
const recorded = join(process.env.ORGPULSE_RUN_DIR ?? join(root, '.run'), 'env.json');
if (existsSync(recorded)) {
  const running = JSON.parse(readFileSync(recorded, 'utf8'));
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS'])
    if (!env[name] && running[name]) env[name] = running[name];
}
env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/orgpulse';

if (!existsSync(main)) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const cwd = process.env.INIT_CWD && existsSync(process.env.INIT_CWD) ? process.env.INIT_CWD : process.cwd();
const run = spawnSync(process.execPath, [main, ...process.argv.slice(2)], { stdio: 'inherit', env, cwd });
process.exit(run.status ?? 1);
