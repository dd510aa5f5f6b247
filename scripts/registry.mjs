// A local image registry for trying pulls by hand (Debian's docker-registry on 127.0.0.1, stopped and removed on
// Ctrl-C), with images of chosen sizes pushed to it. Run after the build (bash scripts/test or pnpm build):
//
//   node scripts/registry.mjs                                   # an open registry on a free port
//   node scripts/registry.mjs --auth poster:s3cret --port 5123  # htpasswd (bcrypt) authentication
//   node scripts/registry.mjs --image app:200m=200 --image big:2g=1024,1024   # push images (layer sizes in MiB)
//
// It prints one JSON line { host, url, dir, images } once ready; pull with `docker pull <host>/<name>` (Docker
// trusts registries on 127.0.0.0/8 over plain HTTP) or put `<host>/<name>` in a job definition.
import { parseArgs } from 'node:util';
import { connectEngine } from '../packages/runtime/dist/index.js';
import { buildSizedImage, pushImage, startLocalRegistry } from '../packages/runtime/dist/testing.js';

const { values } = parseArgs({
  options: {
    auth: { type: 'string' },
    port: { type: 'string' },
    image: { type: 'string', multiple: true, default: [] },
  },
});
const auth = values.auth
  ? { username: values.auth.split(':')[0], password: values.auth.split(':').slice(1).join(':') }
  : undefined;
const registry = await startLocalRegistry({
  ...(auth ? { auth } : {}),
  ...(values.port ? { port: Number(values.port) } : {}),
});
const stop = async () => {
  await registry.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
try {
  const images = [];
  if (values.image.length > 0) {
    const { docker } = await connectEngine();
    for (const spec of values.image) {
      const [name, sizes = '1'] = spec.split('=');
      const tag = `${registry.host}/${name}`;
      const layers = sizes.split(',').map((mib) => Number(mib) * 2 ** 20);
      await buildSizedImage({ docker, tag, layers });
      await pushImage({ docker, tag, ...(auth ? { auth } : {}) });
      images.push(tag);
    }
  }
  process.stdout.write(
    `${JSON.stringify({ host: registry.host, url: registry.url, dir: registry.dir, images })}\n`,
  );
} catch (error) {
  process.stderr.write(`[registry] ${error.message}\n`);
  await registry.stop();
  process.exit(1);
}
