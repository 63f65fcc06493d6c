import { SCOPES } from '../auth/caller-auth.js';
import type { Domain } from '../domain.js';
import { resolveFiscalDocumentReference } from './fiscal-document.js';
import { resolveFiscalRegisterReference } from './fiscal-register.js';
import { FiscalDocumentResolver, FiscalRegisterResolver } from './fiscal-resolver.js';

export const fiscalDomain: Domain = {
  resolvers: [FiscalDocumentResolver, FiscalRegisterResolver],
  references: {
    FiscalDocument: resolveFiscalDocumentReference,
    FiscalRegister: resolveFiscalRegisterReference,
  },
  mutationScopes: { printXReport: SCOPES.fiscal },
};
