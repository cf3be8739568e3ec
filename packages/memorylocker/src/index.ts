export { MemoryLocker } from './memory-locker.js'
