import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { recordAfterVendor, type BaseContext } from '../observability/request-scope.js';
import type { PickupContext } from './pickup-context.js';
import { InputCheck } from '../graphql/validation.js';
import { CancelPickupCodesPayload, PickupCancelScope } from './cancel-pickup-codes-payload.js';
import { Machine } from './machine.js';
import { PickupCode, toPickupCode } from './pickup-code.js';
import { checkMachineNo, checkPickupCodeId, checkProductId, machineNo as validMachineNo } from './pickup-input.js';

@Resolver(() => Machine)
export class MachineResolver {
  @Query(() => Machine, { nullable: true, description: 'A vending machine by its 8-digit number (the vendor has no machine lookup).' })
  machine(@Arg('machineNo', () => ID) machineNo: string): Machine {
    return { machineNo: validMachineNo(machineNo) };
  }

  @FieldResolver(() => [PickupCode], { description: "The machine's pickup codes for one product, as the vendor lists them." })
  async pickupCodes(
    @Root() machine: Machine,
    @Arg('productId', () => ID) productId: string,
    @Ctx() ctx: PickupContext & BaseContext,
  ): Promise<PickupCode[]> {
    const product = InputCheck.single((check) => checkProductId(check, productId));
    const codes = (await ctx.pickup.listCodes(machine.machineNo, product, ctx)).map((code) => ({ ...code, machineNo: machine.machineNo }));
    await recordAfterVendor(ctx, 'listed pickup codes', () => ctx.knownPickupCodes.rememberAll(ctx.merchantId, codes));
    return codes.map(toPickupCode);
  }

  @Mutation(() => CancelPickupCodesPayload, {
    description: 'Cancels one pickup code (with pickupCodeId) or every code of the machine (without).',
  })
  async cancelPickupCodes(
    @Arg('machineNo', () => ID) machineNo: string,
    @Arg('pickupCodeId', () => ID, { nullable: true }) pickupCodeId: string | null | undefined,
    @Ctx() ctx: PickupContext & BaseContext,
  ): Promise<CancelPickupCodesPayload> {
    const check = new InputCheck();
    const machine = checkMachineNo(check, machineNo);
    const codeId = pickupCodeId === null || pickupCodeId === undefined ? null : checkPickupCodeId(check, pickupCodeId);
    check.done();
    if (codeId === null) await ctx.pickup.cancelAll(machine, ctx);
    else await ctx.pickup.cancelOne(machine, codeId, ctx);
    await recordAfterVendor(ctx, 'cancelled pickup codes', () =>
      ctx.knownPickupCodes.markCancelled(ctx.merchantId, machine, codeId ?? undefined),
    );
    return {
      machine: { machineNo: machine },
      scope: codeId === null ? PickupCancelScope.ALL : PickupCancelScope.ONE,
      pickupCodeId: codeId,
    };
  }
}
