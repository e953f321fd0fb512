import { defineConfig } from 'vite';

// Built into dashboard/dist and served by `cairn serve` at `/` (src/service/routes/dashboard.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  oxc: { jsx: { runtime: 'automatic' } },
});
