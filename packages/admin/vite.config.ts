/**
 * Builds the admin page into dist/ for Gatehouse to serve under /admin/ with `default-src 'self'`: no
 * inline script (the module-preload polyfill would be one), no asset inlined as a data: URL.
 */
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/admin/",
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // No source maps in the served files: the page is small and readable as built.
    sourcemap: false,
  },
});
