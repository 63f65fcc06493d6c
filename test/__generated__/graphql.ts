/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
  _Any: { input: any; output: any; }
  federation__ContextFieldValue: { input: any; output: any; }
  federation__FieldSet: { input: any; output: any; }
  federation__Policy: { input: any; output: any; }
  federation__Scope: { input: any; output: any; }
  link__Import: { input: any; output: any; }
};

export type CancelOrderPayload = {
  __typename?: 'CancelOrderPayload';
  order: LogisticsOrder;
};

export type CancelPickupCodesPayload = {
  __typename?: 'CancelPickupCodesPayload';
  machine: Machine;
  /** The cancelled code, when scope is ONE. */
  pickupCodeId?: Maybe<Scalars['ID']['output']>;
  scope: PickupCancelScope;
};

export type CancelPrintMessagePayload = {
  __typename?: 'CancelPrintMessagePayload';
  /** True when Feyin confirmed the cancellation. */
  cancelled: Scalars['Boolean']['output'];
  message: PrintMessage;
};

/** A document sent to a LifePay fiscal register, with its delivery state. */
export type FiscalDocument = {
  __typename?: 'FiscalDocument';
  /** Attempts made so far (the first one included). */
  attempts: Scalars['Int']['output'];
  /** The callbackData sent with the document. */
  callbackData?: Maybe<Scalars['JSON']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** Our id for the document, sent to LifePay as ext_id (its idempotency key). */
  extId: Scalars['ID']['output'];
  kind: FiscalDocumentKind;
  /** Why the last attempt did not succeed, in plain English. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** The error code of the last failed attempt (the error vocabulary, or EXPIRED). */
  lastErrorCode?: Maybe<Scalars['String']['output']>;
  /** When the next attempt is due (RETRY_SCHEDULED only). */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** LifePay's latest callback for this document, verbatim (its format is undocumented). */
  notification?: Maybe<Scalars['String']['output']>;
  /** When the latest LifePay callback arrived. */
  notifiedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The register named by targetSerial; null when LifePay chose one. */
  register?: Maybe<FiscalRegister>;
  status: FiscalDocumentStatus;
  /** Sent in LifePay's test mode: nothing printed, no uuid, no callbacks. */
  test: Scalars['Boolean']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** LifePay's document uuid; null until accepted, and always in test mode. */
  uuid?: Maybe<Scalars['ID']['output']>;
};

/** What a fiscal document is. */
export type FiscalDocumentKind =
  /** An X-report (interim shift report) printed on the register. */
  | 'X_REPORT';

/** Where a fiscal document is on its way to LifePay. */
export type FiscalDocumentStatus =
  /** LifePay accepted it (answered code 0). */
  | 'ACCEPTED'
  /** LifePay refused it, or it was not accepted within LIFEPAY_RETRY_MAX_AGE; see lastError. */
  | 'FAILED'
  /** LifePay notified us (callback) that it processed the document; the notification is stored verbatim. */
  | 'PROCESSED'
  /** LifePay could not be reached or answered an HTTP status other than 200; the same request is repeated at nextAttemptAt. */
  | 'RETRY_SCHEDULED'
  /** An attempt is in flight (or its process died; it is retried once the attempt lease expires). */
  | 'SENDING';

/** A LifePay fiscal register (cloud fiscal printer), by serial number. */
export type FiscalRegister = {
  __typename?: 'FiscalRegister';
  /** Documents this service sent to the register, newest first. */
  documents: Array<FiscalDocument>;
  /** The register's serial number, as LifePay's target_serial. */
  serial: Scalars['ID']['output'];
};


/** A LifePay fiscal register (cloud fiscal printer), by serial number. */
export type FiscalRegisterDocumentsArgs = {
  limit?: Scalars['Int']['input'];
};

/** An APIUSB courier order. */
export type LogisticsOrder = {
  __typename?: 'LogisticsOrder';
  /** The reason sent with the cancellation. */
  cancelReason?: Maybe<Scalars['String']['output']>;
  cancelledAt?: Maybe<Scalars['DateTime']['output']>;
  /** APIUSB's platform order id. */
  orderId: Scalars['ID']['output'];
  status: LogisticsOrderStatus;
  /** APIUSB's task id, when known. */
  taskId?: Maybe<Scalars['ID']['output']>;
};

/** CANCELLED when this service cancelled the order; APIUSB offers no status call, so anything else is UNKNOWN. */
export type LogisticsOrderStatus =
  | 'CANCELLED'
  | 'UNKNOWN';

/** A vending machine of the pickup-code vendor. */
export type Machine = {
  __typename?: 'Machine';
  /** The vendor's 8-digit machine number. */
  machineNo: Scalars['ID']['output'];
  /** The machine's pickup codes for one product, as the vendor lists them. */
  pickupCodes: Array<PickupCode>;
};


/** A vending machine of the pickup-code vendor. */
export type MachinePickupCodesArgs = {
  productId: Scalars['ID']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels an APIUSB courier order. A refusal by APIUSB (e.g. already collected) is an error, never a silent success. */
  cancelOrder: CancelOrderPayload;
  /** Cancels one pickup code (with pickupCodeId) or every code of the machine (without). */
  cancelPickupCodes: CancelPickupCodesPayload;
  /** Cancels a message the printer has not started. FAILED_PRECONDITION once it is printing; NOT_FOUND for an unknown msgNo. */
  cancelPrintMessage: CancelPrintMessagePayload;
  /** Prints an X-report on a LifePay register. Recorded before LifePay is called; when LifePay cannot be reached the document is RETRY_SCHEDULED (no error) and retried in the background with the same ext_id. A LifePay refusal is an error and leaves the document FAILED. */
  printXReport: PrintXReportPayload;
};


export type MutationCancelOrderArgs = {
  orderId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  taskId: Scalars['ID']['input'];
};


export type MutationCancelPickupCodesArgs = {
  machineNo: Scalars['ID']['input'];
  pickupCodeId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationCancelPrintMessageArgs = {
  msgNo: Scalars['ID']['input'];
};


export type MutationPrintXReportArgs = {
  input: PrintXReportInput;
};

/** ONE pickup code by id, or ALL codes of the machine. */
export type PickupCancelScope =
  | 'ALL'
  | 'ONE';

/** A pickup code a customer types into a vending machine. */
export type PickupCode = {
  __typename?: 'PickupCode';
  /** The code itself. */
  code?: Maybe<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** The vendor's pickup-code record id. */
  id: Scalars['ID']['output'];
  machine?: Maybe<Machine>;
  quantity?: Maybe<Scalars['Int']['output']>;
  status?: Maybe<PickupCodeStatus>;
};

/** The vendor's status; CANCELLED for codes this service cancelled. */
export type PickupCodeStatus =
  | 'CANCELLED'
  | 'EXPIRED'
  | 'UNKNOWN'
  | 'UNUSED'
  | 'USED';

/** A message sent to a Feyin cloud printer. */
export type PrintMessage = {
  __typename?: 'PrintMessage';
  /** When Feyin received the message. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Feyin's message number. */
  msgNo: Scalars['ID']['output'];
  printedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Feyin's status, passed through as given. */
  status?: Maybe<Scalars['String']['output']>;
};

/** An X-report to print on a LifePay fiscal register. */
export type PrintXReportInput = {
  /** Echoed back by LifePay in its callback; at most 8 kB as JSON. */
  callbackData?: InputMaybe<Scalars['JSON']['input']>;
  /** Idempotency key (at most 50 characters), sent as ext_id; generated when omitted. The same extId again returns the stored document. */
  extId?: InputMaybe<Scalars['String']['input']>;
  /** LifePay login (11 digits, 7xxxxxxxxxx); LIFEPAY_LOGIN when omitted. */
  login?: InputMaybe<Scalars['String']['input']>;
  /** Serial of the register to print on; LifePay picks an active one when omitted. */
  targetSerial?: InputMaybe<Scalars['String']['input']>;
  /** LifePay's test mode: nothing is printed and no uuid is returned. */
  test?: InputMaybe<Scalars['Boolean']['input']>;
};

export type PrintXReportPayload = {
  __typename?: 'PrintXReportPayload';
  /** ACCEPTED, or RETRY_SCHEDULED when LifePay could not be reached (it is retried in the background). */
  document: FiscalDocument;
};

/** A Feyin cloud printer. */
export type Printer = {
  __typename?: 'Printer';
  /** Feyin's device number. */
  deviceNo: Scalars['ID']['output'];
  lastConnectedAt?: Maybe<Scalars['DateTime']['output']>;
  /** As Feyin reports it: "nomal" (sic, paper present) or "lack". */
  paperStatus?: Maybe<Scalars['String']['output']>;
  /** Since when the printer has had its current status. */
  since?: Maybe<Scalars['DateTime']['output']>;
  /** As Feyin reports it: online, offline, overheat or error. */
  status?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  _entities: Array<Maybe<_Entity>>;
  _service: _Service;
  /** A fiscal document this service sent (or is sending) to LifePay; null for an unknown extId. */
  fiscalDocument?: Maybe<FiscalDocument>;
  /** A vending machine by its 8-digit number (the vendor has no machine lookup). */
  machine?: Maybe<Machine>;
  /** A Feyin print message; null when Feyin does not know it. */
  printMessage?: Maybe<PrintMessage>;
  /** A Feyin printer and its live status; null when Feyin does not know it. */
  printer?: Maybe<Printer>;
};


export type Query_EntitiesArgs = {
  representations: Array<Scalars['_Any']['input']>;
};


export type QueryFiscalDocumentArgs = {
  extId: Scalars['ID']['input'];
};


export type QueryMachineArgs = {
  machineNo: Scalars['ID']['input'];
};


export type QueryPrintMessageArgs = {
  msgNo: Scalars['ID']['input'];
};


export type QueryPrinterArgs = {
  deviceNo: Scalars['ID']['input'];
};

export type _Entity = FiscalDocument | FiscalRegister | LogisticsOrder | Machine | PickupCode | PrintMessage | Printer;

export type _Service = {
  __typename?: '_Service';
  sdl?: Maybe<Scalars['String']['output']>;
};

export type Link__Purpose =
  /** `EXECUTION` features provide metadata necessary for operation execution. */
  | 'EXECUTION'
  /** `SECURITY` features provide metadata necessary to securely resolve fields. */
  | 'SECURITY';

export type PrinterStatusQueryVariables = Exact<{
  deviceNo: Scalars['ID']['input'];
}>;


export type PrinterStatusQuery = { __typename?: 'Query', printer?: { __typename?: 'Printer', deviceNo: string, status?: string | null, paperStatus?: string | null, lastConnectedAt?: string | null, since?: string | null } | null };

export type CancelPrintMessageMutationVariables = Exact<{
  msgNo: Scalars['ID']['input'];
}>;


export type CancelPrintMessageMutation = { __typename?: 'Mutation', cancelPrintMessage: { __typename?: 'CancelPrintMessagePayload', cancelled: boolean, message: { __typename?: 'PrintMessage', msgNo: string, status?: string | null } } };

export type PrintMessageStatusQueryVariables = Exact<{
  msgNo: Scalars['ID']['input'];
}>;


export type PrintMessageStatusQuery = { __typename?: 'Query', printMessage?: { __typename?: 'PrintMessage', msgNo: string, status?: string | null, createdAt?: string | null, printedAt?: string | null } | null };

export type PickupCodesQueryVariables = Exact<{
  machineNo: Scalars['ID']['input'];
  productId: Scalars['ID']['input'];
}>;


export type PickupCodesQuery = { __typename?: 'Query', machine?: { __typename?: 'Machine', machineNo: string, pickupCodes: Array<{ __typename?: 'PickupCode', id: string, code?: string | null, status?: PickupCodeStatus | null, expiresAt?: string | null, quantity?: number | null }> } | null };

export type CancelPickupCodesMutationVariables = Exact<{
  machineNo: Scalars['ID']['input'];
  pickupCodeId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type CancelPickupCodesMutation = { __typename?: 'Mutation', cancelPickupCodes: { __typename?: 'CancelPickupCodesPayload', scope: PickupCancelScope, pickupCodeId?: string | null, machine: { __typename?: 'Machine', machineNo: string } } };

export type CancelOrderMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
  taskId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type CancelOrderMutation = { __typename?: 'Mutation', cancelOrder: { __typename?: 'CancelOrderPayload', order: { __typename?: 'LogisticsOrder', orderId: string, taskId?: string | null, status: LogisticsOrderStatus, cancelledAt?: string | null } } };

export type PrintXReportMutationVariables = Exact<{
  input: PrintXReportInput;
}>;


export type PrintXReportMutation = { __typename?: 'Mutation', printXReport: { __typename?: 'PrintXReportPayload', document: { __typename?: 'FiscalDocument', extId: string, uuid?: string | null, kind: FiscalDocumentKind, status: FiscalDocumentStatus, attempts: number, nextAttemptAt?: string | null, lastError?: string | null, test: boolean, register?: { __typename?: 'FiscalRegister', serial: string } | null } } };

export type FiscalDocumentQueryVariables = Exact<{
  extId: Scalars['ID']['input'];
}>;


export type FiscalDocumentQuery = { __typename?: 'Query', fiscalDocument?: { __typename?: 'FiscalDocument', extId: string, uuid?: string | null, kind: FiscalDocumentKind, status: FiscalDocumentStatus, attempts: number, nextAttemptAt?: string | null, lastError?: string | null, lastErrorCode?: string | null, test: boolean, callbackData?: unknown | null, createdAt: string, updatedAt: string, notifiedAt?: string | null, notification?: string | null, register?: { __typename?: 'FiscalRegister', serial: string } | null } | null };

export type FiscalRegisterDocumentsQueryVariables = Exact<{
  representations: Array<Scalars['_Any']['input']> | Scalars['_Any']['input'];
}>;


export type FiscalRegisterDocumentsQuery = { __typename?: 'Query', _entities: Array<
    | { __typename?: 'FiscalDocument', extId: string, status: FiscalDocumentStatus, uuid?: string | null }
    | { __typename?: 'FiscalRegister', serial: string, documents: Array<{ __typename?: 'FiscalDocument', extId: string, status: FiscalDocumentStatus, uuid?: string | null }> }
    | { __typename?: 'LogisticsOrder' }
    | { __typename?: 'Machine' }
    | { __typename?: 'PickupCode' }
    | { __typename?: 'PrintMessage' }
    | { __typename?: 'Printer' }
   | null> };


export const PrinterStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrinterStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deviceNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paperStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastConnectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}}]}}]} as unknown as DocumentNode<PrinterStatusQuery, PrinterStatusQueryVariables>;
export const CancelPrintMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPrintMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPrintMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPrintMessageMutation, CancelPrintMessageMutationVariables>;
export const PrintMessageStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrintMessageStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"printedAt"}}]}}]}}]} as unknown as DocumentNode<PrintMessageStatusQuery, PrintMessageStatusQueryVariables>;
export const PickupCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickupCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"productId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machine"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"machineNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machineNo"}},{"kind":"Field","name":{"kind":"Name","value":"pickupCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"productId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"productId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}}]}}]} as unknown as DocumentNode<PickupCodesQuery, PickupCodesQueryVariables>;
export const CancelPickupCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPickupCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pickupCodeId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPickupCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"machineNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}}},{"kind":"Argument","name":{"kind":"Name","value":"pickupCodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pickupCodeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"pickupCodeId"}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machineNo"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPickupCodesMutation, CancelPickupCodesMutationVariables>;
export const CancelOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}},{"kind":"Argument","name":{"kind":"Name","value":"taskId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelledAt"}}]}}]}}]}}]} as unknown as DocumentNode<CancelOrderMutation, CancelOrderMutationVariables>;
export const PrintXReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PrintXReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PrintXReportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printXReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"test"}},{"kind":"Field","name":{"kind":"Name","value":"register"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PrintXReportMutation, PrintXReportMutationVariables>;
export const FiscalDocumentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FiscalDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"extId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fiscalDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"extId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"extId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"lastErrorCode"}},{"kind":"Field","name":{"kind":"Name","value":"test"}},{"kind":"Field","name":{"kind":"Name","value":"callbackData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"notifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"notification"}},{"kind":"Field","name":{"kind":"Name","value":"register"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}}]}}]}}]}}]} as unknown as DocumentNode<FiscalDocumentQuery, FiscalDocumentQueryVariables>;
export const FiscalRegisterDocumentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FiscalRegisterDocuments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"representations"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"_Any"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"_entities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"representations"},"value":{"kind":"Variable","name":{"kind":"Name","value":"representations"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FiscalRegister"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}},{"kind":"Field","name":{"kind":"Name","value":"documents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FiscalDocument"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}}]}}]}}]}}]} as unknown as DocumentNode<FiscalRegisterDocumentsQuery, FiscalRegisterDocumentsQueryVariables>;