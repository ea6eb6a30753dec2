import { defineConfig } from "vite";
import { resolve } from "node:path";

// Builds into the Flask app's static folder; templates read .vite/manifest.json to include assets.
export default defineConfig({
  base: "/static/dist/",
  build: {
    outDir: resolve(__dirname, "../app/static/dist"),
    emptyOutDir: true,
    manifest: true,
    rollupOptions: { input: { main: resolve(__dirname, "src/main.js") } },
  },
  server: { origin: "http://127.0.0.1:5173", cors: true },
});
