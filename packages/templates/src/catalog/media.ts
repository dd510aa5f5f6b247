import type { JobTemplate } from '../types.js';
import { httpCheck, meta, portParameter, vramParameter } from './shared.js';

/** Stable Diffusion with the ComfyUI web interface. */
export const comfyuiTemplate: JobTemplate = {
  name: 'comfyui',
  version: '1.0.0',
  title: 'Stable Diffusion with ComfyUI',
  description: 'The ComfyUI node editor and API for Stable Diffusion / SDXL / Flux image generation.',
  market: {
    gpu: true,
    minVramGb: 12,
    note: 'a 12 GB+ GPU market for SD 1.5/SDXL (RTX 3060 12 GB, 4070 and up); 24 GB for Flux',
  },
  parameters: [portParameter(8188), vramParameter(12)],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('Stable Diffusion image generation with ComfyUI', true),
    ops: [
      {
        type: 'container/run',
        id: 'comfyui',
        args: {
          image: 'docker.io/yanwk/comfyui-boot:cu124-slim',
          gpu: true,
          env: { CLI_ARGS: '--listen 0.0.0.0 --port {{port}}' },
          expose: [{ port: '{{port}}', type: 'webapi', health_checks: [httpCheck('/system_stats')] }],
        },
      },
    ],
  },
};

/** Speech-to-text with Whisper behind an HTTP API. */
export const whisperTemplate: JobTemplate = {
  name: 'whisper',
  version: '1.0.0',
  title: 'Speech to text with Whisper',
  description:
    'OpenAI Whisper (faster-whisper engine) as an HTTP transcription API (POST /asr) on port 9000.',
  market: {
    gpu: true,
    minVramGb: 6,
    note: 'any GPU market with ≥ 6 GB VRAM for the small/medium models; 10 GB for large-v3',
  },
  parameters: [
    {
      name: 'model',
      type: 'string',
      default: 'small',
      pattern: 'tiny|base|small|medium|large-v3|turbo',
      description: 'the Whisper model size',
    },
    vramParameter(6),
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('Whisper {{model}} speech-to-text API', true),
    ops: [
      {
        type: 'container/run',
        id: 'whisper',
        args: {
          image: 'docker.io/onerahmet/openai-whisper-asr-webservice:v1.7.1-gpu',
          gpu: true,
          env: { ASR_MODEL: '{{model}}', ASR_ENGINE: 'faster_whisper' },
          expose: [{ port: 9000, type: 'api', health_checks: [httpCheck('/docs')] }],
        },
      },
    ],
  },
};
