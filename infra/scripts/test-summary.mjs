// Prints one closing line for the whole test command, summed over the jest tiers that ran.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
for (const tier of ['unit', 'int', 'e2e', 'fault']) {
  const file = join(dir, `jest-${tier}.json`);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
