import { defineConfig } from 'vitest/config';

// .tsx files name their JSX runtime (hono/jsx) in a pragma, so no transform options are needed here.

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], exclude: ['**/*.db.test.ts', '**/*.db.test.tsx', '**/*.browser.test.ts'] },
      },
      {
        test: { name: 'db-sqlite', include: ['src/**/*.db.test.ts', 'src/**/*.db.test.tsx'], env: { TEST_DIALECT: 'sqlite' }, testTimeout: 30000 },
      },
      {
        test: {
          name: 'db-postgres',
          include: ['src/**/*.db.test.ts', 'src/**/*.db.test.tsx'],
          env: { TEST_DIALECT: 'postgres' },
          testTimeout: 30000,
          fileParallelism: false,
        },
      },
      {
        test: { name: 'browser', include: ['test/browser/**/*.browser.test.ts'], testTimeout: 60000, hookTimeout: 120000, fileParallelism: false },
      },
    ],
  },
});
