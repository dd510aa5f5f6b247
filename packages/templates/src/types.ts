/** One parameter of a template, filled in by the user (`--param name=value`) or from its default. */
export interface TemplateParameter {
  /** Name used in placeholders (`{{name}}`) and on the command line. */
  name: string;
  description: string;
  /** `integer` values replace a placeholder that is a whole string with a JSON number. */
  type: 'string' | 'integer';
  /** Used when the user gives no value; a parameter without a default is required. */
  default?: string;
  /** For strings: a regular expression (anchored) the value must match. */
  pattern?: string;
  /** For integers: inclusive bounds. */
  min?: number;
  max?: number;
}

/** The hosts a template needs: documented so a poster picks a market that can run it. */
export interface TemplateMarket {
  /** Whether the job needs an NVIDIA GPU. */
  gpu: boolean;
  /** Minimum GPU memory in GB (the `vram` parameter may raise it). */
  minVramGb?: number;
  /** Which markets fit, in words (e.g. "a 24 GB market: RTX 3090/4090, A5000 or larger"). */
  note: string;
}

/**
 * A curated, versioned job-definition template. `definition` is a job definition whose strings may hold
 * `{{parameter}}` placeholders; rendering fills them in and validates the result against the schema.
 */
export interface JobTemplate {
  /** Kebab-case name, unique in its source. */
  name: string;
  /** Semantic version of the template itself (bumped when its definition changes). */
  version: string;
  title: string;
  description: string;
  market: TemplateMarket;
  parameters: TemplateParameter[];
  definition: Record<string, unknown>;
}
