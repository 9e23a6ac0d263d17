export * from './amount.ts';
export * from './email.ts';
export * from './names.ts';
export * from './phone.ts';
export * from './rut.ts';
export * from './provider-token.ts';
