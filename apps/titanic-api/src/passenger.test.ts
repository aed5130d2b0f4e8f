import { roundFloat32 } from '@mlserve/runner';
import { findOneHotIssues, fromOneHot, hasOneHotColumn, kOneHotColumns, kOneHotSurvivorExample, kOneHotVictimExample, kRawExample } from './passenger';

describe('fromOneHot', () => {
  it('turns the seed one-hot bodies back into the CSV columns', () => {
    expect(fromOneHot(kOneHotSurvivorExample)).toEqual({ Pclass: 1, Sex: 'female', Age: 30, SibSp: 0, Parch: 0, Fare: 100, Embarked: 'C' });
    expect(fromOneHot(kOneHotVictimExample)).toEqual({ Pclass: 3, Sex: 'male', Age: 25, SibSp: 0, Parch: 0, Fare: 7, Embarked: 'S' });
  });

  it('reads no port set as a missing Embarked, as pd.get_dummies encodes it', () => {
    expect(fromOneHot({ ...kOneHotVictimExample, Embarked_S: 0 }).Embarked).toBeNull();
  });
});

describe('hasOneHotColumn', () => {
  it('tells the one-hot form by any one of kOneHotColumns, and the raw form by none', () => {
    for (const column of kOneHotColumns) expect(hasOneHotColumn({ ...kRawExample, [column]: 0 })).toBe(true);
    expect(hasOneHotColumn(kRawExample)).toBe(false);
    expect(hasOneHotColumn(kOneHotVictimExample)).toBe(true);
  });
});

describe('findOneHotIssues', () => {
  it('finds nothing wrong with the seed bodies', () => {
    expect(findOneHotIssues(kOneHotSurvivorExample)).toEqual([]);
    expect(findOneHotIssues({ ...kOneHotVictimExample, Embarked_S: 0 })).toEqual([]);
  });

  it.each([
    ['both sexes', { Sex_female: 1, Sex_male: 1 }, ['/3/Sex_female', '/3/Sex_male']],
    ['no sex', { Sex_female: 0, Sex_male: 0 }, ['/3/Sex_female', '/3/Sex_male']],
    ['two ports', { Embarked_C: 1, Embarked_S: 1 }, ['/3/Embarked_C', '/3/Embarked_S']],
  ] as const)('names the fields of %s', (_case, change, paths) => {
    const issues = findOneHotIssues({ ...kOneHotVictimExample, ...change }, '/3');
    expect(issues.map((issue) => issue.path)).toEqual(paths);
  });
});

describe('roundFloat32', () => {
  it('answers the shortest decimal of a float32 probability', () => {
    expect(roundFloat32(Math.fround(0.97))).toBe(0.97);
    expect(roundFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(roundFloat32(1)).toBe(1);
  });
});
