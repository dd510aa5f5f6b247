import { describe, expect, it } from 'vitest';
import { explorerPreloads, OVERVIEW_REQUESTS } from './preloads.js';

describe('explorer preloads', () => {
  it("announces the overview's first requests and nothing for pages whose requests depend on more", () => {
    expect(explorerPreloads('/')).toEqual([
      OVERVIEW_REQUESTS.markets,
      OVERVIEW_REQUESTS.throughput,
      OVERVIEW_REQUESTS.jobs,
    ]);
    expect(explorerPreloads('/job/9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin')).toEqual([]);
  });
});
