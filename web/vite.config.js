import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { VantResolver } from '@vant/auto-import-resolver';

// Element Plus and Vant components are imported on demand (with their CSS) by
// unplugin-vue-components, so the bundle only carries what the pages use.
// `npm run dev` proxies the API to a local `zhida serve` (override with ZHIDA_API).
const api = process.env.ZHIDA_API || 'http://127.0.0.1:8080';

// Vant's icon font is inlined as a data: URL but lists a second source on a public CDN
// (at.alicdn.com). Nothing may load from a CDN (the platform runs on government networks, and the
// server's Content-Security-Policy blocks it anyway), so the remote source is cut from the CSS.
function noRemoteFonts() {
  const remote = /,\s*url\((?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g;
  return {
    name: 'zhida-no-remote-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('node_modules') || !/\.css($|\?)/.test(id) || !remote.test(code)) return null;
      remote.lastIndex = 0;
      return { code: code.replace(remote, ''), map: null };
    },
  };
}

export default defineConfig({
  plugins: [
    noRemoteFonts(),
    vue(),
    Components({
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver()],
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    // Libraries in their own long-cacheable chunks, named after them.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/, priority: 3 },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@sxzz|@vueuse|lodash|lodash-es|lodash-unified|dayjs|async-validator|@ctrl|memoize-one|normalize-wheel-es)[\\/]/, priority: 2 },
            { name: 'vant', test: /node_modules[\\/](vant|@vant)[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
    },
  },
});
