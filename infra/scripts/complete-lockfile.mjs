#!/usr/bin/env node
// The npm registry mirror this project installs from lacks some foreign-platform builds (darwin, win32, ...)
// of native packages, and npm then leaves them out of package-lock.json, which makes `npm ci` refuse the
// lock file everywhere. This adds the missing optional platform packages back, with the os/cpu/libc that
// their names state, so `npm ci` skips them on other platforms exactly as it would with a full lock file.
// Usage: node infra/scripts/complete-lockfile.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'ppc64', 's390x', 'loong64', 'riscv64', 'mips64el', 'wasm32'];

export function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  for (let i = 0; i < parts.length - 1; i += 1) {
    if (OS.includes(parts[i]) && CPU.includes(parts[i + 1])) {
      const abi = parts[i + 2] ?? '';
      const entry = { os: [parts[i]], cpu: [parts[i + 1]] };
      if (parts[i] === 'linux' && abi.startsWith('gnu')) entry.libc = ['glibc'];
      if (parts[i] === 'linux' && abi.startsWith('musl')) entry.libc = ['musl'];
      return entry;
    }
  }
  return undefined;
}

/** Optional dependencies that no lock entry resolves, as [name, version, parentPath]. */
export function missingOptionals(lock) {
  const packages = lock.packages;
  const missing = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const candidates = [];
      for (let at = path; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
        candidates.push(at ? `${at}/node_modules/${name}` : `node_modules/${name}`);
        if (!at.includes('/node_modules/')) break;
      }
      candidates.push(`node_modules/${name}`);
      if (!candidates.some((c) => packages[c])) missing.push([name, version, path]);
    }
  }
  return missing;
}

function main() {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../../package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const missing = missingOptionals(lock);
  const unknown = missing.filter(([name]) => !platformOf(name));
  if (unknown.length) {
    console.error(`complete-lockfile: cannot tell the platform of ${unknown.map(([n]) => n).join(', ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    if (missing.length) {
      console.error(
        `complete-lockfile: ${missing.length} optional packages are missing; run node infra/scripts/complete-lockfile.mjs`,
      );
      process.exit(1);
    }
    return;
  }
  for (const [name, version, parent] of missing) {
    const dev = lock.packages[parent]?.dev ? { dev: true } : {};
    lock.packages[`node_modules/${name}`] = { version, ...dev, optional: true, ...platformOf(name) };
  }
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.error(`complete-lockfile: added ${missing.length} optional platform packages`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
