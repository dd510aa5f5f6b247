import { stakeXnos } from '@nosana/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { StakeCloseResult } from './close.js';
import type { StakeCreateResult } from './create.js';
import type { StakeExtendResult } from './extend.js';
import type { StakeGetResult } from './get.js';
import type { StakeRestakeResult } from './restake.js';
import type { StakeTopupResult } from './topup.js';
import type { StakeUnstakeResult } from './unstake.js';
import type { StakeWithdrawResult } from './withdraw.js';

const NOS = 1_000_000n;
const DAY = 86_400;

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network?.close());

/** Runs `nosana stake …` with `wallet`, returning the exit code and the parsed envelope. */
async function stake<T>(wallet: string, ...argv: string[]) {
  const run = await runCommand(['stake', ...argv, '--json'], { env: network.env(wallet) });
  const envelope = run.json<{
    status: 'ok' | 'error';
    result: T;
    error?: { code: string; message: string };
  }>();
  return { code: run.code, ...envelope };
}

describe('nosana stake', () => {
  it('create, topup and extend report the xNOS the program stores; get shows it for any address', async () => {
    const { path, key } = network.wallet(2_000n * NOS);
    const created = await stake<StakeCreateResult>(path, 'create', '1000', '--days', '120');
    expect(created.code).toBe(0);
    expect(created.result.stake).toMatchObject({
      status: 'staked',
      amount: { nos: '1000', nosBaseUnits: '1000000000' },
      durationDays: 120,
      unlock: null,
    });
    const xnos = stakeXnos({ amount: 1000n * NOS, duration: 120 * DAY, timeUnstake: 0 });
    expect(created.result.stake.xnos.xnosBaseUnits).toBe(xnos.toString());
    const topup = await stake<StakeTopupResult>(path, 'topup', '0.5');
    expect(topup.result.added).toEqual({ nos: '0.5', nosBaseUnits: '500000' });
    expect(topup.result.stake.amount.nos).toBe('1000.5');
    const extended = await stake<StakeExtendResult>(path, 'extend', '--days', '245');
    expect(extended.result.stake.durationDays).toBe(365);
    // A year: 4 × the amount.
    expect(extended.result.stake.xnos).toEqual({ xnos: '4002', xnosBaseUnits: '4002000000' });
    const other = network.wallet();
    const read = await stake<StakeGetResult>(other.path, 'get', key.publicKey.toBase58());
    expect(read.result.stake).toEqual(extended.result.stake);
    const human = await runCommand(['stake', 'get'], { env: network.env(path) });
    expect(human.stdout).toMatch(/xNOS:\s+4002\n/);
    expect(human.stdout).toMatch(/status:\s+staked/);
    const none = await stake<StakeGetResult>(other.path, 'get');
    expect(none).toMatchObject({
      code: 0,
      result: { stake: null, authority: other.key.publicKey.toBase58() },
    });
  });

  it('refuses bad input before sending anything, saying what to do (exit 1); an unreachable RPC is exit 3', async () => {
    const { path, key } = network.wallet(50n * NOS);
    const refused = async (argv: string[], code: string, text?: string) => {
      const run = await stake(path, ...argv);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.error?.code).toBe(code);
      if (text) expect(run.error?.message).toContain(text);
    };
    await refused(['create', 'lots', '--days', '30'], 'CLI__INVALID_ARGUMENT', 'is not an amount of NOS');
    await refused(['create', '10', '--days', '13'], 'CHAIN__STAKE_PARAMETER_INVALID', '14 to 365 days');
    await refused(['create', '10', '--days', '400'], 'CHAIN__STAKE_PARAMETER_INVALID');
    await refused(['create', '51', '--days', '30'], 'CHAIN__INSUFFICIENT_NOS');
    await refused(['unstake'], 'CHAIN__STAKE_NOT_FOUND', 'create one first');
    await refused(['get', 'foo'], 'CLI__INVALID_ARGUMENT', 'is not a Solana address');
    await refused(['topup', '0'], 'CLI__INVALID_ARGUMENT');
    const balance = await runCommand(['wallet', 'balance', '--json'], { env: network.env(path) });
    expect(balance.json<{ result: { nos: string; xnos: string | null } }>().result).toMatchObject({
      nos: (50n * NOS).toString(),
      xnos: null,
    });
    const down = await runCommand(['stake', 'get', key.publicKey.toBase58(), '--json'], {
      env: { ...network.env(path), NOSANA_RPC: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(3);
    expect(down.json<{ error: { code: string } }>().error.code).toBe('CHAIN__RPC_UNREACHABLE');
  });

  it('lives a whole life: create → topup → extend → unstake → restake → unstake → withdraw after the unlock → close', async () => {
    const { path, key } = network.wallet(300n * NOS);
    const wallet = key.publicKey.toBase58();
    expect((await stake(path, 'create', '100', '--days', '14')).code).toBe(0);
    expect((await stake(path, 'topup', '100')).code).toBe(0);
    expect((await stake(path, 'extend', '--days', '16')).code).toBe(0);
    const unstaked = await stake<StakeUnstakeResult>(path, 'unstake');
    expect(unstaked.result.stake).toMatchObject({ status: 'unstaking', xnos: { xnos: '0' } });
    const unlock = unstaked.result.stake.unlock!;
    expect(unlock.endUnix - unlock.startUnix).toBe(30 * DAY);
    const twice = await stake(path, 'unstake');
    expect(twice).toMatchObject({ code: 1, error: { code: 'CHAIN__STAKE_STATE' } });
    expect(twice.error?.message).toContain('already unstaked');
    const restaked = await stake<StakeRestakeResult>(path, 'restake');
    expect(restaked.result.stake).toMatchObject({ status: 'staked', amount: { nos: '200' }, unlock: null });
    expect(restaked.result.stake.xnos.xnosBaseUnits).toBe(
      stakeXnos({ amount: 200n * NOS, duration: 30 * DAY, timeUnstake: 0 }).toString(),
    );
    const again = await stake<StakeUnstakeResult>(path, 'unstake');
    const end = again.result.stake.unlock!.end;
    // Each unstake claimed what the genesis pool's emission owed this stake (by the second: it depends on timing).
    const rewards =
      BigInt(unstaked.result.rewardsClaimed.nosBaseUnits) + BigInt(again.result.rewardsClaimed.nosBaseUnits);
    const early = await stake(path, 'close');
    expect(early).toMatchObject({ code: 1, error: { code: 'CHAIN__STAKE_LOCKED' } });
    expect(early.error?.message).toContain(end);
    // Past the unlock: the localnet's clock moves forward, no waiting.
    network.localnet.bank.advanceClock(30 * DAY + 1);
    const withdrawn = await stake<StakeWithdrawResult>(path, 'withdraw');
    expect(withdrawn.code).toBe(0);
    expect(withdrawn.result.withdrawn).toEqual({ nos: '200', nosBaseUnits: '200000000' });
    expect(withdrawn.result.stake).toMatchObject({ status: 'unlocked', vault: { nosBaseUnits: '0' } });
    const empty = await stake(path, 'withdraw');
    expect(empty).toMatchObject({ code: 1, error: { code: 'CHAIN__STAKE_EMPTY' } });
    const closed = await stake<StakeCloseResult>(path, 'close');
    expect(closed.code).toBe(0);
    expect(closed.result.withdrawn.nosBaseUnits).toBe('0');
    const after = await stake<StakeGetResult>(path, 'get');
    expect(after.result).toMatchObject({ authority: wallet, stake: null });
    const balance = await runCommand(['wallet', 'balance', '--json'], { env: network.env(path) });
    expect(balance.json<{ result: { nos: string } }>().result.nos).toBe((300n * NOS + rewards).toString());
  });

  it('human output names the unlock time; close withdraws what is left in the same transaction', async () => {
    const { path } = network.wallet(10n * NOS);
    await stake(path, 'create', '10', '--days', '14');
    const unstake = await runCommand(['stake', 'unstake'], { env: network.env(path) });
    expect(unstake.code).toBe(0);
    expect(unstake.stdout).toMatch(/unlock linearly until \d{4}-\d\d-\d\dT/);
    network.localnet.bank.advanceClock(14 * DAY + 1);
    const closed = await stake<StakeCloseResult>(path, 'close');
    expect(closed.result.withdrawn).toEqual({ nos: '10', nosBaseUnits: '10000000' });
    expect(closed.result.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  });
});
