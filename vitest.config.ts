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

/**
 * The files that start server processes of their own (each creates a fresh embedded database, on
 * one WebAssembly thread): they share nothing with the others, so they run beside them.
 */
const OWN_PROCESSES = ['tests/api/restart.test.ts', 'tests/api/first-install.test.ts', 'tests/api/backup.test.ts', 'tests/api/crash.test.ts']

// Two projects, which `npm test` (tests/run-tests.ts) runs side by side, one core each:
// - `shared`: one worker and one module graph, so the seeded database (≈25 s to build on PGlite)
//   is created once and shared by every file (tests/helpers/test-db.ts), the fresh-seed checks first;
// - `processes`: the files above, one at a time.
// (One `vitest run` runs them one after the other: vitest gives a group of projects one worker count.)
export default defineConfig({
  test: {
    root: '.',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    sequence: { sequencer: FreshSeedFirst },
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'], exclude: OWN_PROCESSES, maxWorkers: 1, isolate: false },
      },
      { extends: true, test: { name: 'processes', include: OWN_PROCESSES, maxWorkers: 1 } },
    ],
  },
})
