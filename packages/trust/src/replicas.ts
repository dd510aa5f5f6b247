/**
 * Redundant execution (`job post --replicas-verify`): the same definition run by several nodes, their results
 * compared. What is compared is the part of a result an honest node reproduces for a deterministic job — each op's
 * id, status, exit code, log lines (stream and text) and extracted results — never times, container ids or URLs.
 */
import type { FlowState } from '@nosana/core';
import { type Digest, jsonDigest } from './hash.js';

/** The reproducible part of a result, as {@link outcomeDigest} hashes it. */
export interface ResultOutcome {
  status: FlowState['status'];
  ops: Array<{
    id: string;
    status: string;
    exitCode: number | null;
    logs: Array<[string, string]>;
    results: Record<string, string[]>;
  }>;
}

/**
 * The reproducible part of a result: what two honest nodes running the same deterministic job produce alike.
 *
 * @example
 * ```ts
 * resultOutcome(flow).ops[0]?.logs; // [['stdout', 'hello']]
 * ```
 */
export function resultOutcome(flow: FlowState): ResultOutcome {
  return {
    status: flow.status,
    ops: flow.opStates.map((op) => ({
      id: op.operationId,
      status: op.status,
      exitCode: op.exitCode,
      logs: op.logs.map((entry) => [entry.type, entry.log] as [string, string]),
      results: op.results ?? {},
    })),
  };
}

/**
 * The SHA-256 of a result's reproducible part (canonical JSON of {@link resultOutcome}).
 *
 * @example
 * ```ts
 * outcomeDigest(first).sha256 === outcomeDigest(second).sha256; // the replicas agree
 * ```
 */
export function outcomeDigest(flow: FlowState): Digest {
  return jsonDigest(resultOutcome(flow));
}

/** One replica's result, for {@link compareReplicas}. */
export interface ReplicaResult {
  job: string;
  node: string | null;
  /** The result in clear (opened when it was sealed); null when the job has none. */
  flow: FlowState | null;
}

/** Result of {@link compareReplicas}. */
export interface CompareReplicasResult {
  /** True when every replica has a result and all their outcome digests are equal. */
  agree: boolean;
  /** True when the replicas ran on as many distinct nodes as there are replicas. */
  independent: boolean;
  replicas: Array<{ job: string; node: string | null; status: string | null; digest: string | null }>;
  /** Where the first replica and each disagreeing one differ: `op <id>: exit 0 ≠ 1`, `op <id>: logs differ at line 3`. */
  differences: string[];
}

/**
 * Compares the results of the replicas of one definition.
 *
 * @example
 * ```ts
 * const { agree, differences } = compareReplicas([{ job: a, node: n1, flow: f1 }, { job: b, node: n2, flow: f2 }]);
 * ```
 */
export function compareReplicas(results: ReplicaResult[]): CompareReplicasResult {
  const replicas = results.map(({ job, node, flow }) => ({
    job,
    node,
    status: flow?.status ?? null,
    digest: flow ? outcomeDigest(flow).sha256 : null,
  }));
  const reference = results[0]?.flow ? resultOutcome(results[0].flow) : null;
  const differences: string[] = [];
  for (const [index, result] of results.entries()) {
    if (index === 0) continue;
    if (!result.flow || !reference) {
      differences.push(`replica ${result.job}: no result to compare`);
      continue;
    }
    differences.push(
      ...describeDifferences(reference, resultOutcome(result.flow)).map((d) => `replica ${result.job}: ${d}`),
    );
  }
  const digests = new Set(replicas.map((r) => r.digest));
  const nodes = new Set(replicas.map((r) => r.node).filter((n) => n !== null));
  return {
    agree: replicas.length > 1 && !digests.has(null) && digests.size === 1,
    independent: nodes.size === replicas.length,
    replicas,
    differences,
  };
}

/** How two outcomes differ, op by op (the first differing log line only). */
function describeDifferences(a: ResultOutcome, b: ResultOutcome): string[] {
  const out: string[] = [];
  if (a.status !== b.status) out.push(`status ${a.status} ≠ ${b.status}`);
  const ids = [...new Set([...a.ops.map((op) => op.id), ...b.ops.map((op) => op.id)])];
  for (const id of ids) {
    const x = a.ops.find((op) => op.id === id);
    const y = b.ops.find((op) => op.id === id);
    if (!x || !y) {
      out.push(`op ${id}: only in ${x ? 'the first' : 'this'} replica`);
      continue;
    }
    if (x.exitCode !== y.exitCode) out.push(`op ${id}: exit ${x.exitCode} ≠ ${y.exitCode}`);
    const line = x.logs.findIndex((entry, i) => entry[0] !== y.logs[i]?.[0] || entry[1] !== y.logs[i]?.[1]);
    if (line >= 0 || x.logs.length !== y.logs.length)
      out.push(
        `op ${id}: logs differ at line ${(line >= 0 ? line : Math.min(x.logs.length, y.logs.length)) + 1}`,
      );
    if (JSON.stringify(x.results) !== JSON.stringify(y.results)) out.push(`op ${id}: results differ`);
  }
  return out;
}
