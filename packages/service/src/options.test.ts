import { createService, isService, json } from './index';
import { parseBytes, resolveServiceOptions } from './options';

describe('createService options', () => {
  it.each([
    [{ runners: {} }, 'options.runners must be an array of runners'],
    [{ runners: [{ name: 'x' }] }, 'options.runners[0] must be a runner'],
    [{ bodyLimit: -1 }, 'options.bodyLimit must be a positive integer'],
    [{ bodyLimit: '1 parsec' }, 'options.bodyLimit must be a positive integer'],
    [{ apiKeys: ['a', ''] }, 'options.apiKeys must be an array of non-empty strings'],
    [{ protectMetrics: 'yes' }, 'options.protectMetrics must be a boolean'],
    [{ cors: 'everyone' }, 'options.cors must be a boolean or an object'],
    [{ cors: { origin: 5 } }, 'options.cors.origin must be a string'],
    [{ shutdownTimeoutMs: 1.5 }, 'options.shutdownTimeoutMs must be a non-negative integer'],
    [{ timeoutMs: -5 }, 'options.timeoutMs must be a non-negative integer'],
    [{ requestTimeoutMs: 'soon' }, 'options.requestTimeoutMs must be a non-negative integer'],
    [{ logLevel: 'loud' }, 'options.logLevel must be one of'],
    [{ logger: {} }, 'options.logger must be a pino logger'],
  ])('throws naming the option for %j', (options, message) => {
    expect(() => createService('svc', options as never)).toThrow(message);
  });

  it('brands services so a CLI can recognize one from another copy of the package', () => {
    expect(isService(createService('svc', { logLevel: 'silent', processMetrics: false }))).toBe(true);
    expect(isService({ listen() {}, api() {} })).toBe(false);
  });

  it('refuses a name that is not an identifier', () => {
    expect(() => createService('')).toThrow(TypeError);
    expect(() => createService('my service')).toThrow('name must be');
  });

  it('applies defaults: a 1 MiB body limit, no keys, info logs', () => {
    const o = resolveServiceOptions({}, {});
    expect(o).toMatchObject({ bodyLimit: 1048576, apiKeys: [], logLevel: 'info', timeoutMs: 60000, requestTimeoutMs: 30000 });
  });

  it('reads API keys from MLSERVE_API_KEYS, comma separated', () => {
    expect(resolveServiceOptions({}, { MLSERVE_API_KEYS: ' k1, k2 ,,' }).apiKeys).toEqual(['k1', 'k2']);
    expect(resolveServiceOptions({ apiKeys: ['mine'] }, { MLSERVE_API_KEYS: 'k1' }).apiKeys).toEqual(['mine']);
  });

  it('parses body sizes', () => {
    expect(parseBytes('512kb')).toBe(524288);
    expect(parseBytes('1MB')).toBe(1048576);
    expect(parseBytes(100)).toBe(100);
    expect(parseBytes('0')).toBeUndefined();
  });
});

describe('svc.api()', () => {
  const svc = createService('svc', { logLevel: 'silent', processMetrics: false });
  svc.api('first', { input: json(), output: json() }, (x) => x);

  it('records the API with its default route', () => {
    expect(svc.apis.map(({ name, route, method }) => ({ name, route, method }))).toEqual([{ name: 'first', route: '/first', method: 'POST' }]);
  });

  it.each([
    ['first', {}, 'An API named "first" is already declared'],
    ['second', { route: '/first' }, 'options.route "/first" is already taken'],
    ['third', { route: '/readyz' }, 'options.route "/readyz" is already taken'],
    ['fourth', { route: '/items/:id' }, 'options.route must be a path'],
    ['bad name', {}, 'name must be'],
  ])('refuses %s with %j', (name, extra, message) => {
    expect(() => svc.api(name, { input: json(), output: json(), ...extra }, (x) => x)).toThrow(message);
  });

  it('refuses options that are not descriptors, naming the option', () => {
    expect(() => svc.api('x', { input: {} as never, output: json() }, (x) => x)).toThrow('options.input must be an IO descriptor');
    expect(() => svc.api('x', { input: json(), output: 'json' as never }, (x) => x)).toThrow('options.output must be an IO descriptor');
    expect(() => svc.api('x', { input: json(), output: json() }, 'f' as never)).toThrow('handler must be a function');
  });

  it('rejects, not throws, when listen gets a bad port', async () => {
    await expect(svc.listen(70000)).rejects.toThrow('port must be an integer between 0 and 65535');
  });
});
