export {
  type ExamplesSchema,
  examplesFileText,
  extractJsExamples,
  extractResponseExamples,
  type JsExample,
  type JsExamplesFile,
  kExamplesFile,
  kResponseExamplesFile,
  type ResponseExample,
  type ResponseExamplesFile,
  writeExamples,
} from './examples.js'
export { buildOutputs, diffOutputs, generate, repositoryRoot, spliceExports } from './generate.js'
export { buildModel, loadSpec, privateGenerated, privateNote, skipReason } from './model.js'
export { camelCase, pascalCase } from './naming.js'
export { docText } from './tsdoc.js'
export { TypeResolver } from './type-expr.js'
export { aggregateYields, kAggregateExceptions } from './types/aggregations.js'
export { applyCorrections, type Correction, kCorrections } from './types/corrections.js'
export { emitTypes, namespacePrefix, TypeEmitter, typeName } from './types/emit-types.js'
export { loadSchema, reduceSchema, type Schema, type TypeDefinition } from './types/schema.js'
export { SpecTypes } from './types/spec-types.js'
export { checkVersions, versionOutputs, versionSource, writeVersions } from './versions.js'
