export { roundRobinSelector } from './round-robin-selector.js'
