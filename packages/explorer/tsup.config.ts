import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// Only the Node entry point (where the built app is); `vite build` writes the app to dist/web first.
export default defineConfig(packageConfig(['src/index.ts'], { clean: false }));
