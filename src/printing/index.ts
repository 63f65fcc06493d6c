import { SCOPES } from '../auth/caller-auth.js';
import type { Domain } from '../domain.js';
import { resolvePrintMessageReference } from './print-message.js';
import { resolvePrinterReference } from './printer.js';
import { PrintMessageResolver, PrinterResolver } from './printing-resolver.js';

export const printingDomain: Domain = {
  resolvers: [PrinterResolver, PrintMessageResolver],
  references: {
    Printer: resolvePrinterReference,
    PrintMessage: resolvePrintMessageReference,
  },
  mutationScopes: { cancelPrintMessage: SCOPES.printing },
};
