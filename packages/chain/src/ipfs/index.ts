export { computeCid, KUBO_CHUNK_SIZE, kuboV0ImportOptions, singleBlockCid } from './cid.js';
export {
  type ContentStore,
  DEFAULT_MAX_BYTES,
  type GetOptions,
  getJson,
  putJson,
  verifyContent,
} from './content-store.js';
export { type FetchFromGatewayParameters, fetchFromGateway } from './gateway.js';
export { type KuboAddParameters, type KuboAddResult, kuboAdd } from './kubo-add.js';
export { type CreateKuboStoreParameters, createKuboStore } from './kubo-store.js';
export { type CreatePinataStoreParameters, createPinataStore } from './pinata-store.js';
