import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';

// swagger-ui-dist's own demo page and initializer (they load the Petstore), and its manifest.
const kHidden = new Set(['package.json', 'index.html', 'swagger-initializer.js']);

/**
 * The Swagger UI files served under `/docs/`: those of swagger-ui-dist, which swagger-ui-express
 * serves (bundled into this package's build, it requires the one this package depends on), plus
 * the init script it writes.
 */
export function swaggerUiAssets(): string[] {
  // `__filename` is native in CommonJS and shimmed by tsup in the ESM build.
  const dir = dirname(createRequire(__filename).resolve('swagger-ui-dist/package.json'));
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !kHidden.has(e.name))
    .map((e) => e.name);
  return [...files, 'swagger-ui-init.js'];
}

/**
 * The Express middlewares that serve the Swagger UI assets and its init script (swagger-ui-express's
 * `serveFiles`, one init script per service), for the app to mount at `/docs`.
 */
export function swaggerUiMiddleware(): RequestHandler[] {
  return swaggerUi.serveFiles(undefined, {
    swaggerUrl: 'docs.json',
    swaggerOptions: { displayRequestDuration: true, layout: 'BaseLayout' },
  }) as RequestHandler[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The Swagger UI page served at `/`. Not swagger-ui-express's page: that one expects to be served
 * from the directory of its assets (`./swagger-ui.css`), while the page lives at `/` and the assets
 * under `docs/`, and its inline SVG sprite carries absolute namespace URLs. Relative URLs only, so
 * it also works behind a path prefix.
 */
export function swaggerUiHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/swagger-ui-standalone-preset.js"></script>
<script src="docs/swagger-ui-init.js"></script>
</body>
</html>
`;
}
