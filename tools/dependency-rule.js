// ESLint rule enforcing DESIGN.md §2: a protocol or driver package imports only @stack/core (plus the
// exceptions declared in tools/dependency-rules.json); only declared packages may use node: modules.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rules = JSON.parse(readFileSync(join(root, 'tools/dependency-rules.json'), 'utf8'));
const builtins = new Set(builtinModules);

function packageOf(filename) {
  const rel = relative(root, filename).split(sep);
  if (rel[0] !== 'packages' || rel.length < 3) return null;
  if (rel[2] !== 'src') return null; // only shipped sources are constrained
  const file = rel[rel.length - 1];
  if (/\.test\.ts$/.test(file) || /\.bench\.ts$/.test(file)) return null;
  return rel[1];
}

function check(context, node, source) {
  const pkg = packageOf(context.filename);
  if (pkg === null || !rules.protocolPackages.includes(pkg)) return;
  if (typeof source !== 'string' || source.startsWith('.')) return;
  const exception = rules.exceptions[pkg] ?? { imports: [], node: false };
  const isNode = source.startsWith('node:') || builtins.has(source.split('/')[0]);
  if (isNode) {
    if (!exception.node) context.report({ node, message: `@stack/${pkg} may not import the Node module "${source}": core and protocol packages must run in a browser (DESIGN.md §2). Declare an exception in tools/dependency-rules.json if it is a driver.` });
    return;
  }
  if (source === '@stack/core' || exception.imports.includes(source)) return;
  if (pkg === 'core') {
    context.report({ node, message: `@stack/core may not import "${source}" (DESIGN.md §2).` });
    return;
  }
  context.report({ node, message: `@stack/${pkg} may import only @stack/core, not "${source}" (DESIGN.md §2). Declare a real exception in tools/dependency-rules.json.` });
}

export const dependencyRule = {
  meta: { type: 'problem', docs: { description: 'DESIGN.md §2 dependency rule' }, schema: [] },
  create(context) {
    const visit = (node) => check(context, node.source ?? node, node.source?.value);
    return {
      ImportDeclaration: visit,
      ExportNamedDeclaration: (node) => node.source && visit(node),
      ExportAllDeclaration: visit,
      ImportExpression: (node) => node.source.type === 'Literal' && check(context, node, node.source.value),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(context, node, node.arguments[0].value);
        }
      },
    };
  },
};
