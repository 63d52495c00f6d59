import { constants } from 'node:zlib'
import { defineConfig } from 'vite'
import { compression, defineAlgorithm } from 'vite-plugin-compression2'

const apiPort = process.env.PORT ?? '3000'

export default defineConfig({
  root: 'client',
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  plugins: [
    // The client is served precompressed (issue 16): gzip and brotli copies made here, once, so the
    // server sends 2 MB of script as ~0.5 MB without compressing it on every first visit.
    compression({
      threshold: 1024,
      algorithms: [defineAlgorithm('gzip', { level: 9 }), defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })],
      logLevel: 'silent',
    }),
  ],
  server: {
    port: 5173,
    proxy: {
      '/api': `http://localhost:${apiPort}`,
      '/ogc': `http://localhost:${apiPort}`,
      '/tiles': `http://localhost:${apiPort}`,
    },
  },
})
