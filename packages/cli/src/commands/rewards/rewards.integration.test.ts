import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { StakeCreateResult } from '../stake/create.js';
import type { StakeGetResult } from '../stake/get.js';
import type { StakeUnstakeResult } from '../stake/unstake.js';
import type { RewardsClaimResult } from './claim.js';
import type { RewardsEnterResult } from './enter.js';
import type { RewardsGetResult } from './get.js';

const NOS = 1_000_000n;

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network?.close());

/** Runs `nosana <topic> …` with `wallet`, returning the exit code and the parsed envelope. */
async function nosana<T>(wallet: string, ...argv: string[]) {
  const run = await runCommand([...argv, '--json'], { env: network.env(wallet) });
  const envelope = run.json<{
    status: 'ok' | 'error';
    result: T;
    error?: { code: string; message: string };
  }>();
  return { code: run.code, ...envelope };
}

const base = (amount: { nosBaseUnits?: string; xnosBaseUnits?: string }) =>
  BigInt(amount.nosBaseUnits ?? amount.xnosBaseUnits ?? '0');

describe('nosana rewards (the genesis pool emits 1 NOS/s into the rewards)', () => {
  it('stakers earn in proportion to xNOS, claim into the wallet or restake, and leave on unstake', async () => {
    const a = network.wallet(2_000n * NOS);
    const b = network.wallet(4_000n * NOS);
    const createdA = await nosana<StakeCreateResult>(a.path, 'stake', 'create', '1000', '--days', '30');
    const createdB = await nosana<StakeCreateResult>(b.path, 'stake', 'create', '3000', '--days', '365');
    expect([createdA.code, createdB.code]).toEqual([0, 0]);
    // `stake create` entered both in the rewards, with the stake's xNOS.
    const enteredA = await nosana<RewardsGetResult>(a.path, 'rewards', 'get');
    expect(enteredA.result.rewards?.xnos).toEqual(createdA.result.stake.xnos);

    // 10,000 s of emission (10,000 NOS) shared between the two by xNOS.
    network.localnet.bank.advanceClock(10_000);
    // (One command at a time: they run in this process and share its stdout.)
    const ra = await nosana<RewardsGetResult>(a.path, 'rewards', 'get');
    const rb = await nosana<RewardsGetResult>(b.path, 'rewards', 'get');
    const pendingA = base(ra.result.rewards!.pending);
    const pendingB = base(rb.result.rewards!.pending);
    // All of it (less the share of the localnet's 1-xNOS genesis entry in the reflection, < 0.01 % here, and the
    // lag of the chain time the client reads behind the clock the pool will release at: < 0.1 % in all).
    expect(pendingA + pendingB).toBeGreaterThanOrEqual(9_990n * NOS);
    const xnosA = base(createdA.result.stake.xnos);
    const xnosB = base(createdB.result.stake.xnos);
    // B's share over A's is their xNOS ratio (A alone earned the few seconds between the two creates).
    const ratio = Number((pendingB * 1000n) / pendingA) / 1000;
    expect(ratio).toBeGreaterThan((Number(xnosB) / Number(xnosA)) * 0.97);
    expect(ratio).toBeLessThan((Number(xnosB) / Number(xnosA)) * 1.01);

    // A claims into its wallet: at least what `get` showed (the clock only moves on), and its NOS balance grows by it.
    const before = await runCommand(['wallet', 'balance', '--json'], { env: network.env(a.path) });
    const claimed = await nosana<RewardsClaimResult>(a.path, 'rewards', 'claim');
    expect(claimed.code).toBe(0);
    expect(base(claimed.result.claimed)).toBeGreaterThanOrEqual(pendingA);
    expect(claimed.result.restaked.nosBaseUnits).toBe('0');
    const after = await runCommand(['wallet', 'balance', '--json'], { env: network.env(a.path) });
    const nosOf = (run: typeof before) => BigInt(run.json<{ result: { nos: string } }>().result.nos);
    expect(nosOf(after) - nosOf(before)).toBe(base(claimed.result.claimed));
    expect(base(claimed.result.rewards!.pending)).toBeLessThan(pendingA / 100n);

    // B restakes: the claim goes into its stake in the same transaction, and its reward account follows the xNOS.
    const restaked = await nosana<RewardsClaimResult>(b.path, 'rewards', 'claim', '--restake');
    expect(restaked.code).toBe(0);
    expect(restaked.result.restaked).toEqual(restaked.result.claimed);
    const stakeB = await nosana<StakeGetResult>(b.path, 'stake', 'get');
    expect(base(stakeB.result.stake!.amount)).toBe(3000n * NOS + base(restaked.result.restaked));
    expect(restaked.result.rewards!.xnos).toEqual(stakeB.result.stake!.xnos);
    expect(restaked.result.rewards!.needsSync).toBe(false);

    // Unstaking claims what is pending and leaves the rewards (the program refuses to unstake otherwise).
    network.localnet.bank.advanceClock(100);
    const unstaked = await nosana<StakeUnstakeResult>(a.path, 'stake', 'unstake');
    expect(unstaked.code).toBe(0);
    expect(BigInt(unstaked.result.rewardsClaimed.nosBaseUnits)).toBeGreaterThan(0n);
    const left = await nosana<RewardsGetResult>(a.path, 'rewards', 'get');
    expect(left.result.rewards).toBeNull();
    const human = await runCommand(['rewards', 'get'], { env: network.env(a.path) });
    expect(human.stdout).toContain('has not entered the rewards');
    // Restaking enters again.
    expect((await nosana(a.path, 'stake', 'restake')).code).toBe(0);
    const back = await nosana<RewardsGetResult>(a.path, 'rewards', 'get');
    expect(back.result.rewards?.authority).toBe(a.key.publicKey.toBase58());
  });

  it('refuses what the programs would refuse before sending anything, saying what to do (exit 1)', async () => {
    const refused = async (wallet: string, argv: string[], code: string, text: string) => {
      const run = await nosana(wallet, ...argv);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.error?.code).toBe(code);
      expect(run.error?.message).toContain(text);
    };
    const none = network.wallet(10n * NOS);
    await refused(none.path, ['rewards', 'claim'], 'CHAIN__STAKE_NOT_FOUND', 'create one first');
    await refused(none.path, ['rewards', 'enter'], 'CHAIN__STAKE_NOT_FOUND', 'create one first');
    // A 0-NOS stake has no xNOS: it has entered, but never earns.
    expect((await nosana(none.path, 'stake', 'create', '0', '--days', '14')).code).toBe(0);
    await refused(none.path, ['rewards', 'enter'], 'CHAIN__REWARDS_ENTERED', 'entered the rewards already');
    network.localnet.bank.advanceClock(60);
    await refused(none.path, ['rewards', 'claim'], 'CHAIN__REWARDS_NOTHING_PENDING', 'nothing to claim yet');
    const other = network.wallet();
    const shown = await nosana<RewardsEnterResult>(other.path, 'rewards', 'get', 'foo');
    expect(shown.error?.code).toBe('CLI__INVALID_ARGUMENT');
  });
});
