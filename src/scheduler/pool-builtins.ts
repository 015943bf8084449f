/** The built-in handlers that load a CPU, loaded into each worker thread like a handler module. */
export { sha256, spin } from './builtins.js'
