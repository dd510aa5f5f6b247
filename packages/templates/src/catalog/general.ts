import type { JobTemplate } from '../types.js';
import { httpCheck, meta, portParameter, vramParameter } from './shared.js';

/** A Jupyter notebook server with PyTorch and CUDA. */
export const jupyterTemplate: JobTemplate = {
  name: 'jupyter',
  version: '1.0.0',
  title: 'Jupyter notebook with PyTorch (GPU)',
  description: 'JupyterLab with PyTorch and CUDA 12; the access token is a parameter (set your own).',
  market: {
    gpu: true,
    minVramGb: 4,
    note: 'any GPU market; pick VRAM for your notebooks (the default asks for 4 GB)',
  },
  parameters: [
    {
      name: 'token',
      type: 'string',
      default: 'change-me-to-a-long-random-token',
      pattern: '[A-Za-z0-9_-]{16,128}',
      description: 'the Jupyter access token (16–128 letters, digits, - or _)',
    },
    portParameter(8888),
    vramParameter(4),
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('JupyterLab with PyTorch on a GPU', true),
    ops: [
      {
        type: 'container/run',
        id: 'jupyter',
        args: {
          image: 'quay.io/jupyter/pytorch-notebook:cuda12-python-3.11',
          gpu: true,
          cmd: ['start-notebook.py', '--ServerApp.port={{port}}', '--IdentityProvider.token={{token}}'],
          expose: [{ port: '{{port}}', type: 'web', health_checks: [httpCheck('/api')] }],
        },
      },
    ],
  },
};

/** A batch Python job: runs a short inline script and reports its output as a result. */
export const pythonBatchTemplate: JobTemplate = {
  name: 'python-batch',
  version: '1.0.0',
  title: 'Batch Python job',
  description:
    'Runs an inline Python script to completion and captures lines starting with "result:" as the job result.',
  market: { gpu: false, note: 'any market, CPU only (set gpu in the definition for CUDA work)' },
  parameters: [
    {
      name: 'script',
      type: 'string',
      default: 'print("result:", sum(i * i for i in range(1_000_000)))',
      description: 'the Python source to run (python -c)',
    },
    {
      name: 'image',
      type: 'string',
      default: 'docker.io/library/python:3.12-slim',
      pattern: '[a-z0-9][a-z0-9._/:@-]*',
      description: 'the container image with Python',
    },
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('A batch Python script', false),
    ops: [
      {
        type: 'container/run',
        id: 'python',
        args: { image: '{{image}}', cmd: ['python', '-c', '{{script}}'] },
        results: { result: 'result: .*' },
      },
    ],
  },
};

/** A static web service (busybox httpd) with a health check; a starting point for any HTTP service. */
export const webServiceTemplate: JobTemplate = {
  name: 'web-service',
  version: '1.0.0',
  title: 'Web service',
  description: 'A small HTTP service (busybox httpd) serving a message, with an HTTP health check.',
  market: { gpu: false, note: 'any market, CPU only' },
  parameters: [
    {
      name: 'message',
      type: 'string',
      default: 'Hello from a Nosana service',
      pattern: "[^'\\\\]{1,200}",
      description: 'the text served at / (no single quotes or backslashes)',
    },
    portParameter(8080),
  ],
  definition: {
    version: '0.1',
    type: 'container',
    meta: meta('A small web service with an HTTP health check', false),
    ops: [
      {
        type: 'container/run',
        id: 'web',
        args: {
          image: 'busybox:1.35',
          cmd: [
            'sh',
            '-c',
            "mkdir -p /www && echo '{{message}}' > /www/index.html && echo ok > /www/health && exec httpd -f -v -p {{port}} -h /www",
          ],
          expose: [{ port: '{{port}}', type: 'web', health_checks: [httpCheck('/health')] }],
        },
      },
    ],
  },
};
