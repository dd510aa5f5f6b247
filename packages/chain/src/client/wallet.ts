import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { NosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import '../errors.js';

/** Where the wallet lives unless `SOLANA_WALLET` or an explicit path says otherwise. */
export const DEFAULT_WALLET_PATH = join(homedir(), '.nosana', 'nosana_key.json');

/** Parameters of {@link loadWallet}. */
export interface LoadWalletParameters {
  /** Keypair file (a JSON array of 64 bytes, as `solana-keygen` writes). Default: `SOLANA_WALLET` or ~/.nosana/nosana_key.json. */
  path?: string;
  /** Create a new keypair (file mode 0600) when the file does not exist. Default true. */
  create?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** A loaded wallet. The secret key is never printed or logged; only the public key is. */
export interface LoadWalletResult {
  keypair: Keypair;
  path: string;
  /** True when the file was created by this call. */
  created: boolean;
}

/**
 * Loads the Solana keypair a client or node signs with, creating it (0600) on first use.
 *
 * @example
 * ```ts
 * const { keypair } = loadWallet(); // ~/.nosana/nosana_key.json
 * console.log(keypair.publicKey.toBase58());
 * ```
 */
export function loadWallet({
  path,
  create = true,
  env = process.env,
}: LoadWalletParameters = {}): LoadWalletResult {
  const file = path ?? env.SOLANA_WALLET ?? DEFAULT_WALLET_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && create) return { keypair: createWallet(file), path: file, created: true };
    const reason =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new NosanaError(
      'CHAIN__WALLET_UNREADABLE',
      `cannot read the wallet ${file}: ${reason} — pass --wallet <path> or set SOLANA_WALLET`,
      { path: file },
      { cause: error },
    );
  }
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch {
    bytes = undefined;
  }
  if (
    !Array.isArray(bytes) ||
    bytes.length !== 64 ||
    !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
  ) {
    throw new NosanaError(
      'CHAIN__WALLET_INVALID',
      `${file} is not a Solana keypair file — expected a JSON array of 64 numbers (solana-keygen format)`,
      { path: file },
    );
  }
  try {
    return { keypair: Keypair.fromSecretKey(Uint8Array.from(bytes as number[])), path: file, created: false };
  } catch (cause) {
    throw new NosanaError(
      'CHAIN__WALLET_INVALID',
      `${file} holds 64 bytes that are not a valid ed25519 keypair`,
      { path: file },
      { cause },
    );
  }
}

/** True when a wallet file can be read by others than its owner. */
export function walletIsExposed(path: string): boolean {
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

function createWallet(file: string): Keypair {
  const keypair = Keypair.generate();
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify([...keypair.secretKey]), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (cause) {
    throw new NosanaError(
      'CHAIN__WALLET_UNREADABLE',
      `cannot create the wallet ${file}: ${(cause as Error).message}`,
      { path: file },
      { cause },
    );
  }
  return keypair;
}
