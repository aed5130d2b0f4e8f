import { createCliError } from './errors';
import { exitCodeOf, formatError, kExitCodes } from './main';

describe('how errors leave the binary', () => {
  it('is one line with the code, and a stack only when asked for', () => {
    const err = createCliError('MLS_ERR_CLI_PORT_IN_USE', 'Port 3000 on 127.0.0.1 is already in use\nsecond line');
    expect(formatError(err, false)).toBe('mlserve: error: Port 3000 on 127.0.0.1 is already in use [MLS_ERR_CLI_PORT_IN_USE]\n');
    expect(formatError(new Error('plain'), false)).toBe('mlserve: error: plain\n');
    const wrapped = createCliError('MLS_ERR_CLI_SERVICE_LOAD', 'Loading failed', { cause: new Error('root cause') });
    expect(formatError(wrapped, true)).toMatch(/Loading failed\n\s+at [\s\S]*Caused by: Error: root cause/);
  });

  it('maps usage errors to 2, a missing Docker engine to 3, everything else to 1', () => {
    expect(exitCodeOf(createCliError('MLS_ERR_CLI_USAGE'))).toBe(kExitCodes.usage);
    expect(exitCodeOf(createCliError('MLS_ERR_CLI_DOCKER_UNAVAILABLE'))).toBe(3);
    expect(exitCodeOf(Object.assign(new Error('x'), { code: 'MLS_ERR_STORE_NOT_FOUND' }))).toBe(1);
    expect(exitCodeOf('weird')).toBe(1);
  });
});
