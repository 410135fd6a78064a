// Sums the vitest JSON reports that `STACK_TEST_REPORT=1 npm test` leaves in each project and prints
// one closing line, "N passed, N failed, N skipped", for CI logs. Exits 1 if any test failed, no
// test ran at all, or a project with a `test` script left no report (its tests would go uncounted).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const group of ['packages', 'apps', 'tools']) {
  if (!existsSync(join(root, group))) continue;
  for (const dir of readdirSync(join(root, group))) {
    const pkgFile = join(root, group, dir, 'package.json');
    const hasTests = existsSync(pkgFile) && JSON.parse(readFileSync(pkgFile, 'utf8')).scripts?.test !== undefined;
    if (hasTests && !existsSync(join(root, group, dir, 'test-results.json'))) {
      console.log(`${group}/${dir}: no test report`);
      missing++;
    }
    for (const name of ['test-results.json', 'test-results-interop.json']) {
      const file = join(root, group, dir, name);
      if (!existsSync(file)) continue;
      const r = JSON.parse(readFileSync(file, 'utf8'));
      passed += r.numPassedTests ?? 0;
      failed += r.numFailedTests ?? 0;
      skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      console.log(`${group}/${dir} (${name}): ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests ?? 0} skipped`);
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped${missing > 0 ? `, ${missing} projects without a report` : ''}`);
if (failed > 0 || passed === 0 || missing > 0) process.exit(1);
