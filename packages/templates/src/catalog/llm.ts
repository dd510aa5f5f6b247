import type { JobTemplate } from '../types.js';
import { httpCheck, meta, portParameter, vramParameter } from './shared.js';

/** LLM serving with Ollama: one model pre-pulled as a resource, the Ollama API exposed. */
export const ollamaTemplate: JobTemplate = {
  name: 'ollama',
  version: '1.0.0',
  title: 'LLM serving with Ollama',
  description: 'Serves an Ollama model over the Ollama HTTP API (/api/generate, /api/chat).',
  market: {
    gpu: true,
    minVramGb: 8,
    note: 'a GPU market with ≥ 8 GB VRAM for 7–8B models (RTX 3060 12 GB and up); 24 GB+ for 30B+ models',
  },
  parameters: [
    {
      name: 'model',
      type: 'string',
      default: 'llama3.1:8b',
      pattern: '[a-z0-9][a-z0-9._/-]*(:[a-zA-Z0-9._-]+)?',
      description: 'the Ollama model tag to pull and serve',
    },
    portParameter(11434),
    vramParameter(8),
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('LLM inference with Ollama serving {{model}}', true),
    ops: [
      {
        type: 'container/run',
        id: 'ollama',
        args: {
          image: 'docker.io/ollama/ollama:0.5.7',
          gpu: true,
          env: { OLLAMA_HOST: '0.0.0.0:{{port}}' },
          expose: [{ port: '{{port}}', type: 'api', health_checks: [httpCheck('/api/tags')] }],
          resources: [{ type: 'Ollama', model: '{{model}}' }],
          restart_policy: { policy: 'on-failure', restart_tries: 3 },
        },
      },
    ],
  },
};

/** LLM serving with vLLM's OpenAI-compatible server, model downloaded from Hugging Face. */
export const vllmTemplate: JobTemplate = {
  name: 'vllm',
  version: '1.0.0',
  title: 'LLM serving with vLLM (OpenAI-compatible API)',
  description:
    'Serves a Hugging Face model with vLLM behind an OpenAI-compatible API (/v1/chat/completions); the model is downloaded before start.',
  market: {
    gpu: true,
    minVramGb: 24,
    note: 'a 24 GB+ GPU market (RTX 3090/4090, A5000/A6000, A100, H100); raise --param vram for larger models',
  },
  parameters: [
    {
      name: 'model',
      type: 'string',
      default: 'Qwen/Qwen2.5-1.5B-Instruct',
      pattern: '[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*',
      description: 'the Hugging Face repository of the model (owner/name)',
    },
    {
      name: 'max-model-len',
      type: 'integer',
      default: '4096',
      min: 256,
      max: 131072,
      description: 'the longest context (tokens) vLLM allocates for',
    },
    portParameter(8000),
    vramParameter(24),
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('OpenAI-compatible vLLM server for {{model}}', true),
    ops: [
      {
        type: 'container/run',
        id: 'vllm',
        args: {
          image: 'docker.io/vllm/vllm-openai:v0.7.2',
          gpu: true,
          cmd: [
            '--model',
            '/models/llm',
            '--served-model-name',
            '{{model}}',
            '--max-model-len={{max-model-len}}',
            '--port={{port}}',
          ],
          expose: [{ port: '{{port}}', type: 'api', health_checks: [httpCheck('/v1/models')] }],
          resources: [{ type: 'HF', repo: '{{model}}', target: '/models/llm' }],
        },
      },
    ],
  },
};
