export { type DemoReport, type RunDemoOptions, runDemo, type ScenarioResult } from './demo.js'
export { type Scenario, type Skipped, scenarios } from './scenarios.js'
export type { DemoTarget } from './target.js'
