export { type BasicAuthOptions, basicAuth } from './basic-auth.js'
