/**
 * The IDLs of the Nosana Rewards and Pools programs (nosana-ci/nosana-programs: programs/nosana-rewards,
 * programs/nosana-pools), in the spec-0.1.0 form of the other IDLs here: stakers' fee reflection, and the pools
 * that emit NOS into it over time.
 */

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const RENT_SYSVAR = 'SysvarRent111111111111111111111111111111111';
const REWARDS_PROGRAM = 'nosRB8DUV67oLNrL45bo2pFLrmsWPiewe2Lk2DRNYCp';

/** The Nosana Rewards program: xNOS holders enter, fees are added, each claims its share by reflection. */
export const NOSANA_REWARDS_IDL = {
  address: REWARDS_PROGRAM,
  metadata: {
    name: 'nosana_rewards',
    version: '0.1.0',
    spec: '0.1.0',
    description: 'Nosana Rewards program: fees distributed to stakers by reflection',
    repository: 'https://github.com/nosana-ci/nosana-programs',
  },
  instructions: [
    {
      name: 'init',
      discriminator: [220, 59, 207, 236, 108, 250, 47, 100],
      accounts: [
        { name: 'mint' },
        { name: 'reflection', writable: true },
        { name: 'vault', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'system_program', address: SYSTEM_PROGRAM },
        { name: 'token_program', address: TOKEN_PROGRAM },
        { name: 'rent', address: RENT_SYSVAR },
      ],
      args: [],
    },
    {
      name: 'enter',
      discriminator: [139, 49, 209, 114, 88, 91, 77, 134],
      accounts: [
        { name: 'reflection', writable: true },
        { name: 'stake' },
        { name: 'reward', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'system_program', address: SYSTEM_PROGRAM },
      ],
      args: [],
    },
    {
      name: 'add_fee',
      discriminator: [67, 225, 189, 212, 253, 123, 76, 112],
      accounts: [
        { name: 'user', writable: true },
        { name: 'reflection', writable: true },
        { name: 'vault', writable: true },
        { name: 'authority', signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
      ],
      args: [{ name: 'amount', type: 'u64' }],
    },
    {
      name: 'claim',
      discriminator: [62, 198, 214, 193, 213, 159, 108, 210],
      accounts: [
        { name: 'user', writable: true },
        { name: 'vault', writable: true },
        { name: 'reflection', writable: true },
        { name: 'reward', writable: true },
        { name: 'stake' },
        { name: 'authority', writable: true, signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
      ],
      args: [],
    },
    {
      name: 'sync',
      discriminator: [4, 219, 40, 164, 21, 157, 189, 88],
      accounts: [
        { name: 'reward', writable: true },
        { name: 'stake' },
        { name: 'reflection', writable: true },
      ],
      args: [],
    },
    {
      name: 'close',
      discriminator: [98, 165, 201, 177, 108, 65, 206, 96],
      accounts: [
        { name: 'reflection', writable: true },
        { name: 'reward', writable: true },
        { name: 'authority', writable: true, signer: true },
      ],
      args: [],
    },
  ],
  accounts: [
    { name: 'ReflectionAccount', discriminator: [205, 153, 160, 54, 239, 26, 219, 188] },
    { name: 'RewardAccount', discriminator: [225, 81, 31, 253, 84, 234, 171, 129] },
  ],
  types: [
    {
      name: 'ReflectionAccount',
      type: {
        kind: 'struct',
        fields: [
          { name: 'rate', type: 'u128' },
          { name: 'total_reflection', type: 'u128' },
          { name: 'total_xnos', type: 'u128' },
          { name: 'vault', type: 'pubkey' },
          { name: 'vault_bump', type: 'u8' },
        ],
      },
    },
    {
      name: 'RewardAccount',
      type: {
        kind: 'struct',
        fields: [
          { name: 'authority', type: 'pubkey' },
          { name: 'bump', type: 'u8' },
          { name: 'reflection', type: 'u128' },
          { name: 'xnos', type: 'u128' },
        ],
      },
    },
  ],
} as const;

export type NosanaRewardsIdl = typeof NOSANA_REWARDS_IDL;

/** The Nosana Pools program: a vault that releases `emission` NOS per second to a beneficiary or as rewards fees. */
export const NOSANA_POOLS_IDL = {
  address: 'nosPdZrfDzND1LAR28FLMDEATUPK53K8xbRBXAirevD',
  metadata: {
    name: 'nosana_pools',
    version: '0.1.0',
    spec: '0.1.0',
    description: 'Nosana Pools program: time-based NOS emission',
    repository: 'https://github.com/nosana-ci/nosana-programs',
  },
  instructions: [
    {
      name: 'open',
      discriminator: [228, 220, 155, 71, 199, 189, 60, 45],
      accounts: [
        { name: 'pool', writable: true, signer: true },
        { name: 'vault', writable: true },
        { name: 'beneficiary' },
        { name: 'authority', writable: true, signer: true },
        { name: 'mint' },
        { name: 'system_program', address: SYSTEM_PROGRAM },
        { name: 'token_program', address: TOKEN_PROGRAM },
        { name: 'rent', address: RENT_SYSVAR },
      ],
      args: [
        { name: 'emission', type: 'u64' },
        { name: 'start_time', type: 'i64' },
        { name: 'claim_type', type: 'u8' },
        { name: 'closeable', type: 'bool' },
      ],
    },
    {
      name: 'claim_fee',
      discriminator: [169, 32, 79, 137, 136, 232, 70, 137],
      accounts: [
        { name: 'vault', writable: true },
        { name: 'rewards_reflection', writable: true },
        { name: 'rewards_vault', writable: true },
        { name: 'pool', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
        { name: 'rewards_program', address: REWARDS_PROGRAM },
      ],
      args: [],
    },
    {
      name: 'claim_transfer',
      discriminator: [202, 178, 58, 190, 230, 234, 229, 17],
      accounts: [
        { name: 'vault', writable: true },
        { name: 'beneficiary', writable: true },
        { name: 'pool', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
      ],
      args: [],
    },
    {
      name: 'close',
      discriminator: [98, 165, 201, 177, 108, 65, 206, 96],
      accounts: [
        { name: 'vault', writable: true },
        { name: 'user', writable: true },
        { name: 'pool', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
      ],
      args: [],
    },
    {
      name: 'update_beneficiary',
      discriminator: [126, 122, 219, 70, 188, 126, 243, 126],
      accounts: [
        { name: 'beneficiary' },
        { name: 'new_beneficiary' },
        { name: 'pool', writable: true },
        { name: 'authority', writable: true, signer: true },
        { name: 'token_program', address: TOKEN_PROGRAM },
      ],
      args: [],
    },
  ],
  accounts: [{ name: 'PoolAccount', discriminator: [116, 210, 187, 119, 196, 196, 52, 137] }],
  errors: [
    { code: 6000, name: 'NotStarted', msg: 'This pool has not started yet.' },
    { code: 6001, name: 'Underfunded', msg: 'This pool does not have enough funds.' },
    { code: 6002, name: 'NotCloseable', msg: 'This pool is not closeable.' },
    { code: 6003, name: 'WrongClaimType', msg: 'This pool has a different claim type.' },
    { code: 6004, name: 'WrongBeneficiary', msg: 'This pool does not match the beneficiary.' },
  ],
  types: [
    {
      name: 'PoolAccount',
      type: {
        kind: 'struct',
        fields: [
          { name: 'authority', type: 'pubkey' },
          { name: 'beneficiary', type: 'pubkey' },
          { name: 'claim_type', type: 'u8' },
          { name: 'claimed_tokens', type: 'u64' },
          { name: 'closeable', type: 'bool' },
          { name: 'emission', type: 'u64' },
          { name: 'start_time', type: 'i64' },
          { name: 'vault', type: 'pubkey' },
          { name: 'vault_bump', type: 'u8' },
        ],
      },
    },
  ],
} as const;

export type NosanaPoolsIdl = typeof NOSANA_POOLS_IDL;
