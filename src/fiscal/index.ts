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
  fieldScopes: {
    'Query.fiscalDocument': SCOPES.read,
    'Mutation.printXReport': SCOPES.fiscal,
    // Stored rows beyond the mutation's own document: other documents, LifePay's callbacks.
    'FiscalRegister.documents': SCOPES.read,
    'FiscalDocument.notification': SCOPES.read,
  },
};
