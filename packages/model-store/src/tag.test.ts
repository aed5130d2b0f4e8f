import { isValidName, parseTag } from './tag';
import { createVersion, kVersionPattern, versionTime } from './version';

describe('parseTag', () => {
  it('reads a name alone as its latest version', () => {
    expect(parseTag('titanic_model')).toEqual({ name: 'titanic_model', version: 'latest' });
  });

  it('splits name and version', () => {
    expect(parseTag('titanic-model.v2:0abc')).toEqual({ name: 'titanic-model.v2', version: '0abc' });
  });

  it('refuses names that could leave the store or are not lower case', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', '.x', 'x.', 'A', '', 'a..b', 'a:b:c', 'x'.repeat(64)]) {
      expect(() => parseTag(bad)).toThrow(expect.objectContaining({ code: 'MLS_ERR_STORE_INVALID_TAG' }));
    }
    expect(isValidName('x'.repeat(63))).toBe(true);
  });
});

describe('createVersion', () => {
  it('makes 16 lowercase base32 characters that sort by creation time', () => {
    const early = createVersion(undefined, Date.UTC(2024, 0, 1));
    const late = createVersion(undefined, Date.UTC(2025, 0, 1));
    expect(early).toMatch(kVersionPattern);
    expect(early < late).toBe(true);
    expect(versionTime(late)?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('stays distinct and increasing within one millisecond and when the clock steps back', () => {
    const now = Date.UTC(2030, 0, 1);
    const versions = [createVersion(undefined, now), createVersion(undefined, now), createVersion(undefined, now - 5000)];
    expect(new Set(versions).size).toBe(3);
    expect([...versions].sort()).toEqual(versions);
  });

  it('comes after a given version, even one from a clock ahead of ours', () => {
    const future = createVersion(undefined, Date.UTC(2040, 0, 1));
    expect(createVersion(future, Date.UTC(2031, 0, 1)) > future).toBe(true);
  });
});
