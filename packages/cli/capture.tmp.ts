import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';

const root = join(import.meta.dirname);
const argv = process.argv.slice(2);
let split = 0;
for (let i = argv.length; i > 0; i--) {
  if (existsSync(join(root, 'src/commands', ...argv.slice(0, i)) + '.ts')) {
    split = i;
    break;
  }
}
const file = join(root, 'src/commands', ...argv.slice(0, split)) + '.ts';
const Command = (await import(file)).default;
Command.id = argv.slice(0, split).join(':');
const config = await Config.load({ root });
await Command.run(argv.slice(split), config);
