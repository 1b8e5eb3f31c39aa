import { defineConfig } from 'vitest/config'

/**
 * The vitest settings every package shares: workspace packages resolve to their TypeScript sources through the
 * `@stretch/source` export condition, so tests run without a build (see STYLE.md, "Packages and public API").
 */
export default defineConfig({
  resolve: { conditions: ['@stretch/source'] },
  ssr: { resolve: { conditions: ['@stretch/source'], externalConditions: ['@stretch/source'] } },
  environments: { ssr: { resolve: { conditions: ['@stretch/source'] } } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    typecheck: { enabled: false },
  },
})
