// The banks ETpay can preselect. One list: add a code here and the schema and OpenAPI follow.
export const ETPAY_BANK_CODES = [
  'cl_estado',
  'cl_santander',
  'cl_bch',
  'cl_bci',
  'cl_falabella',
  'cl_itau',
  'cl_scotiabank',
  'cl_mach',
] as const;
