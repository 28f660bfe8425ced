// Lint: module boundaries between projects (Nx tags, enforced for real), floating promises, and the
// rule that domain libraries stay pure (no framework, database, broker, telemetry or Node I/O).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import js from '@eslint/js';
import globals from 'globals';

const IMPURE = ['@nestjs/*', 'typeorm', 'pg', 'nats', 'mqtt', '@opentelemetry/*', 'node:fs', 'node:net', 'node:http', 'node:child_process', 'fs', 'net', 'http', 'child_process'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/tmp/**', '**/.twinline/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'artifacts/**', '!apps/console/public/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data-access', 'type:util', 'type:testing'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data-access', 'type:util', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing', 'type:tool', 'type:util', 'type:data-access'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:twin', onlyDependOnLibsWithTags: ['scope:shared', 'scope:twin'] },
            { sourceTag: 'scope:integrity', onlyDependOnLibsWithTags: ['scope:shared', 'scope:integrity'] },
            { sourceTag: 'scope:maintenance', onlyDependOnLibsWithTags: ['scope:shared', 'scope:maintenance'] },
            { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
            { sourceTag: 'scope:ingestion', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:twin', 'scope:integrity'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:cli'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IMPURE, message: 'domain libraries are pure: no frameworks, databases, brokers, telemetry or I/O' }] }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'no I/O in the domain' }, { name: 'setTimeout', message: 'no timers in the domain' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'no randomness in the domain' }, { object: 'Date', property: 'now', message: 'time comes in with the command' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time comes in with the command' }],
    },
  },
  {
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.contract.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@twinline/testing'], message: 'only spec files import the testing library' }] }],
    },
  },
  // The console's browser code: plain ES modules served as they are (no build step).
  { files: ['apps/console/public/**/*.js'], ...js.configs.recommended, languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.browser } },
];
