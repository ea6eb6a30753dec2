import { defineConfig } from "vite";
import { resolve } from "node:path";

// The dev server's port (VITE_DEV_SERVER must name the same origin); tests pick a free one.
const devPort = Number(process.env.KC_VITE_PORT || 5173);

// Builds into the Flask app's static folder; templates read .vite/manifest.json to include assets
// (app/core/assets.py). `npm run dev` serves the same paths under the same base for VITE_DEV_SERVER.
export default defineConfig({
  base: "/static/dist/",
  build: {
    outDir: resolve(__dirname, "../app/static/dist"),
    emptyOutDir: true,
    manifest: true,
    rollupOptions: { input: { main: resolve(__dirname, "src/main.js") } },
    // The chart chunk (ECharts, ~190 kB gzipped) loads only on pages that show a chart.
    chunkSizeWarningLimit: 600,
  },
  server: { host: "127.0.0.1", port: devPort, strictPort: true, origin: `http://127.0.0.1:${devPort}`, cors: true },
});
