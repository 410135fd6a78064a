// Checks the package.json side of the dependency rule (DESIGN.md §2): a protocol or driver package
// depends on @stack/core only, plus exceptions declared in tools/dependency-rules.json.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rules = JSON.parse(readFileSync(join(root, 'tools/dependency-rules.json'), 'utf8'));
let failures = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (!rules.protocolPackages.includes(dir)) {
    console.error(`packages/${dir}: not listed in tools/dependency-rules.json protocolPackages`);
    failures++;
    continue;
  }
  const allowed = new Set(['@stack/core', ...(rules.exceptions[dir]?.imports ?? [])]);
  const deps = Object.keys(pkg.dependencies ?? {});
  for (const d of deps) {
    if (d.startsWith('@stack/') && !allowed.has(d)) {
      console.error(`packages/${dir}: depends on ${d}; a protocol or driver package may depend only on @stack/core (DESIGN.md §2)`);
      failures++;
    }
    if (!d.startsWith('@stack/') && !(rules.exceptions[dir]?.dependencies ?? []).includes(d)) {
      console.error(`packages/${dir}: depends on the third-party package ${d}; declare it in tools/dependency-rules.json`);
      failures++;
    }
  }
  if (dir === 'core' && deps.length > 0) {
    console.error('packages/core: must have no dependencies');
    failures++;
  }
}
if (failures > 0) process.exit(1);
console.log('dependency rule: ok');
