/**
 * Recent prioritization fees, as validators cache them for `getRecentPrioritizationFees`: for each of the last
 * {@link PRIORITY_FEE_SLOTS} slots, the compute unit prices (micro-lamports) of the transactions that landed
 * successfully and the accounts they wrote. Kept in memory only, like a validator's cache.
 */

/** Slots a prioritization fee is remembered for (as validators). */
export const PRIORITY_FEE_SLOTS = 150;

interface Landed {
  price: bigint;
  writable: readonly string[];
}

/** The lowest price of a non-empty list. */
function lowest(landed: readonly Landed[]): bigint {
  let low = landed[0]!.price;
  for (const tx of landed) if (tx.price < low) low = tx.price;
  return low;
}

/** Compute unit prices of recent successful transactions, by slot. */
export class PriorityFeeLog {
  private readonly slots = new Map<number, Landed[]>();

  /** Records a successful transaction of `slot` with its compute unit price and written accounts. */
  add(slot: number, price: bigint, writable: readonly string[]): void {
    const landed = this.slots.get(slot);
    if (landed) landed.push({ price, writable });
    else this.slots.set(slot, [{ price, writable }]);
    for (const old of this.slots.keys()) {
      if (old > slot - PRIORITY_FEE_SLOTS) break;
      this.slots.delete(old);
    }
  }

  /**
   * One entry per recent slot with landed transactions, oldest first: the lowest price that landed in the slot or,
   * when `accounts` are given, the highest of that and the lowest price of the transactions writing each account
   * (what a transaction writing those accounts had to pay, as validators compute it).
   *
   * @example
   * ```ts
   * fees.recent(['Gk7…'], bank.currentSlot); // [{ slot: 1040, prioritizationFee: 5000 }]
   * ```
   */
  recent(
    accounts: readonly string[],
    currentSlot: number,
  ): Array<{ slot: number; prioritizationFee: number }> {
    const out: Array<{ slot: number; prioritizationFee: number }> = [];
    for (const [slot, landed] of this.slots) {
      if (slot <= currentSlot - PRIORITY_FEE_SLOTS) continue;
      let fee = lowest(landed);
      for (const account of accounts) {
        const writing = landed.filter((tx) => tx.writable.includes(account));
        if (writing.length === 0) continue;
        const min = lowest(writing);
        if (min > fee) fee = min;
      }
      out.push({ slot, prioritizationFee: Number(fee) });
    }
    return out;
  }
}
