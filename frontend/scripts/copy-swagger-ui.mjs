// The API docs page (/api/docs) loads Swagger UI from our own static files: no CDN is reachable
// from a city's intranet, and none is needed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(here, "../node_modules/swagger-ui-dist");
const target = resolve(here, "../../app/static/dist/swagger-ui");
mkdirSync(target, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]) {
  copyFileSync(resolve(source, file), resolve(target, file));
}
