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
  fieldScopes: {
    'Query.printer': SCOPES.read,
    'Query.printMessage': SCOPES.read,
    'Mutation.cancelPrintMessage': SCOPES.printing,
    // Read from Feyin when asked for, also inside cancelPrintMessage's payload.
    'PrintMessage.status': SCOPES.read,
    'PrintMessage.printedAt': SCOPES.read,
    'PrintMessage.createdAt': SCOPES.read,
  },
};
