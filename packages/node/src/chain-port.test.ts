import { createNosanaClient } from '@nosana/chain';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createChainPort } from './chain-port.js';

describe('createChainPort', () => {
  it('off the localnet, takes the images a market requires from the market directory given', async () => {
    // Port 1 of loopback: nothing answers, and no RPC is needed for this.
    const client = createNosanaClient({
      network: 'mainnet',
      rpcUrl: 'http://127.0.0.1:1',
      wallet: Keypair.generate(),
    });
    try {
      const images = new Map([
        ['nvidia-4090', ['ollama/ollama:0.3.12']],
        ['7AtiXMSH6R1jjBxrcYjehCkkSF7zvYWte63gwEDBcGHq', ['ollama/ollama:0.3.12']],
      ]);
      const chain = createChainPort(client, { marketImages: images });
      expect(await chain.requiredImages('nvidia-4090')).toEqual(['ollama/ollama:0.3.12']);
      expect(await chain.requiredImages('7AtiXMSH6R1jjBxrcYjehCkkSF7zvYWte63gwEDBcGHq')).toEqual([
        'ollama/ollama:0.3.12',
      ]);
      expect(await chain.requiredImages('another-market')).toEqual([]);
      expect(await createChainPort(client).requiredImages('nvidia-4090')).toEqual([]);
    } finally {
      client.close();
    }
  });
});
