import { println, type Writer } from '../../context';

/** The URL to show for a bound address: `localhost` for the wildcard, brackets around IPv6. */
export function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Where a served service answers; written to stderr, so stdout carries only the service's JSON logs. */
export function printBanner(err: Writer, name: string, url: string, extra?: string): void {
  println(err, `Serving ${name} at ${url}${extra ? ` ${extra}` : ''}`);
  println(err, `  Swagger UI:  ${url}/`);
  println(err, `  OpenAPI:     ${url}/docs.json`);
  println(err, `  Ready probe: ${url}/readyz`);
}
