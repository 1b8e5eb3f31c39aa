import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.js'

// Building, publishing and installing every package takes a while on 2 cores.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 240_000, hookTimeout: 240_000 } }))
