// Corrections of the specification's model where it is narrower than what Elasticsearch takes or sends, found by
// the specification's own examples (the client's `test/api/example-types.test.ts`). Data, applied to the model before
// anything is emitted, so that the request and response types, the API layer and the API reference all see them.
// Each correction widens one type as little as it can, and says why: the Elasticsearch behaviour, and where known the
// server class that writes or reads it. A correction that no longer applies (the type or property is gone, or the
// specification now has it) fails the generator, so an updated specification drops it here too.
import {
  type Behavior,
  key,
  type Property,
  type Schema,
  type TypeDefinition,
  type TypeName,
  type Value,
} from './schema.js'

/** One change to the model, on the type named `type` (`namespace:Name`). */
export type Correction = { readonly type: string; readonly reason: string } & (
  | {
      /** Adds an optional property (the specification does not have it). */
      readonly op: 'add-property'
      readonly property: string
      readonly value: Value
      readonly description: string
    }
  | {
      /** Adds `extra` to a property's type (`T | extra`). */
      readonly op: 'widen-property'
      readonly property: string
      readonly extra: Value
    }
  | {
      /** Gives a property another type (the specification names the wrong one). */
      readonly op: 'set-property-type'
      readonly property: string
      readonly value: Value
    }
  | {
      /** Gives an interface extra keys of one type (`AdditionalProperties<string, value>`). */
      readonly op: 'additional-properties'
      readonly value: Value
    }
  | {
      /** Makes a required property optional. */
      readonly op: 'optional'
      readonly property: string
    }
  | {
      /** Gives a property another name Elasticsearch also writes (a cat column's alias). */
      readonly op: 'add-alias'
      readonly property: string
      readonly alias: string
    }
  | {
      /** Renames a property the specification misspells. */
      readonly op: 'rename-property'
      readonly property: string
      readonly to: string
    }
  | {
      /** Adds members to an enum. */
      readonly op: 'add-members'
      readonly members: readonly string[]
    }
  | {
      /** Adds `null` to a request's whole-value body. */
      readonly op: 'nullable-body'
    }
  | {
      /** Adds an interface of the model (a shape Elasticsearch sends that the specification has no type for). */
      readonly op: 'add-type'
      readonly properties: readonly Property[]
      readonly description: string
      /** The interface it extends (`namespace:Name`), with its generic arguments. */
      readonly inherits?: { readonly type: string; readonly generics?: readonly Value[] }
      /** An aggregate's `typed_keys` prefix, the `variantName` of each member of the model's `Aggregate` union. */
      readonly variantName?: string
    }
  | {
      /** Adds a member to a union (`T | member`): an added aggregate to the `Aggregate` union. */
      readonly op: 'add-union-member'
      readonly member: Value
    }
)

const ref = (name: string, ...generics: Value[]): Value => {
  const [namespace = '', type = ''] = name.split(':')
  return {
    kind: 'instance_of',
    type: { namespace, name: type },
    ...(generics.length === 0 ? {} : { generics }),
  }
}
const arrayOf = (value: Value): Value => ({ kind: 'array_of', value })
const unionOf = (...items: Value[]): Value => ({ kind: 'union_of', items })
const dictOf = (value: Value): Value => ({
  kind: 'dictionary_of',
  key: ref('_builtins:string'),
  value,
  singleKey: false,
})
const kString = ref('_builtins:string')
const kNull = ref('_builtins:null')
const prop = (name: string, type: Value, required: boolean, description: string): Property => ({
  name,
  type,
  required,
  description,
})

/** The corrections, in the order they apply (an added type first, so that a property can name it). */
export const kCorrections: readonly Correction[] = [
  // Requests.
  {
    type: '_types:SlicedScroll',
    op: 'widen-property',
    property: 'id',
    extra: ref('_types:integer'),
    reason:
      'A slice id is an integer to Elasticsearch (`slice: { id: 0, max: 2 }`, SliceBuilder reads an int); the spec says `Id` (a string).',
  },
  {
    type: 'indices.create_from:Request',
    op: 'nullable-body',
    reason:
      "The body is optional and Elastic's example sends `null` for it (the client sends no body then, as the official client does); the spec types it as an object.",
  },
  {
    type: 'indices.simulate_index_template:Request',
    op: 'nullable-body',
    reason:
      "The body is optional and Elastic's example sends `null` for it (the client sends no body then); the spec types it as an object.",
  },
  ...['routing', 'index_routing', 'search_routing'].map(
    (property): Correction => ({
      type: 'indices.put_alias:Request',
      op: 'widen-property',
      property,
      extra: ref('_builtins:number'),
      reason:
        'Elasticsearch reads a numeric routing value as its text (AliasActions parses the field with `text()`); widened on this request only: loosening `Routing` itself would widen `_routing` in every response.',
    }),
  ),
  ...['text', 'image_url', 'file'].map(
    (property): Correction => ({
      type: 'inference._types:ContentObject',
      op: 'optional',
      property,
      reason:
        'A content part carries the field of its `type` only: a text part has no `image_url` or `file`, an image part no `text` (Elastic\'s chat completion examples send `{ type: "text", text }`); the spec requires all three.',
    }),
  ),
  ...(
    [
      ['exp', '_types.query_dsl:DecayFunction'],
      ['gauss', '_types.query_dsl:DecayFunction'],
      ['linear', '_types.query_dsl:DecayFunction'],
      ['field_value_factor', '_types.query_dsl:FieldValueFactorScoreFunction'],
      ['random_score', '_types.query_dsl:RandomScoreFunction'],
      ['script_score', '_types.query_dsl:ScriptScoreFunction'],
      ['weight', '_types:double'],
    ] as const
  ).map(
    ([property, type]): Correction => ({
      type: '_types.query_dsl:FunctionScoreQuery',
      op: 'add-property',
      property,
      value: ref(type),
      description: `One score function given at the top level instead of in \`functions\` (as in FunctionScoreContainer).`,
      reason:
        "FunctionScoreQueryBuilder takes one score function (or `weight`) at the top level of `function_score`, as Elastic's reindex example writes `random_score`; the spec allows functions only inside `functions`.",
    }),
  ),
  {
    type: 'search_application._types:SearchApplicationTemplate',
    op: 'add-property',
    property: 'dictionary',
    value: dictOf({ kind: 'user_defined_value' }),
    description: "A JSON schema of the template's parameters, against which a search's `params` are validated.",
    reason:
      'SearchApplicationTemplate reads and writes `dictionary`, the JSON schema that validates the parameters of a search; the spec lacks it.',
  },
  // Responses.
  {
    type: '_types.aggregations:CategorizeTextBucket',
    op: 'add-type',
    description:
      'A category of `categorize_text`: the tokens the category matches (`key`), how many documents it matches, the regular expression that finds its values, the length of the longest of them, and the sub-aggregations.',
    inherits: { type: '_types.aggregations:MultiBucketBase' },
    properties: [
      prop('key', kString, true, "The category's tokens, separated by spaces (`Node shutting down`)."),
      prop('regex', kString, true, 'A regular expression that matches the values of the category.'),
      prop(
        'max_matching_length',
        ref('_types:integer'),
        true,
        'The length of the longest value of the category (a value longer than it is not of the category).',
      ),
    ],
    reason:
      'InternalCategorizationAggregation.Bucket writes `doc_count`, `key` (the tokens), `regex`, `max_matching_length` and the sub-aggregations; the spec has no result type for categorize_text.',
  },
  {
    type: '_types.aggregations:CategorizeTextAggregate',
    op: 'add-type',
    description: 'The result of a `categorize_text` aggregation: one bucket per category, as an array.',
    inherits: {
      type: '_types.aggregations:MultiBucketAggregateBase',
      generics: [ref('_types.aggregations:CategorizeTextBucket')],
    },
    variantName: 'categorize_text',
    properties: [],
    reason:
      'InternalCategorizationAggregation (typed_keys prefix `categorize_text`) writes its categories as `buckets`, an array; the spec has no result type for it, so the variant inferred AggregationsAggregate.',
  },
  {
    type: '_types.aggregations:BucketKsAggregate',
    op: 'add-type',
    description:
      'The result of a `bucket_count_ks_test` aggregation: the p-value of each alternative of the Kolmogorov-Smirnov test (`less`, `greater`, `two_sided`).',
    inherits: { type: '_types.aggregations:AggregateBase' },
    variantName: 'bucket_count_ks_test',
    properties: [
      prop('values', dictOf(ref('_types:double')), true, 'The p-value of each alternative asked for, by its name.'),
    ],
    reason:
      'InternalKSTestAggregation (typed_keys prefix `bucket_count_ks_test`) writes `values`, a map of each alternative to its p-value (a double); the spec has no result type for it, so the variant inferred AggregationsAggregate.',
  },
  ...(['CategorizeTextAggregate', 'BucketKsAggregate'] as const).map(
    (name): Correction => ({
      type: '_types.aggregations:Aggregate',
      op: 'add-union-member',
      member: ref(`_types.aggregations:${name}`),
      reason: `Elasticsearch sends a ${name === 'BucketKsAggregate' ? 'bucket_count_ks_test' : 'categorize_text'} result among the aggregations of a search (the model's Aggregate union has no member for it).`,
    }),
  ),
  {
    type: '_types:ReindexStatus',
    op: 'rename-property',
    property: 'cancelled',
    to: 'canceled',
    reason:
      'BulkByScrollTask.Status writes the reason of a cancellation as `canceled`; the spec spells it `cancelled`.',
  },
  {
    type: '_types:ReindexStatus',
    op: 'add-property',
    property: 'slices',
    value: arrayOf(unionOf(ref('_types:ReindexStatus'), kNull)),
    description: 'The status of each slice of a sliced task, `null` for a slice that has not reported yet.',
    reason:
      'BulkByScrollTask.Status writes `slices` for a sliced task, one status per slice, `null` for a slice not started or not reported yet; the spec lacks it.',
  },
  {
    type: 'cat.nodeattrs:NodeAttributesRecord',
    op: 'add-alias',
    property: 'node',
    alias: 'name',
    reason:
      "RestNodeAttrsAction's `node` column has the alias `name`, and a cat JSON answer is keyed by the name `h` asked for (`h=name`); the spec lacks the alias.",
  },
  {
    type: 'ccr._types:FollowIndexStats',
    op: 'add-property',
    property: 'total_global_checkpoint_lag',
    value: ref('_types:long'),
    description: "The sum of the shards' global checkpoint lag (leader's global checkpoint minus follower's).",
    reason: "FollowStatsAction writes each index's `total_global_checkpoint_lag`; the spec lacks it.",
  },
  {
    type: 'indices.data_streams_stats:Response',
    op: 'rename-property',
    property: 'total_store_sizes',
    to: 'total_store_size',
    reason:
      'DataStreamsStatsAction.Response writes `total_store_size` (the human-readable size, with `?human`); the spec misspells it `total_store_sizes`.',
  },
  ...(
    [
      ['last_run_duration', 'The duration of the last run (human readable, with `?human`).'],
      ['time_between_starts', 'The time between the starts of the last two runs (human readable, with `?human`).'],
    ] as const
  ).map(
    ([property, description]): Correction => ({
      type: 'indices.get_data_lifecycle_stats:Response',
      op: 'add-property',
      property,
      value: ref('_types:Duration'),
      description,
      reason:
        'GetDataStreamLifecycleStatsAction.Response writes each `_in_millis` time with its human-readable form beside it (`?human`); the spec has only the milliseconds.',
    }),
  ),
  {
    type: 'indices.shard_stores:ShardStoreNode',
    op: 'add-property',
    property: 'version',
    value: ref('_types:VersionString'),
    description: "The node's Elasticsearch version.",
    reason: 'A shard store writes its node as DiscoveryNode does, with `version`; the spec lacks it.',
  },
  {
    type: 'ml.delete_job:Response',
    op: 'add-property',
    property: 'task',
    value: ref('_types:TaskId'),
    description: 'The id of the deletion task, with `wait_for_completion=false` (then there is no `acknowledged`).',
    reason:
      'With `wait_for_completion=false` the delete job action answers the task id (`{ "task": ... }`) instead of `acknowledged`; the spec has only AcknowledgedResponseBase. Corrected on this response alone, which becomes its own interface.',
  },
  {
    type: 'ccr.get_auto_follow_pattern:AutoFollowPatternSummary',
    op: 'optional',
    property: 'max_outstanding_read_requests',
    reason:
      "AutoFollowPattern writes its follow parameters (FollowParameters.toXContentFragment) only when the pattern was put with them: a pattern put without `max_outstanding_read_requests` has none (Elastic's GetAutoFollowPatternResponseExample1); the spec requires it.",
  },
  {
    type: 'search_application.list:SearchApplicationListItem',
    op: 'add-type',
    description:
      'A search application as the list answers it: its name, its analytics collection, and when it was last updated (not its indices or template).',
    properties: [
      prop('name', ref('_types:Name'), true, 'The name of the search application.'),
      prop(
        'analytics_collection_name',
        ref('_types:Name'),
        false,
        'The analytics collection of the search application.',
      ),
      prop(
        'updated_at_millis',
        ref('_types:EpochTime', ref('_types:UnitMillis')),
        true,
        'When the search application was last updated, in milliseconds since the epoch.',
      ),
    ],
    reason:
      'ListSearchApplicationAction writes each result as a SearchApplicationListItem (`name`, `analytics_collection_name`, `updated_at_millis`), without the `indices` of a SearchApplication; the spec has no type for it.',
  },
  {
    type: 'search_application.list:Response',
    op: 'set-property-type',
    property: 'results',
    value: arrayOf(ref('search_application.list:SearchApplicationListItem')),
    reason:
      "The list's results are SearchApplicationListItems (`name`, `updated_at_millis`, as Elastic's SearchApplicationsListResponseExample1 shows), not the SearchApplication that get answers, whose `indices` the spec requires.",
  },
  {
    type: 'ml.delete_job:Response',
    op: 'optional',
    property: 'acknowledged',
    reason: 'With `wait_for_completion=false` the answer is the task id alone.',
  },
  ...['rollup.get_rollup_caps:RollupFieldSummary', 'rollup.get_rollup_index_caps:RollupJobSummaryField'].map(
    (type): Correction => ({
      type,
      op: 'add-property',
      property: 'fixed_interval',
      value: ref('_types:Duration'),
      description: 'The fixed interval of a `date_histogram` group (a job has either it or `calendar_interval`).',
      reason:
        "A rollup job's date_histogram group writes `fixed_interval` or `calendar_interval` (DateHistogramGroupConfig), and the caps echo it; the spec has only `calendar_interval`.",
    }),
  ),
  {
    type: 'snapshot._types:SnapshotStats',
    op: 'add-property',
    property: 'processed',
    value: ref('snapshot._types:FileCountSnapshotStats'),
    description: 'The files processed so far, while a snapshot is running.',
    reason:
      'SnapshotStats writes `processed` while the processed file count differs from the incremental one; the spec lacks it.',
  },
  {
    type: 'text_structure.find_structure:Response',
    op: 'add-property',
    property: 'ecs_compatibility',
    value: ref('text_structure._types:EcsCompatibilityType'),
    description: 'The ECS compatibility mode the structure was found with.',
    reason:
      'TextStructure writes `ecs_compatibility` (`disabled` or `v1`), the mode of its Grok patterns; the spec has the request parameter but not the response field.',
  },
  {
    type: '_types:ReindexTaskResult',
    op: 'add-property',
    property: 'throttled',
    value: ref('_types:Duration'),
    description: 'The time the request slept to conform to `requests_per_second` (human readable, with `?human`).',
    reason:
      'BulkByScrollResponse writes `throttled_millis` with its human-readable `throttled` beside it (`timeValueField`), as ReindexStatus has; the spec has only the milliseconds.',
  },
  {
    type: '_types:ReindexTaskResult',
    op: 'add-property',
    property: 'throttled_until',
    value: ref('_types:Duration'),
    description: 'The time until the next throttled request (human readable, with `?human`).',
    reason:
      'BulkByScrollResponse writes `throttled_until_millis` with its human-readable `throttled_until` beside it (`timeValueField`); the spec has only the milliseconds.',
  },
  ...['load_1m', 'load_5m', 'load_15m'].map(
    (property): Correction => ({
      type: 'cat.nodes:NodesRecord',
      op: 'widen-property',
      property,
      extra: kNull,
      reason:
        "RestNodesAction adds a null cell for a load average the node's OS does not report (the 5 and 15 minute ones on some systems), which a JSON cat answer writes as `null`; widened on these three columns only.",
    }),
  ),
  {
    type: 'features.reset_features:ResetFeatureStateStatus',
    op: 'add-type',
    description: 'The outcome of resetting one feature: its name, and `SUCCESS` or `FAILURE` (with the exception).',
    properties: [
      prop('feature_name', kString, true, 'The name of the feature.'),
      prop('status', kString, true, '`SUCCESS` or `FAILURE`.'),
      prop('exception', ref('_types:ErrorCause'), false, 'Why the reset failed, when it did.'),
    ],
    reason:
      'ResetFeatureStateResponse writes one ResetFeatureStateStatus per feature (`feature_name`, `status`, and `exception` on a failure); the spec has no type for it.',
  },
  {
    type: 'features.reset_features:Response',
    op: 'set-property-type',
    property: 'features',
    value: arrayOf(ref('features.reset_features:ResetFeatureStateStatus')),
    reason:
      "ResetFeatureStateResponse's `features` are reset statuses (`feature_name`, `status`), not the `name` and `description` of FeaturesFeature that the spec names (that is get_features' answer).",
  },
  {
    type: 'ilm.get_lifecycle:ItemUsage',
    op: 'add-type',
    description: 'What uses a lifecycle policy.',
    properties: [
      prop('indices', arrayOf(ref('_types:IndexName')), true, 'The indices that use the policy.'),
      prop('data_streams', arrayOf(ref('_types:DataStreamName')), true, 'The data streams that use the policy.'),
      prop(
        'composable_templates',
        arrayOf(ref('_types:Name')),
        true,
        'The composable index templates that use the policy.',
      ),
    ],
    reason:
      'LifecyclePolicyResponseItem writes `in_use_by`, an ItemUsage (`indices`, `data_streams`, `composable_templates`); the spec has no type for it.',
  },
  {
    type: 'ilm.get_lifecycle:Lifecycle',
    op: 'add-property',
    property: 'in_use_by',
    value: ref('ilm.get_lifecycle:ItemUsage'),
    description: 'The indices, data streams and composable templates that use the policy.',
    reason: 'LifecyclePolicyResponseItem writes `in_use_by` (an ItemUsage); the spec lacks it.',
  },
  ...(
    [
      ['min_index_version', 'The oldest index version the node can read.'],
      ['max_index_version', 'The newest index version the node can write.'],
    ] as const
  ).map(
    ([property, description]): Correction => ({
      type: 'indices.shard_stores:ShardStoreNode',
      op: 'add-property',
      property,
      value: ref('_types:VersionNumber'),
      description,
      reason:
        "A shard store writes its node as DiscoveryNode does, with the node's index version range (ids); the spec lacks them.",
    }),
  ),
  {
    type: 'license.post:Acknowledgement',
    op: 'optional',
    property: 'license',
    reason:
      'PutLicenseResponse writes the acknowledgement messages by feature (`{ message, watcher: [...], security: [...] }`); a `license` key is there only when the license itself has messages.',
  },
  {
    type: 'license.post:Acknowledgement',
    op: 'additional-properties',
    value: arrayOf(kString),
    reason:
      'PutLicenseResponse writes `acknowledge` as `message` plus one array of messages per feature it changes (`watcher`, `security`, `logstash`, ...); the spec has only `license`.',
  },
  ...['rollup.get_rollup_caps:RollupFieldSummary', 'rollup.get_rollup_index_caps:RollupJobSummaryField'].map(
    (type): Correction => ({
      type,
      op: 'add-property',
      property: 'delay',
      value: ref('_types:Duration'),
      description: 'How long after a time bucket closes it is rolled up (of a `date_histogram` group).',
      reason:
        "A rollup job's date_histogram group writes its `delay` (DateHistogramGroupConfig), and the caps echo it; the spec lacks it.",
    }),
  ),
  {
    type: 'snapshot._types:ShardsStatsSummary',
    op: 'add-property',
    property: 'processed',
    value: ref('snapshot._types:ShardsStatsSummaryItem'),
    description: 'The files processed so far, while a snapshot is running.',
    reason:
      "A shard's SnapshotStats writes `processed` while the processed file count differs from the incremental one; the spec lacks it.",
  },
  {
    type: '_types.mapping:DocTypeMapping',
    op: 'add-type',
    description:
      'A mapping under its type name (`{ "_doc": { "properties": ... } }`), as Elasticsearch writes a stored mapping it does not unwrap.',
    properties: [prop('_doc', ref('_types.mapping:TypeMapping'), true, 'The mapping.')],
    reason:
      'A stored mapping (CompressedXContent) keeps its `_doc` type name, and some answers write it as stored; the spec has no type for it.',
  },
  ...(
    [
      ['indices.put_data_stream_mappings:UpdatedDataStreamMappings', 'mappings'],
      ['indices.put_data_stream_mappings:UpdatedDataStreamMappings', 'effective_mappings'],
      ['simulate.ingest:IngestDocumentSimulation', 'effective_mapping'],
    ] as const
  ).map(
    ([type, property]): Correction => ({
      type,
      op: 'widen-property',
      property,
      extra: ref('_types.mapping:DocTypeMapping'),
      reason:
        "Elasticsearch writes this mapping as stored, under its `_doc` type name (as Elastic's examples show); widened on this property only, not on MappingTypeMapping, which every mapping request and response shares.",
    }),
  ),
  {
    type: 'shutdown.get_node:ShutdownType',
    op: 'add-members',
    members: ['REMOVE', 'RESTART', 'REPLACE', 'SIGTERM'],
    reason:
      "SingleNodeShutdownMetadata writes its Type enum's name, in upper case (`RESTART`), and has `REPLACE` and `SIGTERM` too; the spec's enum has `remove` and `restart`.",
  },
  {
    type: 'shutdown.get_node:ShutdownStatus',
    op: 'add-members',
    members: ['NOT_STARTED', 'IN_PROGRESS', 'STALLED', 'COMPLETE'],
    reason:
      "SingleNodeShutdownMetadata.Status is written by its enum name, in upper case (`COMPLETE`), for the node and for its shard migration, persistent tasks and plugins; the spec's enum is lower case.",
  },
  {
    type: '_types:ReindexTaskResult',
    op: 'add-property',
    property: 'canceled',
    value: kString,
    description: 'Why the task was cancelled (`by user request`), once it is.',
    reason:
      "BulkByScrollResponse writes its task's status fields, `canceled` among them (as BulkByScrollTask.Status does); the spec lacks it.",
  },
  {
    type: '_types:ReindexTaskResult',
    op: 'add-property',
    property: 'slices',
    value: arrayOf(unionOf(ref('_types:ReindexStatus'), kNull)),
    description: 'The status of each slice of a sliced task, `null` for a slice that has not reported yet.',
    reason:
      "BulkByScrollResponse writes its task's status fields, `slices` among them (one status per slice); the spec lacks it.",
  },
  {
    type: 'shutdown.get_node:ShardMigrationStatus',
    op: 'add-property',
    property: 'shard_migrations_remaining',
    value: ref('_types:long'),
    description: 'The number of shards still to move off the node.',
    reason: 'ShutdownShardMigrationStatus writes `shard_migrations_remaining` beside `status`; the spec lacks it.',
  },
  {
    type: 'shutdown.get_node:ShardMigrationStatus',
    op: 'add-property',
    property: 'explanation',
    value: kString,
    description: 'Why the shard migration is in its status.',
    reason: 'ShutdownShardMigrationStatus writes an `explanation` of its status; the spec lacks it.',
  },
  {
    type: 'snapshot._types:SnapshotShardsStatus',
    op: 'add-property',
    property: 'node',
    value: ref('_types:NodeId'),
    description: 'The node that snapshots the shard.',
    reason: 'SnapshotIndexShardStatus writes the `node` the shard is snapshotted on (when known); the spec lacks it.',
  },
  {
    type: 'snapshot._types:SnapshotShardsStatus',
    op: 'add-property',
    property: 'reason',
    value: kString,
    description: "Why the shard's snapshot failed, when it did.",
    reason: "SnapshotIndexShardStatus writes the failure's `reason` of a failed shard; the spec lacks it.",
  },
  {
    type: 'snapshot._types:SnapshotShardsStatus',
    op: 'add-property',
    property: 'description',
    value: kString,
    description: "Why the shard's stats are missing or estimated (a node left the cluster while the snapshot ran).",
    reason:
      'SnapshotIndexShardStatus writes a `description` when its stats are missing from a running snapshot (`file_count: -1`); the spec lacks it.',
  },
  {
    type: 'shutdown.get_node:NodeShutdownStatus',
    op: 'add-property',
    property: 'allocation_delay',
    value: ref('_types:Duration'),
    description: 'How long the shards of a restarting node wait before they are reallocated (a `restart` shutdown).',
    reason: 'SingleNodeShutdownStatus writes the `allocation_delay` of a restart; the spec has it on the request only.',
  },
]

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] }

function fail(c: Correction, what: string): never {
  throw new Error(`correction ${c.op} of ${c.type}${'property' in c ? `.${c.property}` : ''}: ${what}`)
}

/**
 * The properties a correction edits: an interface's, a request's or response's body properties. A response whose
 * body is one interface (`AcknowledgedResponseBase`) gets that interface's properties as its own, so that the
 * correction stays on this response.
 */
function propertiesOf(c: Correction, def: TypeDefinition, types: ReadonlyMap<string, TypeDefinition>): Property[] {
  if (def.kind === 'interface') return def.properties as Property[]
  if (def.kind === 'request' || def.kind === 'response') {
    const body = def.body
    if (body.kind === 'properties') return body.properties as Property[]
    if (def.kind === 'response' && body.kind === 'value' && body.value.kind === 'instance_of') {
      const target = types.get(key(body.value.type))
      if (target?.kind === 'interface' && target.inherits === undefined && (target.generics ?? []).length === 0) {
        const properties = target.properties.map((p) => ({ ...p }))
        ;(def as Mutable<typeof def>).body = { kind: 'properties', properties }
        return properties
      }
    }
  }
  return fail(c, `${def.kind} ${key(def.name)} has no properties to correct`)
}

function property(c: Correction & { property: string }, props: Property[]): Mutable<Property> {
  const p = props.find((x) => x.name === c.property)
  return p === undefined ? fail(c, 'no such property') : (p as Mutable<Property>)
}

function parseName(c: Correction): TypeName {
  const [namespace, name] = c.type.split(':')
  return namespace === undefined || name === undefined ? fail(c, 'the type is not namespace:Name') : { namespace, name }
}

/** The model with the corrections applied (a copy; the model read from the spec is not changed). */
export function applyCorrections(schema: Schema, corrections: readonly Correction[] = kCorrections): Schema {
  const types = structuredClone(schema.types) as TypeDefinition[]
  const byKey = new Map(types.map((t) => [key(t.name), t]))
  for (const c of corrections) {
    if (c.op === 'add-type') {
      if (byKey.has(c.type)) fail(c, 'the type exists')
      if (c.inherits !== undefined && !byKey.has(c.inherits.type)) fail(c, `no such parent ${c.inherits.type}`)
      const parent = c.inherits === undefined ? undefined : parseName({ ...c, type: c.inherits.type })
      const def: TypeDefinition & { variantName?: string } = {
        kind: 'interface',
        name: parseName(c),
        description: c.description,
        properties: c.properties,
        ...(parent === undefined
          ? {}
          : {
              inherits: {
                type: parent,
                ...(c.inherits?.generics === undefined ? {} : { generics: c.inherits.generics }),
              },
            }),
        ...(c.variantName === undefined ? {} : { variantName: c.variantName }),
      }
      types.push(def)
      byKey.set(c.type, def)
      continue
    }
    const def = byKey.get(c.type) ?? fail(c, 'no such type')
    switch (c.op) {
      case 'add-members': {
        if (def.kind !== 'enum') fail(c, 'not an enum')
        const members = def.members as { name: string }[]
        for (const m of c.members) {
          if (members.some((x) => x.name === m)) fail(c, `${m} is a member already`)
          members.push({ name: m })
        }
        break
      }
      case 'add-union-member': {
        if (def.kind !== 'type_alias' || def.type.kind !== 'union_of') fail(c, 'not a union')
        const items = def.type.items as Value[]
        if (c.member.kind === 'instance_of' && !byKey.has(key(c.member.type))) fail(c, 'no such member type')
        if (items.some((i) => JSON.stringify(i) === JSON.stringify(c.member))) fail(c, 'the specification has it now')
        items.push(c.member)
        break
      }
      case 'nullable-body': {
        if (def.kind !== 'request' || def.body.kind !== 'value') fail(c, 'not a request with a whole-value body')
        const body = def.body as Mutable<typeof def.body>
        body.value = unionOf(body.value, kNull)
        break
      }
      case 'add-property': {
        const props = propertiesOf(c, def, byKey)
        if (props.some((p) => p.name === c.property || p.aliases?.includes(c.property) === true))
          fail(c, 'the specification has it now')
        props.push(prop(c.property, c.value, false, c.description))
        break
      }
      case 'widen-property': {
        const p = property(c, propertiesOf(c, def, byKey))
        p.type = unionOf(p.type, c.extra)
        break
      }
      case 'set-property-type': {
        property(c, propertiesOf(c, def, byKey)).type = c.value
        break
      }
      case 'additional-properties': {
        if (def.kind !== 'interface') fail(c, 'not an interface')
        const behaviors = (def.behaviors ?? []) as Behavior[]
        if (behaviors.some((b) => b.type.name === 'AdditionalProperties')) fail(c, 'the specification has it now')
        ;(def as Mutable<typeof def>).behaviors = [
          ...behaviors,
          { type: { namespace: '_spec_utils', name: 'AdditionalProperties' }, generics: [kString, c.value] },
        ]
        break
      }
      case 'optional': {
        const p = property(c, propertiesOf(c, def, byKey))
        if (!p.required) fail(c, 'optional already')
        p.required = false
        break
      }
      case 'add-alias': {
        const p = property(c, propertiesOf(c, def, byKey))
        if (p.aliases?.includes(c.alias) === true) fail(c, 'the specification has it now')
        p.aliases = [...(p.aliases ?? []), c.alias]
        break
      }
      case 'rename-property': {
        const props = propertiesOf(c, def, byKey)
        if (props.some((p) => p.name === c.to)) fail(c, 'the specification has it now')
        property(c, props).name = c.to
        break
      }
    }
  }
  return { ...schema, types }
}
