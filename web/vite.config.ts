import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Vendor groups: each is cached apart from app code and from the others.
// antd is split in two: the small core every screen needs (ConfigProvider, theme, css-in-js)
// and the components, which Rolldown splits along the lazy routes that use them.
// echarts is only imported by the chart chunks, so its group loads only on chart routes.
const vendorGroups = [
  { name: 'vendor-react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser)[\\/]/, priority: 30 },
  { name: 'vendor-query', test: /[\\/]node_modules[\\/]@tanstack[\\/]query-core|react-query[\\/]/, priority: 25 },
  { name: 'vendor-echarts', test: /[\\/]node_modules[\\/](echarts|zrender|echarts-for-react|size-sensor|fast-deep-equal|tslib)[\\/]/, priority: 20 },
  {
    name: 'vendor-antd-core',
    test: /[\\/]node_modules[\\/](@ant-design[\\/](cssinjs|cssinjs-utils|colors|fast-color)|antd[\\/]es[\\/](config-provider|theme|_util|style|app)|@emotion[\\/]hash|@emotion[\\/]unitless|stylis|@babel[\\/]runtime|clsx|classnames)[\\/]/,
    priority: 15,
  },
];

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    manifest: true,
    target: 'es2022',
    cssCodeSplit: true,
    chunkSizeWarningLimit: 900,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/readyz': 'http://127.0.0.1:8080' },
  },
});
