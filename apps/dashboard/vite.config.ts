import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the gateway at /dashboard/; `npm run dev -w @hive/dashboard` proxies the API to HIVE_URL.
const gateway = process.env['HIVE_URL'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: { proxy: { '/api': gateway, '/ws': { target: gateway.replace(/^http/, 'ws'), ws: true } } },
});
