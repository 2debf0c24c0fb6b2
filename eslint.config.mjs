// Lint rules that keep the architecture honest: no import cycles, no deep imports into another
// package's src/, and the layering table of DESIGN §2.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const deepImports = {
  group: ['@millrace/*/src', '@millrace/*/src/*', '**/packages/*/src/*', '**/apps/*/src/*'],
  message: "Import another package through its entry point ('@millrace/<name>'), never its src/.",
};

/** Builds a no-restricted-imports rule: deep imports are always banned, plus the given packages. */
function banned(...packages) {
  return [
    'error',
    {
      patterns: [
        deepImports,
        ...packages.map((p) => ({
          group: [p, `${p}/*`],
          message: `This layer must not depend on ${p} (see DESIGN §2, "who may import whom").`,
        })),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', '**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // Without a parser for .ts, no-cycle cannot read the files it follows and sees no cycle.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
    },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'no-restricted-imports': banned(),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: [
      'packages/schema/**',
      'packages/canonical/**',
      'packages/flow-model/**',
      'packages/node-sdk/**',
      'packages/sandbox/**',
      'packages/sparkplug/**',
    ],
    rules: {
      'no-restricted-imports': banned(
        'react',
        'express',
        '@millrace/engine',
        '@millrace/store-sqlite',
        '@millrace/server',
        '@millrace/designer',
        '@millrace/flow-nodes',
      ),
    },
  },
  {
    // Core tests may read the generated catalog (data only) to test against the real node types.
    files: ['packages/*/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@millrace/flow-nodes',
              message: 'Core tests may use the generated catalog.json, never node code.',
            },
          ],
          patterns: [
            deepImports,
            {
              group: ['@millrace/flow-nodes/*', '!@millrace/flow-nodes/catalog.json'],
              message: 'Core tests may use the generated catalog.json, never node code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/engine/**'],
    rules: {
      'no-restricted-imports': banned(
        'react',
        'express',
        '@millrace/store-sqlite',
        '@millrace/server',
        '@millrace/designer',
      ),
    },
  },
  {
    files: ['packages/store-*/**'],
    rules: { 'no-restricted-imports': banned('@millrace/server', '@millrace/designer') },
  },
  {
    files: ['flow-nodes/**'],
    rules: {
      'no-restricted-imports': banned(
        '@millrace/engine',
        '@millrace/store-sqlite',
        '@millrace/server',
        '@millrace/designer',
        '@millrace/sandbox',
      ),
    },
  },
  {
    files: ['apps/designer/**'],
    rules: {
      'no-restricted-imports': banned(
        '@millrace/engine',
        '@millrace/store-sqlite',
        '@millrace/sandbox',
        '@millrace/server',
      ),
    },
  },
  {
    // The designer's browser tests run in Node and start the real server to drive Chromium against;
    // they never reach the browser bundle.
    files: ['apps/designer/e2e/**'],
    rules: {
      'no-restricted-imports': banned('@millrace/engine', '@millrace/store-sqlite', '@millrace/sandbox'),
    },
  },
  {
    files: ['apps/simulators/**'],
    rules: {
      'no-restricted-imports': banned(
        '@millrace/engine',
        '@millrace/flow-nodes',
        '@millrace/server',
        '@millrace/flow-model',
        '@millrace/node-sdk',
      ),
    },
  },
  {
    files: ['**/*.test.ts', 'scripts/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
