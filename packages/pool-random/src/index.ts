export { type RandomSelectorOptions, randomSelector } from './random-selector.js'
