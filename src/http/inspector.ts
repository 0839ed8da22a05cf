import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

const require = createRequire(import.meta.url);

/** The inspector's own files: plain ES modules and CSS, served as they are (no build step). */
const INSPECTOR_DIR = fileURLToPath(new URL("../../inspector/", import.meta.url));

/**
 * Preact, its hooks and htm, served from node_modules: the page maps the bare names to these URLs with an import
 * map, so the browser loads the packages' own ES module builds, and the inspector works offline.
 */
const VENDOR: Record<string, () => string> = {
  "preact.mjs": () => require.resolve("preact"),
  "preact-hooks.mjs": () => require.resolve("preact/hooks"),
  // htm's "require" condition names its CommonJS build; its ES module build sits beside it.
  "htm.mjs": () => join(dirname(require.resolve("htm")), "htm.mjs"),
};

/** GET /__inspector: the web inspector, a page whose data all comes from the /__admin API. */
export function inspectorRouter(): Router {
  const router = Router({ strict: true });
  // The page's relative URLs need the trailing slash.
  router.get("/", (req, res, next) => (req.originalUrl.split("?")[0]!.endsWith("/") ? next() : res.redirect(301, `${req.baseUrl}/`)));
  for (const [name, locate] of Object.entries(VENDOR)) {
    const file = locate();
    router.get(`/vendor/${name}`, (_req, res) => {
      res.sendFile(file, { headers: { "Content-Type": "text/javascript; charset=utf-8" }, maxAge: "1h" });
    });
  }
  router.use(express.static(INSPECTOR_DIR, { index: "index.html", maxAge: 0 }));
  return router;
}
