import { defineConfig } from 'vite';

// The server embeds dist/ and serves it at /select/vmui/: every URL in the build is relative
// ('./assets/index-<hash>.js'), so the same files work behind any prefix (single node, router).
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev`: the API is proxied to a running server (VL_URL, default 127.0.0.1:9428).
    proxy: {
      '/select/logsql': process.env.VL_URL || 'http://127.0.0.1:9428',
      '/insert': process.env.VL_URL || 'http://127.0.0.1:9428',
    },
  },
});
