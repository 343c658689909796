import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ADVISORY_LOCKS, ORG_ADVISORY_LOCKS } from './advisory-locks';

const INT4_MAX = 2 ** 31 - 1;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('spec.ts') ? [path] : [];
  });
}

describe('advisory lock keys', () => {
  it('are distinct: a shared key once made a starting projector wait forever on the relay of another', () => {
    const keys = Object.values(ADVISORY_LOCKS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('give each per-org kind its own int4 namespace', () => {
    const namespaces = Object.values(ORG_ADVISORY_LOCKS);
    expect(new Set(namespaces).size).toBe(namespaces.length);
    for (const namespace of namespaces) expect(namespace).toBeLessThanOrEqual(INT4_MAX);
  });

  it('are the only ones: no production source takes a lock by a key of its own', () => {
    const root = join(__dirname, '../../../..');
    const sources = ['apps', 'libs'].flatMap((dir) => sourcesUnder(join(root, dir)));
    const own = sources.filter((path) => {
      const text = readFileSync(path, 'utf8');
      if (/pg_\w*advisory\w*\(\s*(hashtext|\d)/.test(text)) return true;
      // a key passed as a parameter comes from here
      return /pg_\w*advisory\w*\(\s*\$/.test(text) && !/ADVISORY_LOCKS|ORG_XACT_LOCK_SQL/.test(text);
    });
    expect(own).toEqual([]);
  });
});
