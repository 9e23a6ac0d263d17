// The sample patient and order every test pays with: one definition, so a test that checks what must never
// be logged looks for the same RUT, email and phone the request carried.

/** As a clinic frontend sends her: dotted RUT, phone with spaces. */
export const samplePatient = {
  rut: '12.345.678-5',
  first_name: 'Ana',
  last_name: 'Pérez',
  email: 'ana.perez@example.cl',
  phone_number: '+56 9 1234 5678',
} as const;

/** The same patient in the forms the providers receive: canonical RUT, E.164 phone. */
export const samplePatientCanonical = { ...samplePatient, rut: '12345678-5', phone_number: '+56912345678' } as const;

/** Her, as Skip's widget endpoint receives her (`user_data`; the RUT travels beside it). */
export const sampleSkipUserData = {
  name: samplePatientCanonical.first_name,
  surname: samplePatientCanonical.last_name,
  email: samplePatientCanonical.email,
  phone_number: samplePatientCanonical.phone_number,
} as const;

/** A SkipPay AAPD order for her. */
export const sampleOrder = { reference: 'CLINIC-000123', total_amount: 50000, customer: samplePatient } as const;
