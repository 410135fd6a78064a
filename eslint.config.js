import tseslint from 'typescript-eslint';
import { dependencyRule } from './tools/dependency-rule.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/build/**', '**/temp/**', '**/coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { stack: { rules: { 'dependency-rule': dependencyRule } } },
    rules: {
      'stack/dependency-rule': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'use Uint8Array: packages must run in a browser' }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**', 'tools/**', 'apps/**'],
    rules: { 'no-restricted-globals': 'off' },
  },
);
