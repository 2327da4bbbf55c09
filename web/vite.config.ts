import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Built by `npm run build:web` into web/dist, which `tandem start` serves at /.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    // The API runs separately in development; its session cookie is host-only, so proxying keeps it same-origin.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
