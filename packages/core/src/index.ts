/**
 * `@nosana/core` — the pure heart of the Nosana packages: the job definition format (JSON Schema, types,
 * validation with path-precise errors), literals and flow planning, the result format, job states,
 * price math, CIDv0 ⇄ bytes32 conversion and the coded error class. No I/O.
 *
 * @packageDocumentation
 */
export { canonicalJson, canonicalJsonBytes, textBlocks, writeCanonicalJson } from './canonical-json.js';
export { bytes32ToCid, type CidV0, cidToBytes32, isCidV0, isNullDigest } from './cid.js';
export { formatDuration, parseDuration } from './duration.js';
export {
  findNosanaError,
  isNosanaError,
  NosanaError,
  type NosanaErrorCode,
  type NosanaErrorContext,
  type NosanaErrorContextMap,
  type NosanaErrorOptions,
} from './errors.js';
export { isSealedEnvValue, isSecretEnvValue, plainEnv } from './job-definition/env.js';
export {
  type FlowGroup,
  findDependencyCycle,
  groupOf,
  groupOperations,
  transitiveDependencies,
} from './job-definition/flow.js';
export { type HydrationContext, hydrateOperation } from './job-definition/hydrate.js';
export {
  formatIssue,
  fromPointer,
  toPath,
  toPointer,
  type ValidationIssue,
  type ValidationIssueCode,
} from './job-definition/issues.js';
export {
  findLiterals,
  GLOBAL_LITERALS,
  type GlobalLiteral,
  isLiteral,
  type LiteralOccurrence,
  type LiteralReference,
  type ParseLiteralResult,
  parseLiteral,
} from './job-definition/literals.js';
export {
  confidentialPlaceholder,
  definitionLogistics,
  logisticsEndpoint,
  resultLogistics,
} from './job-definition/logistics.js';
export {
  JOB_DEFINITION_LIMITS,
  JOB_DEFINITION_SCHEMA_ID,
  jobDefinitionSchema,
} from './job-definition/schema.js';
export type * from './job-definition/types.js';
export {
  assertValidJobDefinition,
  invalidJobDefinitionError,
  type ParseJobDefinitionParameters,
  parseJobDefinition,
  type ValidateJobDefinitionResult,
  validateJobDefinition,
} from './job-definition/validate.js';
export { type JobState, jobStateFromChain, ON_CHAIN_JOB_STATE } from './job-state.js';
export {
  formatNos,
  type JobDepositParameters,
  type JobDepositResult,
  jobDeposit,
  NOS_DECIMALS,
  parseNos,
  pricePerHour,
  type SettleJobParameters,
  type SettleJobResult,
  settleJob,
} from './pricing.js';
export {
  createLogCollector,
  DEFAULT_MAX_LOG_LINES,
  type EndpointStatus,
  type ExposedEndpoint,
  extractResults,
  type FlowState,
  type FlowStatus,
  flowStatusOf,
  isFinalOpStatus,
  type LogCollector,
  type LogCollectorParameters,
  type LogEntry,
  type OpDiagnostics,
  type OpState,
  type OpStatus,
} from './results.js';
export {
  DEPLOYMENT_ID_LENGTH,
  deploymentServiceId,
  SERVICE_ID_LENGTH,
  type ServiceIdParameters,
  serviceHash,
  serviceId,
} from './service-id.js';
export { closest } from './text.js';
