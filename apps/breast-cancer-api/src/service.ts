import { createDiagnosisService } from './create-service';

/**
 * The breast cancer diagnosis service, served by `mlserve serve src/service.ts:svc`. It serves the
 * latest `breast_cancer_model` of the store ($MLSERVE_HOME or ~/.mlserve): run `pnpm save` first.
 */
export const svc = await createDiagnosisService();
