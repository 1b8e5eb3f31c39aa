export { type OpenTelemetryInstrumentation, type OpenTelemetryOptions, openTelemetry } from './open-telemetry.js'
