package io.gproxy.store;

import java.time.Duration;
import java.time.Instant;

/**
 * Named, expiring, owner-bound leases shared by every container (spec/core.md §11 step 3; spec/aws.md §D5): a
 * lease is free when absent or expired; only its owner renews or releases it. Store failures surface as
 * {@link StoreUnavailableException} (callers treat that as "not acquired").
 */
public interface LeaseStore {

    /** Takes the lease for {@code owner} until {@code now + ttl} if it is free or expired; true when taken. */
    boolean tryAcquire(String name, String owner, Duration ttl, Instant now);

    /** Extends a lease this owner still holds; false when it was lost (expired and taken by another). */
    boolean renew(String name, String owner, Duration ttl, Instant now);

    /** Releases the lease if this owner still holds it; a lost lease is left alone. */
    void release(String name, String owner);
}
