/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query PrinterStatus($deviceNo: ID!) {\n  printer(deviceNo: $deviceNo) {\n    deviceNo\n    status\n    paperStatus\n    lastConnectedAt\n    since\n  }\n}": typeof types.PrinterStatusDocument,
    "mutation CancelPrintMessage($msgNo: ID!) {\n  cancelPrintMessage(msgNo: $msgNo) {\n    cancelled\n    message {\n      msgNo\n      status\n    }\n  }\n}": typeof types.CancelPrintMessageDocument,
    "query PrintMessageStatus($msgNo: ID!) {\n  printMessage(msgNo: $msgNo) {\n    msgNo\n    status\n    createdAt\n    printedAt\n  }\n}": typeof types.PrintMessageStatusDocument,
    "query PickupCodes($machineNo: ID!, $productId: ID!) {\n  machine(machineNo: $machineNo) {\n    machineNo\n    pickupCodes(productId: $productId) {\n      id\n      code\n      status\n      expiresAt\n      quantity\n    }\n  }\n}": typeof types.PickupCodesDocument,
    "mutation CancelPickupCodes($machineNo: ID!, $pickupCodeId: ID) {\n  cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $pickupCodeId) {\n    scope\n    pickupCodeId\n    machine {\n      machineNo\n    }\n  }\n}": typeof types.CancelPickupCodesDocument,
    "mutation CancelOrder($orderId: ID!, $taskId: ID!, $reason: String!) {\n  cancelOrder(orderId: $orderId, taskId: $taskId, reason: $reason) {\n    order {\n      orderId\n      taskId\n      status\n      cancelledAt\n    }\n  }\n}": typeof types.CancelOrderDocument,
    "mutation PrintXReport($input: PrintXReportInput!) {\n  printXReport(input: $input) {\n    document {\n      extId\n      uuid\n      kind\n      status\n      attempts\n      nextAttemptAt\n      lastError\n      test\n      register {\n        serial\n      }\n    }\n  }\n}": typeof types.PrintXReportDocument,
    "query FiscalDocument($extId: ID!) {\n  fiscalDocument(extId: $extId) {\n    extId\n    uuid\n    kind\n    status\n    attempts\n    nextAttemptAt\n    lastError\n    lastErrorCode\n    test\n    callbackData\n    createdAt\n    updatedAt\n    notifiedAt\n    notification\n    register {\n      serial\n    }\n  }\n}": typeof types.FiscalDocumentDocument,
    "subscription PrintMessageUpdated($msgNo: ID!) {\n  printMessageUpdated(msgNo: $msgNo) {\n    msgNo\n    status\n    printedAt\n  }\n}": typeof types.PrintMessageUpdatedDocument,
    "query FiscalRegisterDocuments($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n    ... on FiscalRegister {\n      serial\n      documents(limit: 10) {\n        extId\n        status\n        uuid\n      }\n    }\n    ... on FiscalDocument {\n      extId\n      status\n      uuid\n    }\n  }\n}": typeof types.FiscalRegisterDocumentsDocument,
};
const documents: Documents = {
    "query PrinterStatus($deviceNo: ID!) {\n  printer(deviceNo: $deviceNo) {\n    deviceNo\n    status\n    paperStatus\n    lastConnectedAt\n    since\n  }\n}": types.PrinterStatusDocument,
    "mutation CancelPrintMessage($msgNo: ID!) {\n  cancelPrintMessage(msgNo: $msgNo) {\n    cancelled\n    message {\n      msgNo\n      status\n    }\n  }\n}": types.CancelPrintMessageDocument,
    "query PrintMessageStatus($msgNo: ID!) {\n  printMessage(msgNo: $msgNo) {\n    msgNo\n    status\n    createdAt\n    printedAt\n  }\n}": types.PrintMessageStatusDocument,
    "query PickupCodes($machineNo: ID!, $productId: ID!) {\n  machine(machineNo: $machineNo) {\n    machineNo\n    pickupCodes(productId: $productId) {\n      id\n      code\n      status\n      expiresAt\n      quantity\n    }\n  }\n}": types.PickupCodesDocument,
    "mutation CancelPickupCodes($machineNo: ID!, $pickupCodeId: ID) {\n  cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $pickupCodeId) {\n    scope\n    pickupCodeId\n    machine {\n      machineNo\n    }\n  }\n}": types.CancelPickupCodesDocument,
    "mutation CancelOrder($orderId: ID!, $taskId: ID!, $reason: String!) {\n  cancelOrder(orderId: $orderId, taskId: $taskId, reason: $reason) {\n    order {\n      orderId\n      taskId\n      status\n      cancelledAt\n    }\n  }\n}": types.CancelOrderDocument,
    "mutation PrintXReport($input: PrintXReportInput!) {\n  printXReport(input: $input) {\n    document {\n      extId\n      uuid\n      kind\n      status\n      attempts\n      nextAttemptAt\n      lastError\n      test\n      register {\n        serial\n      }\n    }\n  }\n}": types.PrintXReportDocument,
    "query FiscalDocument($extId: ID!) {\n  fiscalDocument(extId: $extId) {\n    extId\n    uuid\n    kind\n    status\n    attempts\n    nextAttemptAt\n    lastError\n    lastErrorCode\n    test\n    callbackData\n    createdAt\n    updatedAt\n    notifiedAt\n    notification\n    register {\n      serial\n    }\n  }\n}": types.FiscalDocumentDocument,
    "subscription PrintMessageUpdated($msgNo: ID!) {\n  printMessageUpdated(msgNo: $msgNo) {\n    msgNo\n    status\n    printedAt\n  }\n}": types.PrintMessageUpdatedDocument,
    "query FiscalRegisterDocuments($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n    ... on FiscalRegister {\n      serial\n      documents(limit: 10) {\n        extId\n        status\n        uuid\n      }\n    }\n    ... on FiscalDocument {\n      extId\n      status\n      uuid\n    }\n  }\n}": types.FiscalRegisterDocumentsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PrinterStatus($deviceNo: ID!) {\n  printer(deviceNo: $deviceNo) {\n    deviceNo\n    status\n    paperStatus\n    lastConnectedAt\n    since\n  }\n}"): (typeof documents)["query PrinterStatus($deviceNo: ID!) {\n  printer(deviceNo: $deviceNo) {\n    deviceNo\n    status\n    paperStatus\n    lastConnectedAt\n    since\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelPrintMessage($msgNo: ID!) {\n  cancelPrintMessage(msgNo: $msgNo) {\n    cancelled\n    message {\n      msgNo\n      status\n    }\n  }\n}"): (typeof documents)["mutation CancelPrintMessage($msgNo: ID!) {\n  cancelPrintMessage(msgNo: $msgNo) {\n    cancelled\n    message {\n      msgNo\n      status\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PrintMessageStatus($msgNo: ID!) {\n  printMessage(msgNo: $msgNo) {\n    msgNo\n    status\n    createdAt\n    printedAt\n  }\n}"): (typeof documents)["query PrintMessageStatus($msgNo: ID!) {\n  printMessage(msgNo: $msgNo) {\n    msgNo\n    status\n    createdAt\n    printedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PickupCodes($machineNo: ID!, $productId: ID!) {\n  machine(machineNo: $machineNo) {\n    machineNo\n    pickupCodes(productId: $productId) {\n      id\n      code\n      status\n      expiresAt\n      quantity\n    }\n  }\n}"): (typeof documents)["query PickupCodes($machineNo: ID!, $productId: ID!) {\n  machine(machineNo: $machineNo) {\n    machineNo\n    pickupCodes(productId: $productId) {\n      id\n      code\n      status\n      expiresAt\n      quantity\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelPickupCodes($machineNo: ID!, $pickupCodeId: ID) {\n  cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $pickupCodeId) {\n    scope\n    pickupCodeId\n    machine {\n      machineNo\n    }\n  }\n}"): (typeof documents)["mutation CancelPickupCodes($machineNo: ID!, $pickupCodeId: ID) {\n  cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $pickupCodeId) {\n    scope\n    pickupCodeId\n    machine {\n      machineNo\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelOrder($orderId: ID!, $taskId: ID!, $reason: String!) {\n  cancelOrder(orderId: $orderId, taskId: $taskId, reason: $reason) {\n    order {\n      orderId\n      taskId\n      status\n      cancelledAt\n    }\n  }\n}"): (typeof documents)["mutation CancelOrder($orderId: ID!, $taskId: ID!, $reason: String!) {\n  cancelOrder(orderId: $orderId, taskId: $taskId, reason: $reason) {\n    order {\n      orderId\n      taskId\n      status\n      cancelledAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PrintXReport($input: PrintXReportInput!) {\n  printXReport(input: $input) {\n    document {\n      extId\n      uuid\n      kind\n      status\n      attempts\n      nextAttemptAt\n      lastError\n      test\n      register {\n        serial\n      }\n    }\n  }\n}"): (typeof documents)["mutation PrintXReport($input: PrintXReportInput!) {\n  printXReport(input: $input) {\n    document {\n      extId\n      uuid\n      kind\n      status\n      attempts\n      nextAttemptAt\n      lastError\n      test\n      register {\n        serial\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FiscalDocument($extId: ID!) {\n  fiscalDocument(extId: $extId) {\n    extId\n    uuid\n    kind\n    status\n    attempts\n    nextAttemptAt\n    lastError\n    lastErrorCode\n    test\n    callbackData\n    createdAt\n    updatedAt\n    notifiedAt\n    notification\n    register {\n      serial\n    }\n  }\n}"): (typeof documents)["query FiscalDocument($extId: ID!) {\n  fiscalDocument(extId: $extId) {\n    extId\n    uuid\n    kind\n    status\n    attempts\n    nextAttemptAt\n    lastError\n    lastErrorCode\n    test\n    callbackData\n    createdAt\n    updatedAt\n    notifiedAt\n    notification\n    register {\n      serial\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription PrintMessageUpdated($msgNo: ID!) {\n  printMessageUpdated(msgNo: $msgNo) {\n    msgNo\n    status\n    printedAt\n  }\n}"): (typeof documents)["subscription PrintMessageUpdated($msgNo: ID!) {\n  printMessageUpdated(msgNo: $msgNo) {\n    msgNo\n    status\n    printedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FiscalRegisterDocuments($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n    ... on FiscalRegister {\n      serial\n      documents(limit: 10) {\n        extId\n        status\n        uuid\n      }\n    }\n    ... on FiscalDocument {\n      extId\n      status\n      uuid\n    }\n  }\n}"): (typeof documents)["query FiscalRegisterDocuments($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n    ... on FiscalRegister {\n      serial\n      documents(limit: 10) {\n        extId\n        status\n        uuid\n      }\n    }\n    ... on FiscalDocument {\n      extId\n      status\n      uuid\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;