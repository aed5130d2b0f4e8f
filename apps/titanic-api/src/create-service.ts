import { ModelStore } from '@mlserve/model-store';
import { createRunner, roundFloat32, type RunnerOptions } from '@mlserve/runner';
import { createService, json, type Service, type ServiceOptions } from '@mlserve/service';
import { createTitanicError } from './errors';
import { kPredictOutputSchema, kSurvivalMessage, type RawPassenger, type SurvivalPrediction } from './passenger';
import { passengers } from './passengers-input';

/** The store name the model is saved under. */
export const kModelName = 'titanic_model';

/** Options of {@link createTitanicService}. */
export interface TitanicServiceOptions {
  /** The model store; defaults to `new ModelStore()` ($MLSERVE_HOME, then ~/.mlserve). */
  store?: ModelStore;
  /** Which model version to serve; defaults to `titanic_model:latest`. */
  tag?: string;
  /** Options of the model's runner (workers, batching). */
  runner?: RunnerOptions;
  /** Options of the service (log level, API keys, CORS...). */
  service?: Omit<ServiceOptions, 'runners'>;
}

/**
 * Builds the Titanic survival service from the stored model: `POST /predict` takes one passenger or
 * a list, in the raw CSV form or the seed's one-hot form, and answers the seed's
 * `{ survived, probability, message }` per passenger.
 */
export async function createTitanicService(options: TitanicServiceOptions = {}): Promise<Service> {
  const store = options.store ?? new ModelStore();
  const model = await store.get(options.tag ?? `${kModelName}:latest`);
  if (model.pipeline === undefined) {
    throw createTitanicError('MLS_ERR_TITANIC_MODEL', `Model ${model.tag} has no pipeline.json; save it with src/save_model.ts`);
  }
  const survivedIndex = (model.classes ?? [0, 1]).findIndex((label) => String(label) === '1');
  const runner = createRunner(model, { ...options.runner });
  const svc = createService('titanic_service', {
    description: `Titanic survival predictions of ${model.tag}.`,
    ...options.service,
    runners: [runner],
  });

  svc.api(
    'predict',
    {
      input: passengers(model.pipeline.inputSchema()),
      output: json({ schema: kPredictOutputSchema }),
      description: 'Predicts whether Titanic passengers survived: one passenger or a list, raw or one-hot.',
    },
    async (records: RawPassenger[]) => {
      const predictions = await runner.predict(records as unknown as Array<Record<string, unknown>>);
      return predictions.map((prediction): SurvivalPrediction => ({
        survived: String(prediction.label) === '1' ? 1 : 0,
        probability: roundFloat32(prediction.probabilities[survivedIndex] ?? Number.NaN),
        message: kSurvivalMessage,
      }));
    },
  );
  return svc;
}
