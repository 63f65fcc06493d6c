/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

/** CANCELLED when this service cancelled the order; APIUSB offers no status call, so anything else is UNKNOWN. */
export type LogisticsOrderStatus =
  | 'CANCELLED'
  | 'UNKNOWN';

/** ONE pickup code by id, or ALL codes of the machine. */
export type PickupCancelScope =
  | 'ALL'
  | 'ONE';

/** The vendor's status; CANCELLED for codes this service cancelled. */
export type PickupCodeStatus =
  | 'CANCELLED'
  | 'EXPIRED'
  | 'UNKNOWN'
  | 'UNUSED'
  | 'USED';

/** An X-report to print on a LifePay fiscal register. */
export type PrintXReportInput = {
  /** Echoed back by LifePay in its callback; at most 8 kB as JSON. */
  callbackData?: unknown;
  /** Idempotency key (at most 50 characters), sent as ext_id; generated when omitted. The same extId again returns the stored document. */
  extId?: string | null | undefined;
  /** LifePay login (11 digits, 7xxxxxxxxxx); LIFEPAY_LOGIN when omitted. */
  login?: string | null | undefined;
  /** Serial of the register to print on; LifePay picks an active one when omitted. */
  targetSerial?: string | null | undefined;
  /** LifePay's test mode: nothing is printed and no uuid is returned. */
  test?: boolean | null | undefined;
};

export type PrinterStatusQueryVariables = Exact<{
  deviceNo: string | number;
}>;


export type PrinterStatusQuery = { printer: { deviceNo: string, status: string | null, paperStatus: string | null, lastConnectedAt: string | null, since: string | null } | null };

export type CancelPrintMessageMutationVariables = Exact<{
  msgNo: string | number;
}>;


export type CancelPrintMessageMutation = { cancelPrintMessage: { cancelled: boolean, message: { msgNo: string, status: string | null } } };

export type PrintMessageStatusQueryVariables = Exact<{
  msgNo: string | number;
}>;


export type PrintMessageStatusQuery = { printMessage: { msgNo: string, status: string | null, createdAt: string | null, printedAt: string | null } | null };

export type PickupCodesQueryVariables = Exact<{
  machineNo: string | number;
  productId: string | number;
}>;


export type PickupCodesQuery = { machine: { machineNo: string, pickupCodes: Array<{ id: string, code: string | null, status: PickupCodeStatus | null, expiresAt: string | null, quantity: number | null }> } | null };

export type CancelPickupCodesMutationVariables = Exact<{
  machineNo: string | number;
  pickupCodeId?: string | number | null | undefined;
}>;


export type CancelPickupCodesMutation = { cancelPickupCodes: { scope: PickupCancelScope, pickupCodeId: string | null, machine: { machineNo: string } } };

export type CancelOrderMutationVariables = Exact<{
  orderId: string | number;
  taskId: string | number;
  reason: string;
}>;


export type CancelOrderMutation = { cancelOrder: { order: { orderId: string, taskId: string | null, status: LogisticsOrderStatus, cancelledAt: string | null } } };

export type PrintXReportMutationVariables = Exact<{
  input: PrintXReportInput;
}>;


export type PrintXReportMutation = { printXReport: { document: { extId: string, uuid: string | null, kind: FiscalDocumentKind, status: FiscalDocumentStatus, attempts: number, nextAttemptAt: string | null, lastError: string | null, test: boolean, register: { serial: string } | null } } };

export type FiscalDocumentQueryVariables = Exact<{
  extId: string | number;
}>;


export type FiscalDocumentQuery = { fiscalDocument: { extId: string, uuid: string | null, kind: FiscalDocumentKind, status: FiscalDocumentStatus, attempts: number, nextAttemptAt: string | null, lastError: string | null, lastErrorCode: string | null, test: boolean, callbackData: unknown, createdAt: string, updatedAt: string, notifiedAt: string | null, notification: string | null, register: { serial: string } | null } | null };

export type PrintMessageUpdatedSubscriptionVariables = Exact<{
  msgNo: string | number;
}>;


export type PrintMessageUpdatedSubscription = { printMessageUpdated: { msgNo: string, status: string | null, printedAt: string | null } };

export type FiscalRegisterDocumentsQueryVariables = Exact<{
  representations: Array<unknown> | unknown;
}>;


export type FiscalRegisterDocumentsQuery = { _entities: Array<
    | { extId: string, status: FiscalDocumentStatus, uuid: string | null }
    | { serial: string, documents: Array<{ extId: string, status: FiscalDocumentStatus, uuid: string | null }> }
    | Record<PropertyKey, never>
   | null> };


export const PrinterStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrinterStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deviceNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paperStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastConnectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}}]}}]} as unknown as DocumentNode<PrinterStatusQuery, PrinterStatusQueryVariables>;
export const CancelPrintMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPrintMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPrintMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPrintMessageMutation, CancelPrintMessageMutationVariables>;
export const PrintMessageStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrintMessageStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"printedAt"}}]}}]}}]} as unknown as DocumentNode<PrintMessageStatusQuery, PrintMessageStatusQueryVariables>;
export const PickupCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickupCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"productId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machine"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"machineNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machineNo"}},{"kind":"Field","name":{"kind":"Name","value":"pickupCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"productId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"productId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}}]}}]} as unknown as DocumentNode<PickupCodesQuery, PickupCodesQueryVariables>;
export const CancelPickupCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPickupCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pickupCodeId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPickupCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"machineNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"machineNo"}}},{"kind":"Argument","name":{"kind":"Name","value":"pickupCodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pickupCodeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"pickupCodeId"}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machineNo"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPickupCodesMutation, CancelPickupCodesMutationVariables>;
export const CancelOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}},{"kind":"Argument","name":{"kind":"Name","value":"taskId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderId"}},{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelledAt"}}]}}]}}]}}]} as unknown as DocumentNode<CancelOrderMutation, CancelOrderMutationVariables>;
export const PrintXReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PrintXReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PrintXReportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printXReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"test"}},{"kind":"Field","name":{"kind":"Name","value":"register"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PrintXReportMutation, PrintXReportMutationVariables>;
export const FiscalDocumentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FiscalDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"extId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fiscalDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"extId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"extId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"lastErrorCode"}},{"kind":"Field","name":{"kind":"Name","value":"test"}},{"kind":"Field","name":{"kind":"Name","value":"callbackData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"notifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"notification"}},{"kind":"Field","name":{"kind":"Name","value":"register"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}}]}}]}}]}}]} as unknown as DocumentNode<FiscalDocumentQuery, FiscalDocumentQueryVariables>;
export const PrintMessageUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PrintMessageUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printMessageUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"printedAt"}}]}}]}}]} as unknown as DocumentNode<PrintMessageUpdatedSubscription, PrintMessageUpdatedSubscriptionVariables>;
export const FiscalRegisterDocumentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FiscalRegisterDocuments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"representations"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"_Any"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"_entities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"representations"},"value":{"kind":"Variable","name":{"kind":"Name","value":"representations"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FiscalRegister"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serial"}},{"kind":"Field","name":{"kind":"Name","value":"documents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FiscalDocument"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"extId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}}]}}]}}]}}]} as unknown as DocumentNode<FiscalRegisterDocumentsQuery, FiscalRegisterDocumentsQueryVariables>;