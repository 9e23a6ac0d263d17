// `cdk synth` / `cdk deploy ClinicPaymentsApi-<stage>`: see README.md, Deploy runbook.
import { createPaymentsApiApp } from './stages.ts';

createPaymentsApiApp().app.synth();
