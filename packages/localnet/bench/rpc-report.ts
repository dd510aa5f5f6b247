/** The RPC benchmark's shared pieces: its run context, table rows and number formatting. */
import { createHash } from 'node:crypto';
import type { NosanaClient } from '@nosana/chain';
import { bytes32ToCid, type CidV0 } from '@nosana/core';
import type { Connection } from '@solana/web3.js';
import type { Localnet } from '../src/localnet.js';

/** One row of the printed table. */
export interface Row {
  section: string;
  what: string;
  how: string;
  count: string;
  rate: string;
  p50: string;
  p95: string;
  size: string;
}

/** The options of `bench/rpc.ts` (see its header). */
export interface RpcBenchOptions {
  n: number;
  concurrency: number;
  window: number;
  jobs: number;
  otherJobs: number;
  realJobs: number;
  calls: number;
}

/** What every section of the benchmark works with and reports into. */
export interface BenchRun {
  localnet: Localnet;
  connection: Connection;
  options: RpcBenchOptions;
  rows: Row[];
  notes: string[];
  /** Clients to close at the end (web3.js reconnects its WebSocket forever otherwise). */
  clients: NosanaClient[];
  progress: (line: string) => void;
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export const ms = (start: number): number => performance.now() - start;

/** A deterministic CIDv0 (a sha2-256 multihash of the label), like the digests jobs store. */
export function cid(label: string): CidV0 {
  return bytes32ToCid(createHash('sha256').update(label).digest());
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function fixed(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

export function txs(n: number, milliseconds: number): string {
  return `${(n / (milliseconds / 1000)).toFixed(0)} tx/s`;
}

export function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

export function printTable(table: Row[], out: (line?: string) => void): void {
  const header = ['#', 'what', 'how', 'n', 'rate', 'p50 ms', 'p95 ms', 'response'];
  const cells = table.map((r) => [r.section, r.what, r.how, r.count, r.rate, r.p50, r.p95, r.size]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  out(line(header));
  out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells) out(line(r));
}
