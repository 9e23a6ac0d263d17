// What the demo page tells a patient, in Spanish: one sentence per error code of the API contract,
// the provider behind an UPSTREAM_* error, the form field behind a validation detail, the widget's events.
// A clinic frontend needs the same table; the English `message` of the API is for developers.
'use strict';

window.DEMO_MESSAGES = Object.freeze({
  errors: {
    INVALID_JSON: 'La página envió datos que la API no pudo leer.',
    VALIDATION_ERROR: 'Hay datos que revisar.',
    UNAUTHORIZED: 'La clínica no tiene una credencial válida para usar el servicio de pagos.',
    INVALID_SIGNATURE: 'No pudimos verificar la firma del resultado del pago.',
    NOT_FOUND: 'El servicio de pagos no reconoce esta operación.',
    IDEMPOTENCY_CONFLICT: 'Ya hay una solicitud igual en curso. Espera un momento.',
    PAYLOAD_TOO_LARGE: 'Los datos enviados son demasiado grandes.',
    UNSUPPORTED_MEDIA_TYPE: 'La página envió los datos en un formato que el servicio no acepta.',
    IDEMPOTENCY_KEY_REUSED: 'Esta solicitud ya se había usado con otros datos.',
    UPSTREAM_REJECTED: '{proveedor} rechazó la solicitud. Revisa los datos e inténtalo de nuevo.',
    CONFIGURATION_ERROR: 'El servicio de pagos está mal configurado. No se contactó a ningún proveedor.',
    INTERNAL_ERROR: 'Ocurrió un error inesperado en el servicio de pagos.',
    UPSTREAM_AUTH_FAILED: '{proveedor} no aceptó las credenciales de la clínica. Avisa al equipo técnico.',
    UPSTREAM_BAD_RESPONSE: '{proveedor} respondió algo que no pudimos usar. Inténtalo de nuevo más tarde.',
    UPSTREAM_UNAVAILABLE: '{proveedor} no está disponible en este momento. Inténtalo de nuevo en unos minutos.',
    UPSTREAM_TIMEOUT: '{proveedor} no respondió a tiempo. Inténtalo de nuevo en unos minutos.',
  },
  unknownError: 'Ocurrió un error inesperado.',
  network: 'No pudimos conectar con el servicio de pagos. Revisa tu conexión.',
  providers: {
    skippay: 'SkipPay (Skip)',
    'skip-backend': 'Skip (widget Spot)',
    etpay: 'ETpay',
  },
  unknownProvider: 'El proveedor de pagos',
  // By the last segment of a detail's path: `customer.rut`, `patient.rut` and `user_rut` are all the RUT.
  fields: {
    rut: { label: 'RUT', input: 'rut' },
    user_rut: { label: 'RUT', input: 'rut' },
    first_name: { label: 'Nombres', input: 'first_name' },
    last_name: { label: 'Apellidos', input: 'last_name' },
    email: { label: 'Correo electrónico', input: 'email' },
    customer_email: { label: 'Correo electrónico', input: 'email' },
    phone_number: { label: 'Teléfono', input: 'phone_number' },
    total_amount: { label: 'Monto', input: 'amount' },
    order_amount: { label: 'Monto', input: 'amount' },
    reference: { label: 'Referencia de la orden', input: 'reference' },
    merchant_order_id: { label: 'Referencia de la orden', input: 'reference' },
    payment_completed_url: { label: 'Dirección de regreso', input: null },
    payment_cancellation_url: { label: 'Dirección de regreso', input: null },
  },
  fieldProblem: 'no es válido',
  widgetEvents: {
    WIDGET_FORM_READY: 'El widget cargó',
    WIDGET_FORM_MOUNT: 'El formulario del widget está visible',
    WIDGET_FORM_SUCCESS: 'El paciente confirmó sus datos',
    WIDGET_PAYMENT_SUCCESS: 'El pago con Skip se realizó',
    WIDGET_FORM_CLOSE: 'El paciente cerró el widget',
  },
  steps: {
    order: 'No se pudo crear la orden en Skip',
    widget: 'No se pudo abrir el widget de Skip',
    etpay: 'No se pudo iniciar el pago con ETpay',
    confirm: 'No se pudo confirmar el pago con ETpay',
    skipState: 'No se pudo consultar el estado del pago',
  },
});
