// Builds the optional native addon (build/Release/tap.node) at install time. Never fails the
// install: without the addon the package still loads, isTapAvailable() returns false and openTap()
// explains why. Offline: node-gyp is pointed at the headers of the running Node (<prefix>/include/node,
// e.g. /usr/include/node) so it downloads nothing, whatever ~/.npmrc says.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const note = (msg) => console.log(`@stack/tap-driver: ${msg}`);

if (process.platform !== 'linux') {
  note(`native addon not built: TAP devices are Linux-only (optional)`);
  process.exit(0);
}

const args = ['rebuild'];
const prefix = resolve(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

// node-gyp: our devDependency (workspace), else the copy npm bundles for install scripts, else PATH.
let command = process.execPath;
let argv;
try {
  argv = [createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'), ...args];
} catch {
  if (process.env.npm_config_node_gyp) argv = [process.env.npm_config_node_gyp, ...args];
  else {
    command = 'node-gyp';
    argv = args;
  }
}

const r = spawnSync(command, argv, { cwd: root, stdio: 'inherit' });
if (r.status === 0) note('native addon built');
else note(`native addon not built (optional): node-gyp ${r.error ? r.error.message : `exited with ${r.status ?? r.signal}`}`);
process.exit(0);
