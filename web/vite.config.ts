import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build must run under the server's Content-Security-Policy
// (script-src 'self'): no inline scripts, so the module-preload polyfill is
// off (modern browsers have modulepreload) and nothing is inlined into
// index.html. Hashed file names under assets/ are what lets the server cache
// them for a year.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks: {
          'element-plus': ['element-plus'],
          vue: ['vue', 'vue-router', 'vue-i18n'],
        },
      },
    },
  },
  server: {
    // `npm run dev`: the API from a running `make run`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
