// The Anchor IDLs (spec 0.1.0, Anchor ≥ 0.30) of the Nosana programs, written from the program source
// (nosana-ci/nosana-programs: programs/*/src/{lib.rs,state.rs,instructions/*.rs}). Account order, signer and
// writable flags follow the Rust `#[derive(Accounts)]` structs; discriminators are sha256("global:<ix>") /
// sha256("account:<Name>") (checked by idl.test.ts). Usable with @coral-xyz/anchor `Program` and `BorshCoder`.

/**
 * The Nosana Jobs program: markets, jobs, runs and escrow.
 */
export const NOSANA_JOBS_IDL = {
  address: 'nosJhNRqr2bc9g1nfGDcXXTXvYUmxD4cVwy2pMWhrYM',
  metadata: {
    name: 'nosana_jobs',
    version: '0.1.0',
    spec: '0.1.0',
    description: 'Nosana Jobs program (interface written from the program source)',
    repository: 'https://github.com/nosana-ci/nosana-programs',
  },
  instructions: [
    {
      name: 'open',
      discriminator: [228, 220, 155, 71, 199, 189, 60, 45],
      accounts: [
        {
          name: 'mint',
        },
        {
          name: 'market',
          writable: true,
          signer: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
        {
          name: 'access_key',
        },
        {
          name: 'rent',
          address: 'SysvarRent111111111111111111111111111111111',
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [
        {
          name: 'job_expiration',
          type: 'i64',
        },
        {
          name: 'job_price',
          type: 'u64',
        },
        {
          name: 'job_timeout',
          type: 'i64',
        },
        {
          name: 'job_type',
          type: 'u8',
        },
        {
          name: 'node_xnos_minimum',
          type: 'u128',
        },
      ],
    },
    {
      name: 'update',
      discriminator: [219, 200, 88, 176, 158, 63, 253, 127],
      accounts: [
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'access_key',
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [
        {
          name: 'job_expiration',
          type: 'i64',
        },
        {
          name: 'job_price',
          type: 'u64',
        },
        {
          name: 'job_type',
          type: 'u8',
        },
        {
          name: 'node_stake_minimum',
          type: 'u128',
        },
        {
          name: 'job_timeout',
          type: 'i64',
        },
      ],
    },
    {
      name: 'close',
      discriminator: [98, 165, 201, 177, 108, 65, 206, 96],
      accounts: [
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
    {
      name: 'close_admin',
      discriminator: [202, 182, 185, 142, 208, 161, 145, 189],
      accounts: [
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
    {
      name: 'assign',
      discriminator: [73, 66, 125, 203, 81, 41, 64, 135],
      accounts: [
        {
          name: 'job',
          writable: true,
          signer: true,
        },
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'run',
          writable: true,
          signer: true,
        },
        {
          name: 'node',
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
          signer: true,
        },
        {
          name: 'rewards_reflection',
          writable: true,
        },
        {
          name: 'rewards_vault',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'rewards_program',
          address: 'nosRB8DUV67oLNrL45bo2pFLrmsWPiewe2Lk2DRNYCp',
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
      ],
      args: [
        {
          name: 'ipfs_job',
          type: {
            array: ['u8', 32],
          },
        },
        {
          name: 'timeout',
          type: 'i64',
        },
      ],
    },
    {
      name: 'list',
      discriminator: [54, 174, 193, 67, 17, 41, 132, 38],
      accounts: [
        {
          name: 'job',
          writable: true,
          signer: true,
        },
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'run',
          writable: true,
          signer: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
          signer: true,
        },
        {
          name: 'rewards_reflection',
          writable: true,
        },
        {
          name: 'rewards_vault',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'rewards_program',
          address: 'nosRB8DUV67oLNrL45bo2pFLrmsWPiewe2Lk2DRNYCp',
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
      ],
      args: [
        {
          name: 'ipfs_job',
          type: {
            array: ['u8', 32],
          },
        },
        {
          name: 'timeout',
          type: 'i64',
        },
      ],
    },
    {
      name: 'delist',
      discriminator: [55, 136, 205, 107, 107, 173, 4, 31],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'deposit',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'recover',
      discriminator: [108, 216, 38, 58, 109, 146, 116, 17],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'market',
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
    {
      name: 'extend',
      discriminator: [228, 127, 0, 1, 227, 154, 54, 168],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'market',
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'rewards_reflection',
          writable: true,
        },
        {
          name: 'rewards_vault',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'payer',
          signer: true,
        },
        {
          name: 'rewards_program',
          address: 'nosRB8DUV67oLNrL45bo2pFLrmsWPiewe2Lk2DRNYCp',
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [
        {
          name: 'timeout',
          type: 'i64',
        },
      ],
    },
    {
      name: 'end',
      discriminator: [180, 160, 249, 217, 194, 121, 70, 16],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'market',
        },
        {
          name: 'run',
          writable: true,
        },
        {
          name: 'deposit',
          writable: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
    {
      name: 'work',
      discriminator: [15, 67, 45, 195, 215, 137, 229, 47],
      accounts: [
        {
          name: 'run',
          writable: true,
          signer: true,
        },
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
          signer: true,
        },
        {
          name: 'stake',
        },
        {
          name: 'nft',
        },
        {
          name: 'metadata',
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
      ],
      args: [],
    },
    {
      name: 'stop',
      discriminator: [42, 133, 32, 60, 171, 253, 184, 155],
      accounts: [
        {
          name: 'market',
          writable: true,
        },
        {
          name: 'node',
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'claim',
      discriminator: [62, 198, 214, 193, 213, 159, 108, 210],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'run',
          writable: true,
          signer: true,
        },
        {
          name: 'market',
        },
        {
          name: 'stake',
        },
        {
          name: 'nft',
        },
        {
          name: 'metadata',
        },
        {
          name: 'payer',
          writable: true,
          signer: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
      ],
      args: [],
    },
    {
      name: 'complete',
      discriminator: [0, 77, 224, 147, 136, 25, 88, 76],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [
        {
          name: 'ipfs_result',
          type: {
            array: ['u8', 32],
          },
        },
      ],
    },
    {
      name: 'finish',
      discriminator: [67, 74, 170, 132, 125, 233, 182, 37],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'run',
          writable: true,
        },
        {
          name: 'market',
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'deposit',
          writable: true,
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'payer_run',
          writable: true,
        },
        {
          name: 'payer_job',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [
        {
          name: 'ipfs_result',
          type: {
            array: ['u8', 32],
          },
        },
      ],
    },
    {
      name: 'quit',
      discriminator: [191, 103, 141, 240, 80, 129, 103, 153],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'run',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'quit_admin',
      discriminator: [103, 238, 110, 8, 182, 20, 56, 196],
      accounts: [
        {
          name: 'run',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'clean',
      discriminator: [250, 191, 56, 128, 150, 251, 1, 103],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'market',
        },
        {
          name: 'payer',
          writable: true,
        },
      ],
      args: [],
    },
    {
      name: 'clean_admin',
      discriminator: [245, 90, 188, 68, 253, 235, 171, 105],
      accounts: [
        {
          name: 'job',
          writable: true,
        },
        {
          name: 'payer',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
  ],
  accounts: [
    {
      name: 'JobAccount',
      discriminator: [91, 16, 162, 5, 45, 210, 125, 65],
    },
    {
      name: 'MarketAccount',
      discriminator: [201, 78, 187, 225, 240, 198, 201, 251],
    },
    {
      name: 'RunAccount',
      discriminator: [194, 169, 110, 230, 235, 11, 225, 22],
    },
  ],
  errors: [
    {
      code: 6000,
      name: 'InvalidMarketAccount',
      msg: 'This market account is not valid.',
    },
    {
      code: 6001,
      name: 'MarketInWrongState',
      msg: 'This market does not have the right status.',
    },
    {
      code: 6002,
      name: 'NotInMarketQueue',
      msg: 'Account cannot be find account in market queue.',
    },
    {
      code: 6003,
      name: 'InvalidJobAccount',
      msg: 'This job account is not valid.',
    },
    {
      code: 6004,
      name: 'JobInWrongState',
      msg: 'This job does not have the right status.',
    },
    {
      code: 6005,
      name: 'JobNotExpired',
      msg: 'The job has not yet expired.',
    },
    {
      code: 6006,
      name: 'JobResultNull',
      msg: 'The job result can not be null.',
    },
    {
      code: 6007,
      name: 'JobInvalidProject',
      msg: 'The job has a different project owner.',
    },
    {
      code: 6008,
      name: 'JobTimeoutNotGreater',
      msg: 'The new job timeout should be larger than the current one.',
    },
    {
      code: 6009,
      name: 'JobInvalidRunAccount',
      msg: 'The run account does not match the job.',
    },
    {
      code: 6010,
      name: 'JobResultsAlreadySet',
      msg: 'The job results are already set.',
    },
    {
      code: 6011,
      name: 'NodeQueueDoesNotMatch',
      msg: 'This node queue does not match.',
    },
    {
      code: 6012,
      name: 'NodeStakeUnauthorized',
      msg: 'This node is not authorizing this stake.',
    },
    {
      code: 6013,
      name: 'NodeNotEnoughStake',
      msg: 'This node has not staked enough tokens.',
    },
    {
      code: 6014,
      name: 'NodeAlreadyQueued',
      msg: 'This node is already present in the queue.',
    },
    {
      code: 6015,
      name: 'NodeNftWrongMetadata',
      msg: 'This metadata does not have the correct address.',
    },
    {
      code: 6016,
      name: 'NodeNftWrongOwner',
      msg: 'This NFT is not owned by this node.',
    },
    {
      code: 6017,
      name: 'NodeNftInvalidAmount',
      msg: 'Access NFT amount cannot be 0.',
    },
    {
      code: 6018,
      name: 'NodeKeyInvalidCollection',
      msg: 'This access key does not belong to a verified collection.',
    },
  ],
  types: [
    {
      name: 'JobAccount',
      type: {
        kind: 'struct',
        fields: [
          {
            name: 'ipfs_job',
            type: {
              array: ['u8', 32],
            },
          },
          {
            name: 'ipfs_result',
            type: {
              array: ['u8', 32],
            },
          },
          {
            name: 'market',
            type: 'pubkey',
          },
          {
            name: 'node',
            type: 'pubkey',
          },
          {
            name: 'payer',
            type: 'pubkey',
          },
          {
            name: 'price',
            type: 'u64',
          },
          {
            name: 'project',
            type: 'pubkey',
          },
          {
            name: 'state',
            type: 'u8',
          },
          {
            name: 'time_end',
            type: 'i64',
          },
          {
            name: 'time_start',
            type: 'i64',
          },
          {
            name: 'timeout',
            type: 'i64',
          },
        ],
      },
    },
    {
      name: 'MarketAccount',
      type: {
        kind: 'struct',
        fields: [
          {
            name: 'authority',
            type: 'pubkey',
          },
          {
            name: 'job_expiration',
            type: 'i64',
          },
          {
            name: 'job_price',
            type: 'u64',
          },
          {
            name: 'job_timeout',
            type: 'i64',
          },
          {
            name: 'job_type',
            type: 'u8',
          },
          {
            name: 'vault',
            type: 'pubkey',
          },
          {
            name: 'vault_bump',
            type: 'u8',
          },
          {
            name: 'node_access_key',
            type: 'pubkey',
          },
          {
            name: 'node_xnos_minimum',
            type: 'u128',
          },
          {
            name: 'queue_type',
            type: 'u8',
          },
          {
            name: 'queue',
            type: {
              vec: 'pubkey',
            },
          },
        ],
      },
    },
    {
      name: 'RunAccount',
      type: {
        kind: 'struct',
        fields: [
          {
            name: 'job',
            type: 'pubkey',
          },
          {
            name: 'node',
            type: 'pubkey',
          },
          {
            name: 'payer',
            type: 'pubkey',
          },
          {
            name: 'state',
            type: 'u8',
          },
          {
            name: 'time',
            type: 'i64',
          },
        ],
      },
    },
  ],
} as const;

export type NosanaJobsIdl = typeof NOSANA_JOBS_IDL;

/**
 * The Nosana Staking program's stake lifecycle: stake, topup, extend, unstake, restake, withdraw, close (the
 * settings and slashing instructions of the program's authority are left out).
 */
export const NOSANA_STAKING_IDL = {
  address: 'nosScmHY2uR24Zh751PmGj9ww9QRNHewh9H59AfrTJE',
  metadata: {
    name: 'nosana_staking',
    version: '0.1.0',
    spec: '0.1.0',
    description:
      'Nosana Staking program: the stake lifecycle (stake, topup, extend, unstake, restake, withdraw, close)',
    repository: 'https://github.com/nosana-ci/nosana-programs',
  },
  instructions: [
    {
      name: 'stake',
      discriminator: [206, 176, 202, 18, 200, 209, 179, 108],
      accounts: [
        {
          name: 'mint',
        },
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
        {
          name: 'system_program',
          address: '11111111111111111111111111111111',
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
        {
          name: 'rent',
          address: 'SysvarRent111111111111111111111111111111111',
        },
      ],
      args: [
        {
          name: 'amount',
          type: 'u64',
        },
        {
          name: 'duration',
          type: 'u128',
        },
      ],
    },
    {
      name: 'topup',
      discriminator: [126, 42, 49, 78, 225, 151, 99, 77],
      accounts: [
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [
        {
          name: 'amount',
          type: 'u64',
        },
      ],
    },
    {
      name: 'extend',
      discriminator: [228, 127, 0, 1, 227, 154, 54, 168],
      accounts: [
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [
        {
          name: 'duration',
          type: 'u64',
        },
      ],
    },
    {
      name: 'unstake',
      discriminator: [90, 95, 107, 42, 205, 124, 50, 225],
      accounts: [
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'reward',
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'restake',
      discriminator: [97, 161, 241, 167, 6, 32, 213, 53],
      accounts: [
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'authority',
          signer: true,
        },
      ],
      args: [],
    },
    {
      name: 'withdraw',
      discriminator: [183, 18, 70, 156, 148, 109, 161, 34],
      accounts: [
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
    {
      name: 'close',
      discriminator: [98, 165, 201, 177, 108, 65, 206, 96],
      accounts: [
        {
          name: 'user',
          writable: true,
        },
        {
          name: 'stake',
          writable: true,
        },
        {
          name: 'vault',
          writable: true,
        },
        {
          name: 'authority',
          writable: true,
          signer: true,
        },
        {
          name: 'token_program',
          address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
        },
      ],
      args: [],
    },
  ],
  accounts: [
    {
      name: 'SettingsAccount',
      discriminator: [63, 89, 203, 155, 76, 237, 115, 58],
    },
    {
      name: 'StakeAccount',
      discriminator: [80, 158, 67, 124, 50, 189, 192, 255],
    },
  ],
  errors: [
    {
      code: 6000,
      name: 'AmountNotEnough',
      msg: 'This amount is not enough.',
    },
    {
      code: 6001,
      name: 'AlreadyInitialized',
      msg: 'This stake is already running.',
    },
    {
      code: 6002,
      name: 'AlreadyClaimed',
      msg: 'This stake is already claimed.',
    },
    {
      code: 6003,
      name: 'AlreadyStaked',
      msg: 'This stake is already staked.',
    },
    {
      code: 6004,
      name: 'AlreadyUnstaked',
      msg: 'This stake is already unstaked.',
    },
    {
      code: 6005,
      name: 'NotUnstaked',
      msg: 'This stake is not yet unstaked.',
    },
    {
      code: 6006,
      name: 'Locked',
      msg: 'This stake is still locked.',
    },
    {
      code: 6007,
      name: 'DurationTooShort',
      msg: 'This stake duration is not long enough.',
    },
    {
      code: 6008,
      name: 'DurationTooLong',
      msg: 'This stake duration is too long.',
    },
    {
      code: 6009,
      name: 'DoesNotExist',
      msg: 'This stake account does not exist.',
    },
    {
      code: 6010,
      name: 'Decreased',
      msg: 'This stake is not allowed to decrease.',
    },
    {
      code: 6011,
      name: 'HasReward',
      msg: 'This stake still has a reward account.',
    },
    {
      code: 6012,
      name: 'InvalidStakeAccount',
      msg: 'This stake does not belong to the authority.',
    },
  ],
  types: [
    {
      name: 'SettingsAccount',
      type: {
        kind: 'struct',
        fields: [
          {
            name: 'authority',
            type: 'pubkey',
          },
          {
            name: 'token_account',
            type: 'pubkey',
          },
        ],
      },
    },
    {
      name: 'StakeAccount',
      type: {
        kind: 'struct',
        fields: [
          {
            name: 'amount',
            type: 'u64',
          },
          {
            name: 'authority',
            type: 'pubkey',
          },
          {
            name: 'duration',
            type: 'u64',
          },
          {
            name: 'time_unstake',
            type: 'i64',
          },
          {
            name: 'vault',
            type: 'pubkey',
          },
          {
            name: 'vault_bump',
            type: 'u8',
          },
          {
            name: 'xnos',
            type: 'u128',
          },
        ],
      },
    },
  ],
} as const;

export type NosanaStakingIdl = typeof NOSANA_STAKING_IDL;

export {
  NOSANA_POOLS_IDL,
  NOSANA_REWARDS_IDL,
  type NosanaPoolsIdl,
  type NosanaRewardsIdl,
} from './idl-rewards.js';
