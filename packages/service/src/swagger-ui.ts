import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The directory of the installed swagger-ui-dist package, served at `/docs/` (no CDN). */
export function swaggerUiDir(): string {
  // `__filename` is native in CommonJS and shimmed by tsup in the ESM build.
  return dirname(createRequire(__filename).resolve('swagger-ui-dist/package.json'));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The Swagger UI page: relative URLs, so it also works behind a path prefix. */
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
<script>
window.ui = SwaggerUIBundle({
  url: 'docs.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
});
</script>
</body>
</html>
`;
}
