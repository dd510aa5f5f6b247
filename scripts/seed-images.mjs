// Loads the images the demo and tests use into the local engine, built offline from /bin/busybox (no registry
// is needed): busybox:1.35. Run after the build: node scripts/seed-images.mjs
import { connectEngine, seedBusyboxImage } from '../packages/runtime/dist/index.js';

const { docker } = await connectEngine();
const { tag, created } = await seedBusyboxImage({ docker });
process.stderr.write(`[seed-images] ${tag} ${created ? 'built from /bin/busybox' : 'present'}\n`);
