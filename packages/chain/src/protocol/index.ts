export * from './accounts.js';
export * from './errors.js';
export * from './idl.js';
export * from './ids.js';
export * from './instructions.js';
export * from './pda.js';
export * from './program-error.js';
