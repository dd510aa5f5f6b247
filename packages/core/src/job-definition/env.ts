/**
 * Env values as a container gets them: plain strings. Secret (`{ secret }`) and sealed (`{ sealed }`) values must
 * be opened first (by the node, with `@nosana/trust`); handing one to a container is refused, without its value.
 */
import { NosanaError } from '../errors.js';
import type { EnvValue, SealedEnvValue, SecretEnvValue } from './types.js';

/** True when an env value is a secret not sealed yet (`{ secret }`). */
export function isSecretEnvValue(value: unknown): value is SecretEnvValue {
  return typeof value === 'object' && value !== null && 'secret' in value;
}

/** True when an env value is sealed (`{ sealed }`). */
export function isSealedEnvValue(value: unknown): value is SealedEnvValue {
  return typeof value === 'object' && value !== null && 'sealed' in value;
}

/**
 * The env map as plain strings; throws `CORE__ENV_NOT_PLAIN` (naming the variable, never its value) when a value
 * is still a secret or sealed.
 *
 * @example
 * ```ts
 * plainEnv({ A: '1' }, 'ops[0].args.env'); // { A: '1' }
 * plainEnv({ T: { secret: 'x' } }, 'ops[0].args.env'); // throws CORE__ENV_NOT_PLAIN
 * ```
 */
export function plainEnv(env: Record<string, EnvValue> | undefined, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string') {
      const kind = isSealedEnvValue(value) ? 'sealed' : 'secret';
      throw new NosanaError(
        'CORE__ENV_NOT_PLAIN',
        `${where}.${name} is a ${kind} value that was not opened before the container was created — a node opens sealed secrets of jobs it claimed; run the job through a node (or give a plain value for a local run)`,
        { where, name, kind },
      );
    }
    out[name] = value;
  }
  return out;
}
