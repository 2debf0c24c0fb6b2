import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './scripts/precompress.ts';

// The designer is served by the Millrace server at `/`; in `vite` (dev) the API is proxied to it.
export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { '/api': process.env.MILLRACE_URL ?? 'http://127.0.0.1:3000' },
  },
});
