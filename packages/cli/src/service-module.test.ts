import { describeLoadError } from './service-module';

describe('describeLoadError', () => {
  it("keeps esbuild's first error and where it is, on one line", () => {
    const err = new Error('Transform failed with 2 errors:\n/app/bad.ts:4:13: ERROR: Unexpected ";"\n/app/bad.ts:9:1: ERROR: Expected "}"');
    expect(describeLoadError(err)).toBe('/app/bad.ts:4:13: Unexpected ";" (and 1 more error)');
  });

  it("reads esbuild's structured errors when they are there", () => {
    const err = Object.assign(new Error('Build failed with 1 error:\n...'), { errors: [{ text: 'Expected ")"', location: { file: 'svc.ts', line: 2, column: 7 } }] });
    expect(describeLoadError(err)).toBe('svc.ts:2:7: Expected ")"');
  });

  it('keeps the first line of any other error', () => {
    expect(describeLoadError(new Error('Cannot find module x\nRequire stack: ...'))).toBe('Cannot find module x');
  });
});
