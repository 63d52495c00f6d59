import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that check the freshly seeded city (the story's counts) run first: the other files
 * write to the same shared database (new hazards, resolved disputes, closed mediation cases).
 */
const FRESH_SEED = ['tests/api/seed.test.ts', 'tests/api/server.test.ts', 'tests/api/community-programmes.test.ts']
/** The fuzz test runs last: a bad value a route rightly accepts is a row the others need not see. */
const LAST = ['tests/api/fuzz.test.ts']

class FreshSeedFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (f: TestSpecification) => {
      const i = FRESH_SEED.findIndex((name) => f.moduleId.endsWith(name))
      if (i >= 0) return i
      return LAST.some((name) => f.moduleId.endsWith(name)) ? FRESH_SEED.length + 1 : FRESH_SEED.length
    }
    // Array sort is stable: the rest keep the base order.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}

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
    sequence: { sequencer: FreshSeedFirst },
  },
})
