import type { JobTemplate } from '../types.js';
import { jupyterTemplate, pythonBatchTemplate, webServiceTemplate } from './general.js';
import { ollamaTemplate, vllmTemplate } from './llm.js';
import { comfyuiTemplate, whisperTemplate } from './media.js';

/** The curated templates shipped with this package, in display order. */
export const BUILTIN_TEMPLATES: readonly JobTemplate[] = Object.freeze([
  ollamaTemplate,
  vllmTemplate,
  comfyuiTemplate,
  whisperTemplate,
  jupyterTemplate,
  pythonBatchTemplate,
  webServiceTemplate,
]);
