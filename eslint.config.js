import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['bench/**', 'packages/server/src/main.ts', 'packages/server/src/migrate.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The domain never reaches for transports, SQL or brokers (DESIGN.md layering).
    files: ['packages/server/src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', 'ws', 'better-sqlite3', 'pg', 'ioredis', 'nodemailer'],
              message: 'core/ is transport- and storage-free.',
            },
            {
              group: ['**/http/**', '**/realtime/**', '**/store/**', '**/bus/**'],
              message: 'core/ must not import adapters.',
            },
          ],
        },
      ],
    },
  },
);
