export { FileStore, type FileStoreOptions } from './store.js'
export type { FileUpload } from './upload.js'
