import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

describe('package-lock.json', () => {
  it('lists every optional platform package, so npm ci accepts it on a fresh clone', () => {
    const check = spawnSync(
      process.execPath,
      [join(root, 'infra/scripts/complete-lockfile.mjs'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
