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
  _Any: { input: any; output: any; }
  federation__FieldSet: { input: any; output: any; }
  federation__Policy: { input: any; output: any; }
  federation__Scope: { input: any; output: any; }
  link__Import: { input: any; output: any; }
};

export type CancelPrintMessagePayload = {
  __typename?: 'CancelPrintMessagePayload';
  /** True when Feyin confirmed the cancellation. */
  cancelled: Scalars['Boolean']['output'];
  message: PrintMessage;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels a message the printer has not started. FAILED_PRECONDITION once it is printing; NOT_FOUND for an unknown msgNo. */
  cancelPrintMessage: CancelPrintMessagePayload;
};


export type MutationCancelPrintMessageArgs = {
  msgNo: Scalars['ID']['input'];
};

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
  /** A Feyin print message; null when Feyin does not know it. */
  printMessage?: Maybe<PrintMessage>;
  /** A Feyin printer and its live status; null when Feyin does not know it. */
  printer?: Maybe<Printer>;
};


export type Query_EntitiesArgs = {
  representations: Array<Scalars['_Any']['input']>;
};


export type QueryPrintMessageArgs = {
  msgNo: Scalars['ID']['input'];
};


export type QueryPrinterArgs = {
  deviceNo: Scalars['ID']['input'];
};

export type _Entity = PrintMessage | Printer;

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


export const PrinterStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrinterStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deviceNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paperStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastConnectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}}]}}]} as unknown as DocumentNode<PrinterStatusQuery, PrinterStatusQueryVariables>;
export const CancelPrintMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPrintMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPrintMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPrintMessageMutation, CancelPrintMessageMutationVariables>;
export const PrintMessageStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrintMessageStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"printMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"msgNo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"msgNo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgNo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"printedAt"}}]}}]}}]} as unknown as DocumentNode<PrintMessageStatusQuery, PrintMessageStatusQueryVariables>;