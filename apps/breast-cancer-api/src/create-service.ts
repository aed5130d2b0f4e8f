import { ModelStore, type StoredModel } from '@mlserve/model-store';
import { createRunner, roundFloat32, type RunnerOptions } from '@mlserve/runner';
import { createService, json, records, type MonitoringOptions, type Service, type ServiceOptions } from '@mlserve/service';
import type { Diagnosis } from './diagnosis';
import { createDiagnosisError } from './errors';

/** The store name the model is saved under. */
export const kModelName = 'breast_cancer_model';

/** Options of {@link createDiagnosisService}. */
export interface DiagnosisServiceOptions {
  /** The model store; defaults to `new ModelStore()` ($MLSERVE_HOME, then ~/.mlserve). */
  store?: ModelStore;
  /** Which model version to serve; defaults to `breast_cancer_model:latest`. */
  tag?: string;
  /** Options of the model's runner (workers, batching). */
  runner?: RunnerOptions;
  /** Options of the service (log level, API keys, CORS...). */
  service?: Omit<ServiceOptions, 'runners'>;
  /** Options of the model's monitoring (drift window, thresholds, input warnings, prediction log). */
  monitoring?: MonitoringOptions;
}

/** `GET /model`: what the seed's model bundle told about the model. */
export interface ModelCard {
  name: string;
  tag: string;
  createdAt: string;
  estimator: unknown;
  framework: unknown;
  features: string[];
  classes: string[];
  accuracy: { train?: number; test?: number };
  metrics: Record<string, number>;
  metadata: Record<string, unknown>;
}

/**
 * Builds the breast cancer diagnosis service from the stored model: `POST /predict` takes one record
 * of the 30 features or a list and answers the seed's `predict_diagnosis` result per record;
 * `GET /model` answers the model card.
 */
export async function createDiagnosisService(options: DiagnosisServiceOptions = {}): Promise<Service> {
  const store = options.store ?? new ModelStore();
  const model = await store.get(options.tag ?? `${kModelName}:latest`);
  if (model.pipeline === undefined) {
    throw createDiagnosisError('MLS_ERR_DIAGNOSIS_MODEL', `Model ${model.tag} has no pipeline.json; save it with src/save_model.ts`);
  }
  const card = createModelCard(model);
  const malignant = card.classes.indexOf('malignant');
  const benign = card.classes.indexOf('benign');
  const runner = createRunner(model, { ...options.runner });
  const svc = createService('breast_cancer_service', {
    description: `Breast tumour diagnoses of ${model.tag}.`,
    ...options.service,
    runners: [runner],
  });
  // Drift, ground truth and the notebook's input warnings (negative measurements), from stats.json.
  const monitor = svc.monitor(runner, { model, ...options.monitoring });

  svc.api(
    'predict',
    {
      // One record or a list; each validated against the pipeline's schema: a 400 names every missing feature.
      input: records(model.pipeline, { example: kExampleRecord }),
      output: json({ schema: kDiagnosisSchema }),
      description: 'Diagnoses breast tumours as malignant or benign: one record of the 30 features or a list.',
    },
    async (tumours: Array<Record<string, unknown>>, ctx) => {
      const predictions = await monitor.predict<{ label: string | number; index: number; probabilities: number[] }>(tumours, ctx);
      return predictions.map((prediction): Diagnosis => {
        const p = prediction.probabilities.map(roundFloat32);
        const diagnosis: Diagnosis = {
          prediction: card.classes[prediction.index] ?? String(prediction.label),
          malignant_probability: p[malignant] ?? Number.NaN,
          benign_probability: p[benign] ?? Number.NaN,
          confidence: p[prediction.index] ?? Number.NaN,
        };
        if (prediction.warnings !== undefined) diagnosis.warnings = prediction.warnings;
        return diagnosis;
      });
    },
  );
  svc.app.get('/model', (_req, res) => {
    res.json(card);
  });
  return svc;
}

/** The model card of a stored model, from the metadata the exporter and train.py recorded. */
export function createModelCard(model: StoredModel): ModelCard {
  const metadata = model.manifest.metadata;
  const names = metadata['target_names'];
  const classes = Array.isArray(names) ? names.map(String) : (model.classes ?? []).map(String);
  const metrics = model.manifest.metrics;
  return {
    name: model.name,
    tag: model.tag,
    createdAt: model.createdAt,
    estimator: metadata['estimator'],
    framework: metadata['framework'],
    features: [...(model.pipeline?.featureNamesIn ?? [])],
    classes,
    accuracy: { train: metrics['train_accuracy'], test: metrics['test_accuracy'] },
    metrics,
    metadata,
  };
}

/** The first row of the dataset (malignant). */
const kExampleRecord: Record<string, number> = {
  'mean radius': 17.99,
  'mean texture': 10.38,
  'mean perimeter': 122.8,
  'mean area': 1001.0,
  'mean smoothness': 0.1184,
  'mean compactness': 0.2776,
  'mean concavity': 0.3001,
  'mean concave points': 0.1471,
  'mean symmetry': 0.2419,
  'mean fractal dimension': 0.07871,
  'radius error': 1.095,
  'texture error': 0.9053,
  'perimeter error': 8.589,
  'area error': 153.4,
  'smoothness error': 0.006399,
  'compactness error': 0.04904,
  'concavity error': 0.05373,
  'concave points error': 0.01587,
  'symmetry error': 0.03003,
  'fractal dimension error': 0.006193,
  'worst radius': 25.38,
  'worst texture': 17.33,
  'worst perimeter': 184.6,
  'worst area': 2019.0,
  'worst smoothness': 0.1622,
  'worst compactness': 0.6656,
  'worst concavity': 0.7119,
  'worst concave points': 0.2654,
  'worst symmetry': 0.4601,
  'worst fractal dimension': 0.1189,
};

const kDiagnosisSchema = (() => {
  const diagnosis = {
    title: 'Diagnosis',
    type: 'object',
    properties: {
      prediction: { type: 'string', enum: ['malignant', 'benign'] },
      malignant_probability: { type: 'number', minimum: 0, maximum: 1 },
      benign_probability: { type: 'number', minimum: 0, maximum: 1 },
      confidence: { type: 'number', minimum: 0, maximum: 1, description: 'probability of the predicted class' },
      warnings: { type: 'array', items: { type: 'string' }, description: 'negative measurements or values outside the training range, when any' },
    },
    required: ['prediction', 'malignant_probability', 'benign_probability', 'confidence'],
  };
  return {
    anyOf: [diagnosis, { type: 'array', items: diagnosis }],
    examples: [{ prediction: 'malignant', malignant_probability: 1, benign_probability: 0, confidence: 1 }],
  };
})();
