// `cdk synth` / `cdk deploy ClinicPaymentsApi-<stage>`: see infra/RUNBOOK.md for the deploy steps.
import { createPaymentsApiApp } from './stages.ts';

createPaymentsApiApp().app.synth();
