export { checkSniffingOptions } from './checks.js'
export { defaultNodeFilter, type SniffedNode } from './node-filter.js'
export { type PublishAddress, parsePublishAddress } from './publish-address.js'
export { type SniffEvent, type SniffingOptions, type SniffReason, sniffChannel, sniffing } from './sniffing.js'
