// Builds the browser UI into dist/web, which the server serves under its strict
// Content-Security-Policy: every asset is a file of its own (no inline script or style).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be an inline script; every browser we support preloads modules natively.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
