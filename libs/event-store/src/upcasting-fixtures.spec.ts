import { twinEventUpcasting } from '@twinline/contracts';
import { storedEventFixtures } from '@twinline/testing';
import type { StoredEvent } from './event-store';
import { eventHash, verifyStreamChain } from './hash-chain';

/**
 * The stored-form fixtures of old event versions (libs/contracts/fixtures/events) are genuine: each
 * verifies against its own hash. Hashes cover the stored form, so verification must come before
 * upcasting: the upcast form of an old event never verifies.
 */
describe.each(storedEventFixtures().map((f) => [f.file, f.event as StoredEvent] as const))('%s', (_, stored) => {
  it('is a stored event whose hash covers exactly its content', () => {
    expect(eventHash(stored.prevHash, stored)).toBe(stored.hash);
    expect(verifyStreamChain([stored], { prevHash: stored.prevHash })).toEqual({ valid: true, checked: 1, lastHash: stored.hash });
  });

  it('no longer verifies once upcast: chains are verified on the stored form', () => {
    const upcast = twinEventUpcasting.upcast(stored);
    expect(upcast).not.toEqual(stored);
    expect(verifyStreamChain([upcast], { prevHash: stored.prevHash })).toMatchObject({ valid: false, streamVersion: stored.streamVersion });
  });
});
