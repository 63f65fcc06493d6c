import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../../src/observability/metrics.js';
import { heapSizedSubscriptions, SubscriptionSlots } from '../../src/server/subscription-core.js';

describe('SubscriptionSlots', () => {
  it('refuses past SUBSCRIPTIONS_MAX, retryable, and frees a place once', () => {
    const slots = new SubscriptionSlots(2, new ServiceMetrics(), () => 0.1);
    const first = slots.reserve('graphql-ws');
    const second = slots.reserve('callback');
    expect(typeof first).toBe('function');
    expect(typeof second).toBe('function');
    const third = slots.reserve('graphql-ws');
    expect(third).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    (first as () => void)();
    (first as () => void)();
    expect(slots.size).toBe(1);
    expect(typeof slots.reserve('graphql-ws')).toBe('function');
    expect(typeof slots.reserve('graphql-ws')).not.toBe('function');
  });

  it('refuses a new subscription while the old generation is more than 80 % full, before the heap bound ends the process', () => {
    let share = 0.5;
    const slots = new SubscriptionSlots(10_000, undefined, () => share);
    expect(typeof slots.reserve('graphql-ws')).toBe('function');
    share = 0.81;
    const refused = slots.reserve('graphql-ws');
    expect(refused).toMatchObject({
      message: expect.stringMatching(/short of memory/),
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    });
    expect(slots.size).toBe(1);
    share = 0.79;
    expect(typeof slots.reserve('graphql-ws')).toBe('function');
  });

  it('takes no more subscriptions than the heap holds, even with a larger SUBSCRIPTIONS_MAX: a burst is reserved before its memory is taken', () => {
    // npm start's --max-old-space-size=128, and twice that.
    expect(heapSizedSubscriptions(128 * 1024 * 1024)).toBe(5_700);
    expect(heapSizedSubscriptions(256 * 1024 * 1024)).toBe(11_400);
    const slots = new SubscriptionSlots(10_000, undefined, () => 0.1, 3);
    expect([slots.configuredMax, slots.max]).toEqual([10_000, 3]);
    const taken = [1, 2, 3].map(() => slots.reserve('graphql-ws'));
    expect(taken.every((slot) => typeof slot === 'function')).toBe(true);
    expect(slots.reserve('callback')).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    // A smaller SUBSCRIPTIONS_MAX stands.
    expect(new SubscriptionSlots(2, undefined, () => 0.1, 3).max).toBe(2);
  });
});
