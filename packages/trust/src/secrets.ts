/**
 * Secret env values of a job definition. Before posting, a secret is written `{ "secret": "…" }`; posting seals it
 * to each node that may run the job (`{ "sealed": { v, poster, boxes: { <node>: <box> } } }`), bound to the poster
 * and the variable's name. A node opens the boxes addressed to it, in a job whose poster on chain is the sealing
 * poster, into the env of the containers only.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type EnvValue,
  isSealedEnvValue,
  isSecretEnvValue,
  type JobDefinition,
  NosanaError,
  type SealedSecret,
} from '@nosana/core';
import './errors.js';
import { publicKeyBytes } from './keys.js';
import { boxFromText, boxToText, openSealed, seal } from './seal.js';

/** A secret or sealed env value found in a definition. */
export interface SecretLocation {
  /** `global.env.NAME` or `ops.<id>.args.env.NAME`. */
  where: string;
  name: string;
  kind: 'secret' | 'sealed';
}

type EnvMap = Record<string, EnvValue>;

/** Copies a definition, replacing every env map with `map(env, where)`. */
function mapEnv(definition: JobDefinition, map: (env: EnvMap, where: string) => EnvMap): JobDefinition {
  const copy = structuredClone(definition);
  if (copy.global?.env) copy.global.env = map(copy.global.env, 'global.env');
  for (const op of copy.ops) {
    const args = op.args as { env?: EnvMap };
    if (op.type === 'container/run' && args.env) args.env = map(args.env, `ops.${op.id}.args.env`);
  }
  return copy;
}

/**
 * Every secret (`{ secret }`) and sealed (`{ sealed }`) env value of a definition, by where it is.
 *
 * @example
 * ```ts
 * findSecrets(definition); // [{ where: 'ops.train.args.env.HF_TOKEN', name: 'HF_TOKEN', kind: 'secret' }]
 * ```
 */
export function findSecrets(definition: JobDefinition): SecretLocation[] {
  const found: SecretLocation[] = [];
  mapEnv(definition, (env, where) => {
    for (const [name, value] of Object.entries(env)) {
      if (isSecretEnvValue(value)) found.push({ where: `${where}.${name}`, name, kind: 'secret' });
      else if (isSealedEnvValue(value)) found.push({ where: `${where}.${name}`, name, kind: 'sealed' });
    }
    return env;
  });
  return found;
}

const contextOf = (poster: string, name: string) => `env-secret poster=${poster} name=${name}`;

/** Parameters of {@link sealDefinitionSecrets}. */
export interface SealDefinitionSecretsParameters {
  definition: JobDefinition;
  /** The posting wallet's address: nodes open the secrets only in jobs this wallet posted. */
  poster: string;
  /** Addresses of the nodes that may run the job (each gets its own box). */
  recipients: string[];
  random?: (length: number) => Uint8Array;
}

/**
 * Seals every `{ secret }` env value of a definition to the recipient nodes; other values are kept.
 *
 * @example
 * ```ts
 * const posted = sealDefinitionSecrets({ definition, poster: wallet.publicKey.toBase58(), recipients: [node] });
 * ```
 */
export function sealDefinitionSecrets({
  definition,
  poster,
  recipients,
  random,
}: SealDefinitionSecretsParameters): JobDefinition {
  publicKeyBytes(poster, 'the poster');
  const unique = [...new Set(recipients)];
  if (unique.length === 0)
    throw new NosanaError(
      'TRUST__NO_RECIPIENTS',
      'the definition has secret env values but no node to seal them to — name the node (job post --node), or post when a node waits in the market queue',
      {},
    );
  return mapEnv(definition, (env) => {
    const out: EnvMap = {};
    for (const [name, value] of Object.entries(env)) {
      if (!isSecretEnvValue(value)) {
        out[name] = value;
        continue;
      }
      const boxes: Record<string, string> = {};
      for (const node of unique)
        boxes[node] = boxToText(
          seal({
            to: node,
            plaintext: utf8ToBytes(value.secret),
            context: contextOf(poster, name),
            ...(random ? { random } : {}),
          }),
        );
      const sealed: SealedSecret = { v: 1, poster, boxes };
      out[name] = { sealed };
    }
    return out;
  });
}

/** Parameters of {@link openDefinitionSecrets}. */
export interface OpenDefinitionSecretsParameters {
  definition: JobDefinition;
  /** The node's address and Solana secret key. */
  node: string;
  secretKey: Uint8Array;
  /** The job's poster on chain (its `project`). */
  poster: string;
}

/**
 * Opens the sealed env values addressed to this node into plain strings (for the containers only). Refuses a
 * secret that was never sealed (`TRUST__SECRET_NOT_SEALED`), one sealed by another poster than the job's
 * (`TRUST__SECRET_POSTER_MISMATCH`), one without a box for this node (`TRUST__SECRET_NOT_FOR_THIS_NODE`) and a box
 * that does not open (`TRUST__SEAL_OPEN_FAILED`). Messages never hold a value.
 *
 * @example
 * ```ts
 * const runnable = openDefinitionSecrets({ definition, node: address, secretKey: wallet.secretKey, poster: job.project.toBase58() });
 * ```
 */
export function openDefinitionSecrets({
  definition,
  node,
  secretKey,
  poster,
}: OpenDefinitionSecretsParameters): JobDefinition {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return mapEnv(definition, (env, at) => {
    const out: EnvMap = {};
    for (const [name, value] of Object.entries(env)) {
      const where = `${at}.${name}`;
      if (isSecretEnvValue(value))
        throw new NosanaError(
          'TRUST__SECRET_NOT_SEALED',
          `${where} is a secret that was published without being sealed — the node will not run it; post the job again with nosana job post (which seals secrets) and rotate that secret`,
          { where },
        );
      if (!isSealedEnvValue(value)) {
        out[name] = value;
        continue;
      }
      const { sealed } = value;
      if (sealed.poster !== poster)
        throw new NosanaError(
          'TRUST__SECRET_POSTER_MISMATCH',
          `${where} was sealed by ${sealed.poster}, but the job was posted by ${poster}: sealed secrets open only in their poster's jobs — seal the secret with the posting wallet`,
          { where, poster, sealedBy: sealed.poster },
        );
      const text = sealed.boxes[node];
      if (text === undefined)
        throw new NosanaError(
          'TRUST__SECRET_NOT_FOR_THIS_NODE',
          `${where} is sealed to ${Object.keys(sealed.boxes).length} other node(s), not to ${node} — the poster must seal it to the node that runs the job`,
          { where, node, recipients: Object.keys(sealed.boxes) },
        );
      const plaintext = openSealed({
        box: boxFromText(text, where),
        secretKey,
        context: contextOf(poster, name),
        where,
      });
      out[name] = decoder.decode(plaintext);
    }
    return out;
  });
}
