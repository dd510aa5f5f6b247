/**
 * Renders docs/job-definition.md from the job definition JSON Schema, so the reference can never drift from
 * what the validator enforces. Run by schema.test.ts, which pins the file.
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  additionalProperties?: boolean | Schema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  if?: Schema;
  then?: Schema;
  else?: Schema;
  allOf?: Schema[];
  deprecated?: boolean;
  $defs?: Record<string, Schema>;
};

/** Sections in reading order: [title, $defs name (or '' for the root), intro]. */
const SECTIONS: Array<[string, string, string]> = [
  ['Job definition', '', 'The document a client posts. JSON or YAML.'],
  ['global', 'global', 'Defaults merged into every `container/run` op.'],
  ['meta', 'meta', 'Free-form metadata; the fields below have a meaning, any other key is allowed.'],
  ['Operation: container/run', 'containerRunOperation', ''],
  ['container/run args', 'containerRunArgs', ''],
  [
    'Operation: container/create-volume',
    'createVolumeOperation',
    'Creates a named volume that later ops mount with `args.volumes`.',
  ],
  ['execution', 'execution', ''],
  ['Exposed port', 'exposedPort', 'An item of `args.expose` written as an object.'],
  [
    'HTTP health check',
    'httpHealthCheck',
    'Probed every 5 s until healthy, then every 30 s when `continuous`.',
  ],
  ['WebSocket health check', 'websocketHealthCheck', ''],
  ['Resource: S3', 's3Resource', ''],
  ['Resource: HF (Hugging Face)', 'hfResource', ''],
  ['Resource: Ollama', 'ollamaResource', ''],
  ['Resource: URL', 'urlResource', ''],
  ['logistics', 'logistics', ''],
  ['logistics endpoint', 'logisticsEndpoint', ''],
];

const anchor = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');
const linkFor = (defs: Record<string, Schema>, name: string): string | undefined => {
  const section = SECTIONS.find(([, def]) => def === name);
  if (section) return `[${section[0]}](#${anchor(section[0])})`;
  const def = defs[name];
  return def ? undefined : name;
};

function typeOf(schema: Schema, defs: Record<string, Schema>): string {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    if (name === 'operation') {
      return `op (${linkFor(defs, 'containerRunOperation')} or ${linkFor(defs, 'createVolumeOperation')})`;
    }
    return linkFor(defs, name) ?? typeOf(defs[name]!, defs);
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  const types = ([] as string[]).concat(schema.type ?? []);
  if (types.length === 0) return 'any JSON value';
  return types
    .map((t) => {
      if (t === 'array' && schema.items) return `array of ${typeOf(schema.items, defs)}`;
      if (t === 'object' && typeof schema.additionalProperties === 'object') {
        return `map of ${typeOf(schema.additionalProperties, defs)}`;
      }
      return t;
    })
    .join(' | ');
}

function constraints(schema: Schema): string {
  const out: string[] = [];
  if (schema.pattern) out.push(`pattern \`${schema.pattern}\``);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 0) out.push(`non-empty`);
  if (schema.maxLength !== undefined) out.push(`≤ ${schema.maxLength} chars`);
  if (schema.minItems !== undefined) out.push(`≥ ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`≤ ${schema.maxItems} items`);
  if (schema.maxProperties !== undefined) out.push(`≤ ${schema.maxProperties} entries`);
  if (schema.deprecated) out.push('deprecated');
  return out.join(', ');
}

function describe(schema: Schema, defs: Record<string, Schema>): string {
  if (schema.description) return schema.description;
  if (schema.$ref) return defs[schema.$ref.replace('#/$defs/', '')]?.description ?? '';
  return '';
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderSchemaReference(root: Schema): string {
  const defs = root.$defs ?? {};
  const lines = [
    '# Job definition reference',
    '',
    '<!-- Generated from packages/core/schema/job-definition.schema.json by packages/core/src/job-definition/schema.test.ts. Do not edit: change the schema and run `pnpm exec vitest run -u` in packages/core. -->',
    '',
    'A Nosana job definition (`version: "0.1"`, `type: "container"`) lists ops that run in containers. Ops are grouped',
    'by `execution.group`; groups run one after another in order of first appearance, ops of a group run in parallel.',
    '`nosana job validate <file>` checks a definition against this schema and the semantic rules listed at the end.',
    '',
    `JSON Schema: [\`packages/core/schema/job-definition.schema.json\`](../packages/core/schema/job-definition.schema.json) (\`${String((root as { $id?: string }).$id)}\`).`,
    '',
  ];
  for (const [title, name, intro] of SECTIONS) {
    const schema = name === '' ? root : defs[name]!;
    lines.push(`## ${title}`, '');
    const text = intro || schema.description || '';
    if (text) lines.push(text, '');
    // The op variants inherit the required keys of the op schema that selects them.
    const inherited = name.endsWith('Operation') ? (defs.operation?.required ?? []) : [];
    const required = new Set([...(schema.required ?? []), ...inherited]);
    lines.push('| field | type | required | description | constraints |', '|---|---|---|---|---|');
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const target = property.$ref ? (defs[property.$ref.replace('#/$defs/', '')] ?? property) : property;
      lines.push(
        `| \`${key}\` | ${cell(typeOf(property, defs))} | ${required.has(key) ? 'yes' : ''} | ${cell(describe(property, defs))} | ${cell(constraints(target))} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Other forms',
    '',
    `- **Commands** (\`cmd\`, \`entrypoint\`): ${defs.command?.description ?? ''}`,
    `- **expose**: ${defs.expose?.description ?? ''} Port ranges are written \`"start-end"\`.`,
    `- **Literals**: ${defs.literal?.description ?? ''} Also \`%%global.variables.<NAME>%%\`, \`%%ops.<id>.host%%\`, \`%%ops.<id>.endpoint.<port>%%\`, \`%%ops.<id>.deployment_endpoint%%\`.`,
    `- **Spread**: ${defs.spreadMarker?.description ?? ''} Written \`{ "__spread__": "%%…%%" }\` in arrays (\`expose\`, \`resources\`) and as a key in maps (\`env\`).`,
    '- **`__remove-if-empty__`**: as the first item of `cmd`, `entrypoint` or `resources`, removes the property when the rest resolves to nothing.',
    '',
    '## Semantic rules',
    '',
    'Checked after the schema, on every well-typed part of the document:',
    '',
    '- op ids are unique (and contain no whitespace or `%`);',
    '- every `container/run` op has an image (its own or `global.image`);',
    '- `depends_on` names existing ops of the same group, not the op itself, without cycles; `stop_if_dependent_stops` needs `depends_on`;',
    '- mounted volumes are created by a `container/create-volume` op that runs earlier (an earlier group, or a dependency); a volume is created once; mount paths are unique per op;',
    '- `work_dir`, mount paths and resource targets are absolute;',
    '- exposed ports and ranges of an op are disjoint, ranges are `start < end` and span at most 1000 ports;',
    '- literals refer to existing ops, results keys, exposed ports and `global.variables`; an op never refers to itself; results used from an op of a later group are errors, from a parallel op of the same group warnings;',
    '- results regexes are valid JavaScript regular expressions;',
    '- `logistics`: an `api` endpoint is an http(s) URL (`%%global.job%%` is the job address); `api-listen` takes no endpoint; only a document with `logistics.send` (a confidential placeholder, see docs/trust.md) may list no ops;',
    '- the document is at most 1 MiB.',
    '',
  );
  return lines.join('\n');
}
