import './errors.js';

export { BUILTIN_TEMPLATES } from './catalog/index.js';
export { findTemplate, parseTemplateDocument } from './document.js';
export {
  CLOUD_GPU_PRICES,
  type CloudGpuPrice,
  type CloudPriceTable,
  normalizeGpuModel,
} from './pricing/cloud-prices.js';
export {
  type CompareWithCloudParameters,
  type CompareWithCloudResult,
  compareWithCloud,
} from './pricing/compare.js';
export { type RenderTemplateParameters, type RenderTemplateResult, renderTemplate } from './render.js';
export { type LoadTemplateSourceParameters, loadTemplateSource, TEMPLATE_SOURCE_LIMITS } from './source.js';
export type { JobTemplate, TemplateMarket, TemplateParameter } from './types.js';
