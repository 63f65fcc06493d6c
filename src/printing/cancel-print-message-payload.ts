import { Field, ObjectType } from 'type-graphql';
import { PrintMessage } from './print-message.js';

@ObjectType()
export class CancelPrintMessagePayload {
  @Field(() => PrintMessage)
  message!: PrintMessage;

  @Field(() => Boolean, { description: 'True when Feyin confirmed the cancellation.' })
  cancelled!: boolean;
}
