import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.js'

// The suite measures the client under load on shared CI machines (2 cores): files run one after another so their
// figures do not disturb each other, and each file bounds its own request count and time.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: ['./test/support/global-setup.ts'],
      fileParallelism: false,
      // resources.test.ts calls gc() before each memory sample
      execArgv: ['--expose-gc'],
      testTimeout: 90_000,
      hookTimeout: 30_000,
    },
  }),
)
