/**
 * The transaction methods of the localnet's JSON-RPC: sending (with preflight), simulating, fees, statuses,
 * history, SOL airdrops and recent prioritization fees.
 */
import { base64 } from '@scure/base';
import { VersionedTransaction } from '@solana/web3.js';
import type { Bank, ProcessResult } from './bank.js';
import {
  address,
  config,
  encodedTransaction,
  integer,
  list,
  MAX_MULTIPLE_ACCOUNTS,
  MAX_SIGNATURE_STATUSES,
  oneOf,
  signature,
} from './params.js';
import type { AccountViews } from './rpc-accounts.js';
import { accountConfig, type RpcMethods } from './rpc-config.js';
import { RpcError } from './rpc-error.js';
import { transactionErrorMessage } from './transaction-errors.js';
import { transactionJson } from './transaction-json.js';

/** Most accounts `getRecentPrioritizationFees` takes (Solana's limit). */
const MAX_PRIORITY_FEE_ACCOUNTS = 128;

/**
 * The transaction methods.
 *
 * @example
 * ```ts
 * const methods = transactionMethods(bank, createAccountViews(bank, '2.2.0'));
 * ```
 */
export function transactionMethods(bank: Bank, views: AccountViews): RpcMethods {
  return { ...sendingMethods(bank, views), ...historyMethods(bank, views) };
}

function sendingMethods(bank: Bank, views: AccountViews): RpcMethods {
  return {
    requestAirdrop: (p) => {
      const to = address(p[0]);
      if (typeof p[1] !== 'number' || !Number.isSafeInteger(p[1]) || p[1] <= 0)
        throw new RpcError(-32602, 'airdrop amount must be a positive integer of lamports');
      return bank.airdrop(to, BigInt(p[1]));
    },
    getFeeForMessage: (p) => {
      const bytes = encodedTransaction(p[0], 'base64', 'message');
      if (bytes.length === 0) throw new RpcError(-32602, 'Invalid params: the message is empty');
      // A message is a transaction without signatures: prepend an empty signature section to parse it.
      const signatures = (bytes[0]! & 0x80 ? (bytes[1] ?? 0) : bytes[0]!) & 0x7f;
      const wire = new Uint8Array(1 + 64 * signatures + bytes.length);
      wire[0] = signatures;
      wire.set(bytes, 1 + 64 * signatures);
      return views.withContext(bank.feeOf(deserialize(wire)));
    },
    sendTransaction: (p) => {
      const bytes = decodeTransaction(p);
      const options = config<{ skipPreflight: unknown }>(p[1]);
      if (options.skipPreflight !== true) {
        // A real validator simulates first and rejects a failing transaction without charging a fee.
        const preflight = bank.process(bytes, { simulate: true });
        if (preflight.err) {
          const signature = preflight.signature;
          if (signature && bank.status(signature))
            throw simulationError({ err: 'AlreadyProcessed', logs: [], unitsConsumed: 0 });
          throw simulationError(preflight);
        }
      }
      const result = bank.process(bytes);
      if (result.rejected) throw simulationError(result);
      return result.signature;
    },
    simulateTransaction: (p) => simulate(bank, views, p),
    getRecentPrioritizationFees: (p) =>
      bank.recentPrioritizationFees(
        p[0] === undefined || p[0] === null
          ? []
          : list(p[0], 'addresses', MAX_PRIORITY_FEE_ACCOUNTS).map((k) => address(k)),
      ),
  };
}

function historyMethods(bank: Bank, views: AccountViews): RpcMethods {
  return {
    getSignatureStatuses: (p) =>
      views.withContext(
        list(p[0], 'signatures', MAX_SIGNATURE_STATUSES).map((item) => {
          const status = bank.status(signature(item));
          if (!status) return null;
          return {
            slot: status.slot,
            confirmations: null,
            err: status.err,
            status: status.err ? { Err: status.err } : { Ok: null },
            confirmationStatus: 'finalized',
          };
        }),
      ),
    getSignaturesForAddress: (p) => {
      const target = address(p[0]);
      const options = config<{ limit: unknown }>(p[1]);
      const limit = options.limit === undefined ? 1000 : integer(options.limit, 'limit', 1, 1000);
      return bank.recentSignatures(target, limit).map(({ signature, status }) => ({
        signature,
        slot: status.slot,
        err: status.err,
        memo: null,
        blockTime: status.blockTime,
        confirmationStatus: 'finalized',
      }));
    },
    getTransaction: (p) => {
      const key = signature(p[0]);
      const encoding = oneOf(
        config<{ encoding: unknown }>(p[1]).encoding,
        'encoding',
        ['json', 'base64'],
        'json',
      );
      return transactionJson(bank.status(key), encoding);
    },
  };
}

function decodeTransaction(params: unknown[]): Uint8Array {
  const encoding = oneOf(
    config<{ encoding: unknown }>(params[1]).encoding,
    'encoding',
    ['base58', 'base64'],
    'base58',
  );
  return encodedTransaction(params[0], encoding);
}
function deserialize(bytes: Uint8Array): VersionedTransaction {
  try {
    return VersionedTransaction.deserialize(bytes);
  } catch (error) {
    throw new RpcError(-32602, `Invalid params: not a transaction (${(error as Error).message})`);
  }
}

function simulationError(result: Pick<ProcessResult, 'err' | 'logs' | 'unitsConsumed'>): RpcError {
  return new RpcError(-32002, `Transaction simulation failed: ${transactionErrorMessage(result.err!)}`, {
    err: result.err,
    logs: result.logs,
    accounts: null,
    unitsConsumed: result.unitsConsumed,
    returnData: null,
  });
}

/** `simulateTransaction`: runs without committing; `accounts` report the state after. */
function simulate(bank: Bank, { withContext, accountJson }: AccountViews, p: unknown[]): unknown {
  let bytes = decodeTransaction(p);
  const options = config<{ sigVerify: unknown; replaceRecentBlockhash: unknown; accounts: unknown }>(p[1]);
  if (options.sigVerify === true && options.replaceRecentBlockhash === true)
    throw new RpcError(-32602, 'sigVerify may not be used with replaceRecentBlockhash');
  const wanted = config<{ addresses: unknown; encoding: unknown }>(options.accounts, 'accounts');
  const addresses =
    wanted.addresses === undefined
      ? undefined
      : list(wanted.addresses, 'accounts.addresses', MAX_MULTIPLE_ACCOUNTS).map((k) => address(k));
  const settings = accountConfig({ encoding: wanted.encoding });
  let replacement: { blockhash: string; lastValidBlockHeight: number } | undefined;
  if (options.replaceRecentBlockhash === true) {
    const tx = deserialize(bytes);
    replacement = bank.latestBlockhash();
    tx.message.recentBlockhash = replacement.blockhash;
    bytes = tx.serialize();
  }
  const result = bank.process(bytes, { simulate: true, sigVerify: options.sigVerify === true });
  const accounts = addresses?.map((k) => {
    const after = result.postAccounts?.get(k);
    return accountJson(k, after === undefined ? bank.getAccount(k) : after, settings);
  });
  return withContext({
    err: result.err,
    logs: result.logs,
    accounts: accounts ?? null,
    unitsConsumed: result.unitsConsumed,
    returnData: result.returnData
      ? {
          programId: result.returnData.programId,
          data: [base64.encode(result.returnData.data), 'base64'],
        }
      : null,
    ...(replacement ? { replacementBlockhash: replacement } : {}),
  });
}
