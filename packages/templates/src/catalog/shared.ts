import type { TemplateParameter } from '../types.js';

/** The `port` parameter every service template has. */
export function portParameter(port: number): TemplateParameter {
  return {
    name: 'port',
    type: 'integer',
    default: String(port),
    min: 1,
    max: 65535,
    description: 'the container port the service listens on and exposes',
  };
}

/** The `vram` parameter of GPU templates: GPU memory in GB the job requires of its host. */
export function vramParameter(gb: number): TemplateParameter {
  return {
    name: 'vram',
    type: 'integer',
    default: String(gb),
    min: 1,
    max: 192,
    description: 'GPU memory in GB the host must have (meta.system_requirements.required_vram)',
  };
}

/** `meta` of a template's definition: description and the GPU memory requirement. */
export function meta(description: string, gpu: boolean): Record<string, unknown> {
  return {
    trigger: 'cli',
    description,
    ...(gpu ? { system_requirements: { required_vram: '{{vram}}' } } : {}),
  };
}

/** A continuous HTTP GET health check on `path`. */
export function httpCheck(path: string): Record<string, unknown> {
  return { type: 'http', path, method: 'GET', expected_status: 200, continuous: true };
}
