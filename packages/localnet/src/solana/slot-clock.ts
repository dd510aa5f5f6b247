/**
 * The ledger's slot clock: slots that follow the wall clock (400 ms each), block height, the cluster's unix time
 * (with a test offset), the window of valid blockhashes and the SlotHashes sysvar litesvm does not maintain.
 */
import { createHash } from 'node:crypto';
import { base58 } from '@scure/base';
import type { LiteSvm } from './litesvm.js';

/** Milliseconds per slot, like mainnet. */
export const SLOT_MS = 400;
/** How many blocks a blockhash stays valid, like mainnet. */
export const BLOCKHASH_VALIDITY = 150;
/** Entries of the SlotHashes sysvar, like the runtime. */
const SLOT_HASHES = 512;

/** What the clock persists. */
export interface SlotClockState {
  slot: number;
  height: number;
  clockOffset: number;
}

/** Slots, block height, cluster time and recent blockhashes over a litesvm instance. */
export class SlotClock {
  private readonly slotListeners = new Set<(slot: number) => void>();
  private readonly blockhashes = new Map<string, number>();
  private slotHashes: Array<{ slot: bigint; hash: string }> = [];
  private slot: number;
  private height: number;
  private referenceSlot: number;
  private referenceTime: number;
  private latest = '';
  /** A transaction was committed since the latest blockhash was issued. */
  private dirty = false;
  /** Seconds added to the wall clock (tests move time forward with `advanceClock`). */
  private clockOffset: number;

  constructor(
    private readonly svm: LiteSvm,
    private readonly now: () => number,
    restored?: SlotClockState,
  ) {
    this.slot = restored?.slot ?? Number(svm.getClock().slot);
    this.height = restored?.height ?? 1;
    this.clockOffset = restored?.clockOffset ?? 0;
    this.referenceSlot = this.slot;
    this.referenceTime = now();
  }

  /** The state to persist. */
  state(): SlotClockState {
    return { slot: this.slot, height: this.height, clockOffset: this.clockOffset };
  }

  /** Moves slots forward with the wall clock (400 ms per slot), at least `minimum` slots. */
  advance(minimum = 0): void {
    const target = Math.max(
      this.slot + minimum,
      this.referenceSlot + Math.floor((this.now() - this.referenceTime) / SLOT_MS),
    );
    if (target <= this.slot && this.latest) return;
    const previous = this.slot;
    this.height += target - this.slot;
    this.slot = target;
    this.svm.warpToSlot(BigInt(target));
    const clock = this.svm.getClock();
    clock.unixTimestamp = BigInt(this.unixTime());
    this.svm.setClock(clock);
    this.issueBlockhash();
    // litesvm's warpToSlot does not maintain SlotHashes (address lookup tables need recent slots in it).
    const added: Array<{ slot: bigint; hash: string }> = [];
    for (let s = target; s > previous && added.length < SLOT_HASHES; s--) {
      added.push({
        slot: BigInt(s),
        hash: s === target ? this.latest : base58.encode(createHash('sha256').update(`slot:${s}`).digest()),
      });
    }
    this.slotHashes = [...added, ...this.slotHashes].slice(0, SLOT_HASHES);
    this.svm.setSlotHashes(this.slotHashes);
    if (minimum > 0) {
      // A forced advance moves ahead of the wall clock: keep counting from here.
      this.referenceSlot = this.slot;
      this.referenceTime = this.now();
    }
    for (const listener of this.slotListeners) listener(this.slot);
  }

  /** A new blockhash, valid for {@link BLOCKHASH_VALIDITY} blocks; older ones past their height are dropped. */
  issueBlockhash(): void {
    this.svm.expireBlockhash();
    this.adoptBlockhash();
    for (const [hash, lastValid] of this.blockhashes) {
      if (lastValid >= this.height) break;
      this.blockhashes.delete(hash);
    }
    this.dirty = false;
  }

  /** Takes litesvm's current blockhash as valid (after litesvm changed it itself, as airdrops do). */
  adoptBlockhash(): void {
    this.latest = this.svm.latestBlockhash();
    this.blockhashes.set(this.latest, this.height + BLOCKHASH_VALIDITY);
  }

  /** Marks that a transaction was committed: the next {@link latestBlockhash} is a new one. */
  markCommitted(): void {
    this.dirty = true;
  }

  /**
   * The unix time of the current slot: the Clock sysvar's `unix_timestamp`, which programs read while it lasts
   * (set when the slot starts, so up to one second behind {@link unixTime}). What `getBlockTime` answers.
   */
  slotTime(): number {
    return Number(this.svm.getClock().unixTimestamp);
  }

  /** The cluster's unix time in seconds (the wall clock plus the test offset). */
  unixTime(): number {
    return Math.floor(this.now() / 1000) + this.clockOffset;
  }

  /** Moves the cluster clock forward by `seconds` (tests of timeouts and payouts). */
  advanceClock(seconds: number): number {
    this.clockOffset += seconds;
    this.advance(1);
    return this.unixTime();
  }

  get currentSlot(): number {
    return this.slot;
  }

  get blockHeight(): number {
    return this.height;
  }

  /**
   * The latest blockhash. A new one is issued after transactions were committed, so a client sending the same
   * instruction twice in one slot gets two distinct signatures.
   */
  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    if (this.dirty) this.issueBlockhash();
    return { blockhash: this.latest, lastValidBlockHeight: this.blockhashes.get(this.latest)! };
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.blockhashes.has(blockhash);
  }

  onSlot(listener: (slot: number) => void): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }
}
