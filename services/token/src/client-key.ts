/** Grants and FAST tokens are kept per account and XEP-0388 client id. */
export interface ClientKey {
  jid: string;
  clientId: string;
}
