/**
 * `tsx tests/e2e/seed-template.ts DIR`: seeds the browser tests' template data folder into DIR,
 * for runs that share one (the CI's two halves: PINGAN_E2E_TEMPLATE=DIR).
 */
import { seedTemplate } from './global-setup.ts'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: tsx tests/e2e/seed-template.ts DIR')
  process.exit(2)
}
await seedTemplate(dir)
console.log(`seeded the browser tests' template in ${dir}`)
