import { defineConfig } from 'vitest/config'

// One worker and one module graph for the whole run: the seeded database (≈25 s to build on
// PGlite) is created once and shared by every test file (tests/helpers/test-db.ts).
export default defineConfig({
  test: {
    root: '.',
    include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
})
