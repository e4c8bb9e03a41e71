// The desk's build: Vue SFCs, Element Plus components imported where used (unplugin-vue-components
// with its resolver), routes split into chunks, gzip files written beside the built assets (the
// server sends them to browsers that accept gzip), and a manifest that bench/ reads for sizes.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

function gzipAssets() {
  let outDir = 'dist'
  return {
    name: 'sixhave-gzip-assets',
    apply: 'build',
    configResolved(config) { outDir = config.build.outDir },
    closeBundle() {
      const folder = join(outDir, 'assets')
      for (const name of readdirSync(folder)) {
        if (/\.(js|css|svg)$/.test(name)) {
          writeFileSync(join(folder, name + '.gz'), gzipSync(readFileSync(join(folder, name)), { level: 9 }))
        }
      }
    },
  }
}

export default defineConfig({
  base: '/assets/desk/',
  plugins: [
    vue(),
    Components({ dts: false, dirs: [], resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
    gzipAssets(),
  ],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    manifest: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000', '/files': 'http://127.0.0.1:8000', '/private': 'http://127.0.0.1:8000', '/printview': 'http://127.0.0.1:8000' },
  },
})
