import { Field, InputType } from 'type-graphql';
import { JSONScalar } from '../graphql/scalars.js';

@InputType({ description: 'An X-report to print on a LifePay fiscal register.' })
export class PrintXReportInput {
  @Field(() => String, { nullable: true, description: 'Serial of the register to print on; LifePay picks an active one when omitted.' })
  targetSerial?: string | null;

  @Field(() => String, { nullable: true, description: 'LifePay login (11 digits, 7xxxxxxxxxx); LIFEPAY_LOGIN when omitted.' })
  login?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Idempotency key (at most 50 characters), sent as ext_id; generated when omitted. The same extId again returns the stored document.',
  })
  extId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "LifePay's test mode: nothing is printed and no uuid is returned." })
  test?: boolean | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Echoed back by LifePay in its callback; at most 8 kB as JSON.' })
  callbackData?: unknown;
}
