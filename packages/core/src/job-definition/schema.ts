/**
 * The JSON Schema (draft 2020-12) of a Nosana job definition. The published file
 * `schema/job-definition.schema.json` is generated from this object and pinned by a snapshot test.
 *
 * Unions are written with `type: [...]` plus `if`/`then` on a discriminator (an op's `type`, a resource's
 * `type`, a health check's `type`), so a validator reports the errors of the one branch that applies.
 */

/** Limits the schema enforces; semantic validation uses the same numbers. */
export const JOB_DEFINITION_LIMITS = {
  /** Maximum size of a job definition document, in bytes of UTF-8 JSON. */
  maxDocumentBytes: 1024 * 1024,
  maxOps: 100,
  maxIdLength: 128,
  maxImageLength: 512,
  maxCommandLength: 128 * 1024,
  maxArgs: 1024,
  maxEnv: 256,
  maxEnvValueLength: 64 * 1024,
  maxPathLength: 4096,
  maxVolumes: 32,
  maxExpose: 64,
  maxPortsPerRange: 1000,
  maxHealthChecks: 8,
  maxResources: 64,
  maxResults: 64,
  maxRegexLength: 4096,
  maxDependsOn: 100,
  maxRestartTries: 100,
} as const;

const L = JOB_DEFINITION_LIMITS;

/** The `$id` of the published schema. */
export const JOB_DEFINITION_SCHEMA_ID = 'https://schemas.nosana.io/job-definition/0.1/schema.json';

const literalPattern = '^%%(ops|globals?)\\.[^%]+%%$';

export const jobDefinitionSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: JOB_DEFINITION_SCHEMA_ID,
  title: 'Nosana job definition',
  description:
    'A container job for the Nosana Network: one or more ops (containers and volumes) run in groups, with optional exposed services and results extracted from logs.',
  type: 'object',
  required: ['version', 'type', 'ops'],
  additionalProperties: false,
  properties: {
    version: { const: '0.1', description: 'Format version; "0.1" is the only one.' },
    type: { const: 'container', description: 'Job type; "container" is the only one.' },
    meta: { $ref: '#/$defs/meta' },
    global: { $ref: '#/$defs/global' },
    ops: {
      type: 'array',
      maxItems: L.maxOps,
      items: { $ref: '#/$defs/operation' },
      description:
        'The operations of the job. Groups run in order of first appearance; ops in a group run in parallel.',
    },
    logistics: { $ref: '#/$defs/logistics' },
    deployment_id: {
      type: 'string',
      minLength: 1,
      maxLength: L.maxIdLength,
      description: 'Load-balancing key of a deployment: replicas with the same id share one service URL.',
    },
  },
  // Only a confidential job (its definition is sent to the node later, logistics.send) may list no ops.
  if: { required: ['logistics'], properties: { logistics: { required: ['send'] } } },
  else: { properties: { ops: { minItems: 1 } } },
  $defs: {
    literal: {
      type: 'string',
      pattern: literalPattern,
      description:
        'A literal such as %%ops.<id>.results.<key>%% or %%globals.job%%, resolved when the op is hydrated.',
    },
    spreadMarker: {
      type: 'object',
      required: ['__spread__'],
      additionalProperties: false,
      properties: { __spread__: { $ref: '#/$defs/literal' } },
      description:
        'Splices the array or object the literal resolves to into the surrounding array or object.',
    },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    portRange: {
      type: 'string',
      pattern: '^[0-9]{1,5}-[0-9]{1,5}$',
      description: 'A port range "start-end".',
    },
    nonEmptyString: { type: 'string', minLength: 1, maxLength: L.maxPathLength },
    absolutePath: {
      type: 'string',
      minLength: 1,
      maxLength: L.maxPathLength,
      description: 'An absolute path inside the container (or a literal).',
    },
    stringMap: {
      type: 'object',
      maxProperties: L.maxEnv,
      propertyNames: { minLength: 1, maxLength: 256, pattern: '^[^=\\s]+$' },
      additionalProperties: { type: 'string', maxLength: L.maxEnvValueLength },
    },
    envMap: {
      type: 'object',
      maxProperties: L.maxEnv,
      propertyNames: { minLength: 1, maxLength: 256, pattern: '^[^=\\s]+$' },
      additionalProperties: {
        anyOf: [
          { type: 'string', maxLength: L.maxEnvValueLength },
          { $ref: '#/$defs/secretEnv' },
          { $ref: '#/$defs/sealedEnv' },
        ],
      },
    },
    secretEnv: {
      type: 'object',
      additionalProperties: false,
      required: ['secret'],
      description:
        'A secret value before posting: `nosana job post` seals it to the node(s) that may run the job; never pinned as is.',
      properties: { secret: { type: 'string', maxLength: L.maxEnvValueLength } },
    },
    sealedEnv: {
      type: 'object',
      additionalProperties: false,
      required: ['sealed'],
      description:
        'A secret sealed to the nodes that may run the job (see docs/trust.md); opened by the node only.',
      properties: {
        sealed: {
          type: 'object',
          additionalProperties: false,
          required: ['v', 'poster', 'boxes'],
          properties: {
            v: { const: 1 },
            poster: {
              type: 'string',
              minLength: 32,
              maxLength: 44,
              description: 'The posting wallet (base58).',
            },
            boxes: {
              type: 'object',
              minProperties: 1,
              maxProperties: 64,
              propertyNames: { minLength: 32, maxLength: 44 },
              additionalProperties: { type: 'string', maxLength: 2 * L.maxEnvValueLength },
              description: 'One sealed box per node address (base64).',
            },
          },
        },
      },
    },
    command: {
      type: ['string', 'array'],
      maxLength: L.maxCommandLength,
      maxItems: L.maxArgs,
      items: { type: 'string', maxLength: L.maxCommandLength },
      description: 'A shell-style string (split like a shell would, no shell is run) or an argument vector.',
    },
    meta: {
      type: 'object',
      description: 'Free-form metadata. "trigger" names the tool that posted the job.',
      properties: {
        trigger: {
          type: 'string',
          maxLength: 256,
          description: 'The tool that posted the job: "cli", "dashboard", …',
        },
        system_requirements: {
          description: 'Hints for hosts and dashboards, e.g. required_vram (GB). Not enforced by nodes.',
          type: 'object',
          properties: { required_vram: { type: 'number', minimum: 0, maximum: 4096 } },
        },
        seal_results: {
          type: 'boolean',
          description:
            "Seal the result to the poster's wallet: the pinned result is ciphertext (`nosana job post --seal-results`).",
        },
        system_resources: {
          description: 'Free-form resource notes.',
          type: 'object',
          additionalProperties: { type: ['string', 'number'] },
        },
      },
    },
    global: {
      type: 'object',
      additionalProperties: false,
      description: 'Defaults merged into every container/run op.',
      properties: {
        image: {
          type: 'string',
          minLength: 1,
          maxLength: L.maxImageLength,
          description: 'Image for ops that do not name one.',
        },
        gpu: { type: 'boolean', description: 'Give every op the GPUs unless it says otherwise.' },
        entrypoint: { $ref: '#/$defs/command', description: 'Entrypoint for ops that do not set one.' },
        env: {
          $ref: '#/$defs/envMap',
          description:
            'Environment variables merged into every op (op values win). A value is a string, `{ "secret": "…" }` (sealed by `nosana job post`) or `{ "sealed": … }`.',
        },
        work_dir: {
          $ref: '#/$defs/absolutePath',
          description: 'Working directory for ops that do not set one.',
        },
        variables: {
          $ref: '#/$defs/stringMap',
          description: 'Values available to literals as %%global.variables.<NAME>%%.',
        },
      },
    },
    logisticsEndpoint: {
      type: 'object',
      required: ['type', 'args'],
      additionalProperties: false,
      properties: {
        type: {
          enum: ['api', 'api-listen'],
          description:
            '"api": the node calls the endpoint; "api-listen": the node API waits for the poster to call it.',
        },
        args: {
          type: 'object',
          additionalProperties: false,
          properties: { endpoint: { type: 'string', minLength: 1, maxLength: 2048 } },
        },
      },
    },
    logistics: {
      type: 'object',
      additionalProperties: false,
      description:
        'Confidential jobs: the definition and results are exchanged with the node API instead of public IPFS.',
      properties: {
        send: { $ref: '#/$defs/logisticsEndpoint' },
        receive: { $ref: '#/$defs/logisticsEndpoint' },
      },
    },
    operation: {
      type: 'object',
      required: ['type', 'id', 'args'],
      properties: {
        type: {
          enum: ['container/run', 'container/create-volume'],
          description: 'What the op does: run a container, or create a named volume other ops mount.',
        },
      },
      allOf: [
        {
          if: { required: ['type'], properties: { type: { const: 'container/run' } } },
          then: { $ref: '#/$defs/containerRunOperation' },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'container/create-volume' } } },
          then: { $ref: '#/$defs/createVolumeOperation' },
        },
      ],
    },
    opId: {
      type: 'string',
      minLength: 1,
      maxLength: L.maxIdLength,
      pattern: '^[^\\s%]+$',
      description: 'Unique op id, without whitespace or "%".',
    },
    execution: {
      type: 'object',
      additionalProperties: false,
      properties: {
        group: {
          type: 'string',
          minLength: 1,
          maxLength: L.maxIdLength,
          description:
            'Ops with the same group run in parallel; groups run one after another. Default: the op id.',
        },
        depends_on: {
          description: 'Ops of the same group that must finish before this one starts.',
          type: 'array',
          maxItems: L.maxDependsOn,
          uniqueItems: true,
          items: { $ref: '#/$defs/opId' },
        },
        stop_if_dependent_stops: {
          type: 'boolean',
          description: 'Stop this op when one of the ops it depends on stops.',
        },
      },
    },
    results: {
      type: 'object',
      description:
        'Named results extracted from log lines: a regular expression (stdout and stderr), or { regex, logType } to choose the streams. Each key collects the first match of every matching line.',
      maxProperties: L.maxResults,
      propertyNames: { minLength: 1, maxLength: 256, pattern: '^[^\\s%.]+$' },
      additionalProperties: {
        type: ['string', 'object'],
        minLength: 1,
        maxLength: L.maxRegexLength,
        required: ['regex', 'logType'],
        additionalProperties: false,
        properties: {
          regex: { type: 'string', minLength: 1, maxLength: L.maxRegexLength },
          logType: {
            type: 'array',
            minItems: 1,
            maxItems: 4,
            uniqueItems: true,
            items: { enum: ['stdin', 'stdout', 'stderr', 'nodeerr'] },
          },
        },
      },
    },
    containerRunOperation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { const: 'container/run' },
        id: { $ref: '#/$defs/opId' },
        args: { $ref: '#/$defs/containerRunArgs', description: 'What to run and how.' },
        results: { $ref: '#/$defs/results' },
        execution: { $ref: '#/$defs/execution' },
      },
    },
    createVolumeOperation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { const: 'container/create-volume' },
        id: { $ref: '#/$defs/opId' },
        args: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { $ref: '#/$defs/volumeName' } },
        },
        results: { $ref: '#/$defs/results' },
        execution: { $ref: '#/$defs/execution' },
      },
    },
    volumeName: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
      description: 'Volume name: letters, digits, "_", "." and "-", starting with a letter or digit.',
    },
    containerRunArgs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        image: {
          type: 'string',
          minLength: 1,
          maxLength: L.maxImageLength,
          description: 'Image reference, e.g. "ubuntu:24.04". Falls back to global.image.',
        },
        cmd: { $ref: '#/$defs/command', description: 'Command (arguments to the entrypoint).' },
        entrypoint: { $ref: '#/$defs/command', description: "Overrides the image's entrypoint." },
        env: {
          $ref: '#/$defs/envMap',
          description:
            'Environment variables; merged over global.env. NOSANA_ID is set to the job address. A value is a string, `{ "secret": "…" }` (sealed by `nosana job post`) or `{ "sealed": … }`.',
        },
        work_dir: { $ref: '#/$defs/absolutePath', description: 'Working directory, created if missing.' },
        gpu: {
          type: 'boolean',
          description: "Give the container the host's GPUs (the node's --gpu selection).",
        },
        volumes: {
          description: 'Named volumes (created by container/create-volume ops) to mount.',
          type: 'array',
          maxItems: L.maxVolumes,
          items: {
            type: 'object',
            required: ['name', 'dest'],
            additionalProperties: false,
            properties: { name: { $ref: '#/$defs/volumeName' }, dest: { $ref: '#/$defs/absolutePath' } },
          },
        },
        expose: { $ref: '#/$defs/expose' },
        private: {
          type: 'boolean',
          description: 'Keep service URLs secret: random, reported only to the job owner.',
        },
        aliases: {
          description: "Extra host names of the container on the job's network.",
          type: ['string', 'array'],
          minLength: 1,
          maxLength: 253,
          maxItems: 16,
          items: { type: 'string', minLength: 1, maxLength: 253 },
        },
        restart_policy: { $ref: '#/$defs/restartPolicy' },
        resources: {
          description:
            'Files downloaded into the container before it starts (S3, Hugging Face, Ollama, URL).',
          type: 'array',
          maxItems: L.maxResources,
          items: { $ref: '#/$defs/resourceItem' },
        },
        output: {
          type: 'string',
          maxLength: L.maxPathLength,
          deprecated: true,
          description: 'Legacy artifact path of the 0.x SDK; accepted for compatibility and ignored.',
        },
        authentication: {
          description: 'Registry credentials for a private image.',
          type: 'object',
          additionalProperties: false,
          properties: {
            docker: {
              type: 'object',
              additionalProperties: false,
              properties: {
                username: { type: 'string', maxLength: 1024 },
                password: { type: 'string', maxLength: 8192 },
                email: { type: 'string', maxLength: 1024 },
                server: { type: 'string', maxLength: 1024 },
              },
            },
          },
        },
      },
    },
    restartPolicy: {
      description:
        'Restart the container when it exits: "no" (default), "always", "unless-stopped", "on-failure", or { "policy": "on-failure", "restart_tries": n }.',
      type: ['string', 'object'],
      if: { type: 'string' },
      then: { enum: ['no', 'always', 'unless-stopped', 'on-failure'] },
      else: {
        required: ['policy'],
        additionalProperties: false,
        properties: {
          policy: { const: 'on-failure' },
          restart_tries: { type: 'integer', minimum: 0, maximum: L.maxRestartTries },
        },
      },
    },
    exposeString: {
      type: 'string',
      pattern: `^([0-9]{1,5}-[0-9]{1,5}|%%(ops|globals?)\\.[^%]+%%)$`,
      description: 'A port range "start-end" or a literal.',
    },
    expose: {
      type: ['integer', 'string', 'object', 'array'],
      maxItems: L.maxExpose,
      allOf: [
        { if: { type: 'integer' }, then: { $ref: '#/$defs/port' } },
        { if: { type: 'string' }, then: { $ref: '#/$defs/exposeString' } },
        { if: { type: 'object' }, then: { $ref: '#/$defs/spreadMarker' } },
      ],
      items: { $ref: '#/$defs/exposeItem' },
      description:
        'A port, a port range, a literal, a spread marker, or an array of ports, ranges and exposed-port objects.',
    },
    exposeItem: {
      type: ['integer', 'string', 'object'],
      allOf: [
        { if: { type: 'integer' }, then: { $ref: '#/$defs/port' } },
        { if: { type: 'string' }, then: { $ref: '#/$defs/exposeString' } },
        {
          if: { type: 'object', required: ['__spread__'], properties: { __spread__: true } },
          then: { $ref: '#/$defs/spreadMarker' },
          else: { if: { type: 'object' }, then: { $ref: '#/$defs/exposedPort' } },
        },
      ],
    },
    exposedPort: {
      type: 'object',
      required: ['port'],
      additionalProperties: false,
      properties: {
        port: {
          type: ['integer', 'string'],
          allOf: [
            { if: { type: 'integer' }, then: { $ref: '#/$defs/port' } },
            { if: { type: 'string' }, then: { $ref: '#/$defs/portRange' } },
          ],
        },
        type: {
          enum: ['web', 'api', 'webapi', 'websocket', 'none'],
          description: 'Kind of service behind the port.',
        },
        health_checks: {
          description: 'Probes that decide whether the service is ONLINE.',
          type: 'array',
          maxItems: L.maxHealthChecks,
          items: { $ref: '#/$defs/healthCheck' },
        },
      },
    },
    healthCheck: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['http', 'websocket'] } },
      allOf: [
        {
          if: { required: ['type'], properties: { type: { const: 'http' } } },
          then: { $ref: '#/$defs/httpHealthCheck' },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'websocket' } } },
          then: { $ref: '#/$defs/websocketHealthCheck' },
        },
      ],
    },
    httpHealthCheck: {
      type: 'object',
      required: ['type', 'path', 'method', 'expected_status'],
      additionalProperties: false,
      properties: {
        type: { const: 'http' },
        path: { type: 'string', pattern: '^/', maxLength: 2048 },
        method: { enum: ['GET', 'POST', 'PUT', 'DELETE'] },
        expected_status: { type: 'integer', minimum: 100, maximum: 599 },
        headers: {
          type: 'object',
          maxProperties: 64,
          additionalProperties: { type: 'string', maxLength: 8192 },
        },
        body: {},
        continuous: { type: 'boolean' },
      },
    },
    websocketHealthCheck: {
      type: 'object',
      required: ['type', 'expected_response'],
      additionalProperties: false,
      properties: {
        type: { const: 'websocket' },
        expected_response: { type: 'string', maxLength: 8192 },
        continuous: { type: 'boolean' },
      },
    },
    resourceItem: {
      type: ['string', 'object'],
      if: { type: 'string' },
      then: { const: '__remove-if-empty__' },
      else: {
        if: { required: ['__spread__'], properties: { __spread__: true } },
        then: { $ref: '#/$defs/spreadMarker' },
        else: { $ref: '#/$defs/resource' },
      },
    },
    resource: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['S3', 'HF', 'Ollama', 'URL'] } },
      allOf: [
        {
          if: { required: ['type'], properties: { type: { const: 'S3' } } },
          then: { $ref: '#/$defs/s3Resource' },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'HF' } } },
          then: { $ref: '#/$defs/hfResource' },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'Ollama' } } },
          then: { $ref: '#/$defs/ollamaResource' },
        },
        {
          if: { required: ['type'], properties: { type: { const: 'URL' } } },
          then: { $ref: '#/$defs/urlResource' },
        },
      ],
    },
    fileList: {
      type: 'array',
      maxItems: 10_000,
      items: { type: 'string', minLength: 1, maxLength: L.maxPathLength },
    },
    s3Resource: {
      type: 'object',
      required: ['type', 'target'],
      additionalProperties: false,
      properties: {
        type: { const: 'S3' },
        target: { $ref: '#/$defs/absolutePath' },
        url: { type: 'string', minLength: 1, maxLength: 2048 },
        bucket: { type: 'string', minLength: 1, maxLength: 2048 },
        buckets: {
          type: 'array',
          minItems: 1,
          maxItems: 64,
          items: {
            type: 'object',
            required: ['url'],
            additionalProperties: false,
            properties: {
              url: { type: 'string', minLength: 1, maxLength: 2048 },
              files: { $ref: '#/$defs/fileList' },
            },
          },
        },
        files: { $ref: '#/$defs/fileList' },
        allowWrite: { type: 'boolean' },
        IAM: {
          type: 'object',
          required: ['REGION', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY'],
          additionalProperties: false,
          properties: {
            REGION: { type: 'string', maxLength: 64 },
            ACCESS_KEY_ID: { type: 'string', maxLength: 256 },
            SECRET_ACCESS_KEY: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
    hfResource: {
      type: 'object',
      required: ['type', 'target', 'repo'],
      additionalProperties: false,
      properties: {
        type: { const: 'HF' },
        target: { $ref: '#/$defs/absolutePath' },
        repo: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\s]+$' },
        revision: { type: 'string', minLength: 1, maxLength: 256 },
        files: { $ref: '#/$defs/fileList' },
        accessToken: { type: 'string', maxLength: 1024 },
      },
    },
    ollamaResource: {
      type: 'object',
      required: ['type', 'model'],
      additionalProperties: false,
      properties: {
        type: { const: 'Ollama' },
        model: { type: 'string', minLength: 1, maxLength: 256 },
        target: { $ref: '#/$defs/absolutePath' },
      },
    },
    urlResource: {
      type: 'object',
      required: ['type', 'url', 'target'],
      additionalProperties: false,
      properties: {
        type: { const: 'URL' },
        url: { type: 'string', pattern: '^(https?://|%%)', maxLength: 2048 },
        target: { $ref: '#/$defs/absolutePath' },
        sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
        max_bytes: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;
