/** One API's types: the body it takes and the body it answers. */
export interface ApiTypes {
  input: unknown;
  output: unknown;
}

/**
 * A service's APIs by name (`predict`) or route (`/predict`): what `createClient<TApis>()` types
 * `client.call()` with. Write one by hand, or derive it from `openapi-typescript`'s output with
 * {@link OpenApiApis}.
 */
export type ApiMap = Record<string, ApiTypes>;

/** The map of an untyped client: any API name, `unknown` in and out. */
export type UntypedApis = Record<string, { input: unknown; output: unknown }>;

// The body of a request or response object of openapi-typescript's output, whatever its media type.
type BodyOf<T> = T extends { content: infer C } ? (C extends Record<string, unknown> ? C[keyof C] : unknown) : unknown;
type SuccessOf<R> = { [S in keyof R]: S extends 200 | 201 | 202 | 203 | '200' | '201' | '202' | '203' | '2XX' ? BodyOf<R[S]> : never }[keyof R];
type PostOf<P> = P extends { post: infer Op } ? (Op extends { responses: unknown } ? Op : never) : never;
type ApiOfPost<Op> = Op extends { responses: infer R } ? { input: Op extends { requestBody?: infer B } ? BodyOf<NonNullable<B>> : undefined; output: SuccessOf<R> } : never;
type PostPaths<Paths> = { [K in keyof Paths & string as [PostOf<Paths[K]>] extends [never] ? never : K]: ApiOfPost<PostOf<Paths[K]>> };
type Unslashed<M> = { [K in keyof M & string as K extends `/${infer Name}` ? Name : never]: M[K] };

/**
 * The APIs of a service from the `paths` type that `openapi-typescript` generates from its OpenAPI
 * document (`/docs.json`): every POST path with a JSON body, keyed both by route (`/predict`) and
 * by name (`predict`); input is the request body, output the 2xx answer's body.
 *
 * @example
 * // npx openapi-typescript http://127.0.0.1:3000/docs.json -o src/titanic-api.ts
 * import type { paths } from './titanic-api';
 * const client = createClient<OpenApiApis<paths>>({ baseUrl });
 * const out = await client.call('predict', [{ Pclass: 1, Sex: 'female' }]); // typed both ways
 */
export type OpenApiApis<Paths> = PostPaths<Paths> & Unslashed<PostPaths<Paths>>;
