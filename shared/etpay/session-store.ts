// The seam through which an initialised ETpay session is kept server-side, so the payment's result can
// be verified later with its signature_token. Storage itself arrives with the payment-state work.
export interface EtpaySessionRecord {
  token: string;
  signature_token: string;
  merchant_order_id: string;
  order_amount: number;
  created_at: string;
}

export type EtpaySessionRecorder = (record: EtpaySessionRecord) => Promise<void>;

/** Until payment state exists there is nowhere to keep it; the route still never returns or logs it. */
export const recordEtpaySession: EtpaySessionRecorder = () => Promise.resolve();
