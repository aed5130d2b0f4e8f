// The service `npm start` serves (`mlserve serve src/service.ts:svc`) and `mlserve build` packs.
import { ModelStore } from '@mlserve/model-store';
import { createRunner } from '@mlserve/runner';
import { createService, json, records } from '@mlserve/service';

/** Which stored model to serve; `npm run import-model` stores ./model under this name. */
export const kModelTag = process.env.MODEL_TAG ?? '{{modelName}}:latest';

const model = await new ModelStore().get(kModelTag);
if (!model.pipeline) throw new Error(`${model.tag} has no pipeline.json: import the exporter's output directory`);

const runner = createRunner(model);

export const svc = createService('{{serviceName}}', { runners: [runner] });

svc.api(
  'predict',
  {
    input: records(model.pipeline),
    output: json({ schema: { type: 'object', properties: { label: {}, probability: { type: 'number' } } } }),
    description: 'Predicts the class of one record, or of an array of them',
  },
  async (rows) => {
    const predictions = await runner.predict(rows);
    return predictions.map((p) => ({ label: p.label, probability: Math.max(...p.probabilities) }));
  },
);
