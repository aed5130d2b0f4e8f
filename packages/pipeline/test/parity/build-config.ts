import {
  ColumnTransformer,
  FunctionTransformer,
  KBinsDiscretizer,
  MaxAbsScaler,
  MinMaxScaler,
  OneHotEncoder,
  OrdinalEncoder,
  Pipeline,
  PolynomialFeatures,
  RobustScaler,
  SimpleImputer,
  StandardScaler,
} from '../../src';
import type { Step } from '../../src';

/** A step of a fixture's `config` (generate_fixtures.py builds the same one in scikit-learn). */
export interface StepSpec {
  type: string;
  name: string;
  [option: string]: unknown;
}

/** Builds the unfitted TypeScript step a fixture's configuration describes. */
export function buildStep(spec: StepSpec): Step {
  const o = spec as unknown as Record<string, never>;
  switch (spec.type) {
    case 'SimpleImputer':
      return new SimpleImputer({ strategy: o.strategy, fillValue: o.fillValue });
    case 'StandardScaler':
      return new StandardScaler({ withMean: o.withMean, withStd: o.withStd });
    case 'MinMaxScaler':
      return new MinMaxScaler({ featureRange: o.featureRange, clip: o.clip });
    case 'OneHotEncoder':
      return new OneHotEncoder({ handleUnknown: o.handleUnknown, drop: o.drop });
    case 'MaxAbsScaler':
      return new MaxAbsScaler();
    case 'RobustScaler':
      return new RobustScaler({ withCentering: o.withCentering, withScaling: o.withScaling, quantileRange: o.quantileRange });
    case 'OrdinalEncoder':
      // JSON has no NaN: the configuration writes scikit-learn's np.nan as null.
      return new OrdinalEncoder({
        handleUnknown: o.handleUnknown,
        unknownValue: o.unknownValue === null ? NaN : o.unknownValue,
        encodedMissingValue: o.encodedMissingValue === null ? NaN : o.encodedMissingValue,
      });
    case 'FunctionTransformer':
      return new FunctionTransformer({ func: o.func! });
    case 'PolynomialFeatures':
      return new PolynomialFeatures({ degree: o.degree, interactionOnly: o.interactionOnly, includeBias: o.includeBias });
    case 'KBinsDiscretizer':
      return new KBinsDiscretizer({ nBins: o.nBins, encode: o.encode, strategy: o.strategy });
    case 'ColumnTransformer': {
      const transformers = (spec.transformers as Array<{ name: string; columns: string[]; steps: StepSpec[] }>).map(
        (t) => [t.name, t.steps.length === 0 ? 'passthrough' : t.steps.map((s) => [s.name, buildStep(s)] as [string, Step]), t.columns] as const,
      );
      return new ColumnTransformer(
        transformers.map(([n, s, c]) => [n, s, c]),
        { remainder: o.remainder, verboseFeatureNamesOut: o.verboseFeatureNamesOut },
      );
    }
    default:
      throw new Error(`unknown step type ${spec.type}`);
  }
}

/** Builds the unfitted Pipeline of a fixture's configuration. */
export function buildPipeline(steps: StepSpec[]): Pipeline {
  return new Pipeline(steps.map((s) => [s.name, buildStep(s)] as [string, Step]));
}
