export { basicAuth } from './basic-auth.js'
export { type BasicAuthOptions, checkBasicAuth } from './checks.js'
