package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.protocol.Json;
import io.gproxy.store.CredentialSecretStore;
import io.gproxy.store.CredentialSecretStore.StoredSecret;
import io.gproxy.store.LeaseStore;
import io.gproxy.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Single-flight credential refresh across threads and containers (spec/core.md §11). Call
 * {@link #ensureFresh} after opening a credential's secret and before {@link Channel#prepare}:
 * <ol>
 * <li>a secret this container already refreshed is used instead of the snapshot's stale copy (refreshes do not
 * bump the config version, so snapshots lag);</li>
 * <li>not stale and not forced ⇒ used as is — no store access on the hot path;</li>
 * <li>otherwise, under a per-credential lock: re-read the row; if a peer already rotated it (lazy: no longer stale;
 * forced: changed since the caller opened it) use the peer's;</li>
 * <li>take the DynamoDB lease {@code credential-refresh:<id>} (conditional put, owner + TTL) or, while another
 * container holds it, poll the row until its result appears (or the lease frees up: take it then);</li>
 * <li>under the lease (renewed every third of its TTL while the refresh runs): re-read once more, call
 * {@link Channel#refresh}, seal, compare-and-swap the sealed secret (only if the stored one is still the one read;
 * deleted or disabled rows are never resurrected), release.</li>
 * </ol>
 * Nothing else is written. A failure throws {@link CredentialRefreshException} with the cooldown to apply and is
 * reported to the {@link Listener} (health hook).
 */
public final class CredentialRefresher {

    /** Tuning. Defaults: lease 60 s, poll every 250 ms, wait for a peer up to 75 s. */
    public record Options(Duration leaseTtl, Duration pollInterval, Duration maxWait) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), Duration.ofMillis(250), Duration.ofSeconds(75));
        }
    }

    /** Health/audit hook: a refresh failed (cool the credential) or succeeded. */
    public interface Listener {
        default void refreshed(long credentialId) {}

        default void refreshFailed(long credentialId, CredentialRefreshException failure) {}
    }

    /** The secret to use for the attempt, and its sealed form (pass it back when forcing a refresh). */
    public record Fresh(JsonNode secret, String sealed, boolean refreshedHere) {}

    private record Cached(String basedOn, String sealed, JsonNode secret) {}

    private final CredentialSecretStore store;
    private final LeaseStore leases;
    private final SecretCipher cipher;
    private final ChannelHttp http;
    private final Clock clock;
    private final Options options;
    private final Listener listener;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong ownerSeq = new AtomicLong();
    private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    public CredentialRefresher(CredentialSecretStore store, LeaseStore leases, SecretCipher cipher, ChannelHttp http,
                               Clock clock, Options options, Listener listener) {
        this.store = store;
        this.leases = leases;
        this.cipher = cipher;
        this.http = http;
        this.clock = clock;
        this.options = options;
        this.listener = listener == null ? new Listener() {} : listener;
    }

    public static String leaseName(long credentialId) {
        return "credential-refresh:" + credentialId;
    }

    /**
     * The secret to use for an attempt.
     *
     * @param sealed   the sealed secret the caller opened (from its config snapshot)
     * @param opened   that secret, opened
     * @param settings the provider's settings (token endpoint overrides)
     * @param force    true after an AuthDead answer: refresh even if the secret does not look stale, unless a peer
     *                 already replaced the one the caller used
     */
    public Fresh ensureFresh(Channel channel, long credentialId, String sealed, JsonNode opened, ObjectNode settings,
                             boolean force) throws CredentialRefreshException {
        return ensureFresh(channel, credentialId, sealed, opened, settings, force, null);
    }

    /**
     * @param via the client to reach the token endpoint through (the credential's outbound proxy), or null for the
     *            refresher's own
     */
    public Fresh ensureFresh(Channel channel, long credentialId, String sealed, JsonNode opened, ObjectNode settings,
                             boolean force, ChannelHttp via) throws CredentialRefreshException {
        String basedOn = sealed; // the snapshot value a refreshed secret supersedes
        Cached c = cache.get(credentialId);
        if (c != null && (c.basedOn.equals(sealed) || c.sealed.equals(sealed))) {
            basedOn = c.basedOn;
            if (!c.sealed.equals(sealed)) {
                if (force) {
                    // the caller used the snapshot's copy, which this container already replaced: retry with ours
                    // first; forcing again only makes sense once ours failed too
                    return new Fresh(c.secret, c.sealed, false);
                }
                sealed = c.sealed;
                opened = c.secret;
            }
        } else if (c != null) {
            cache.remove(credentialId, c); // the snapshot moved on (admin edit or reload): ours is outdated
        }
        if (!force && !channel.needsRefresh(opened, clock.instant())) {
            return new Fresh(opened, sealed, false);
        }
        ReentrantLock lock = locks.computeIfAbsent(credentialId, k -> new ReentrantLock());
        lock.lock();
        try {
            return refreshLocked(channel, credentialId, sealed, settings, force, basedOn, via != null ? via : http);
        } catch (CredentialRefreshException e) {
            listener.refreshFailed(credentialId, e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private Fresh refreshLocked(Channel channel, long credentialId, String callerSealed, ObjectNode settings,
                                boolean force, String basedOn, ChannelHttp via) throws CredentialRefreshException {
        Cached c = cache.get(credentialId);
        if (c != null && !c.sealed.equals(callerSealed) && !channel.needsRefresh(c.secret, clock.instant())) {
            return new Fresh(c.secret, c.sealed, false); // another thread here refreshed while we waited for the lock
        }
        Instant deadline = clock.instant().plus(options.maxWait());
        String owner = instance + ":" + ownerSeq.incrementAndGet();
        while (true) {
            StoredSecret row = readRow(credentialId);
            JsonNode stored = open(credentialId, row.sealedSecret());
            if (peerRotated(channel, row, stored, callerSealed, force)) {
                return remember(credentialId, basedOn, row.sealedSecret(), stored, false);
            }
            boolean acquired;
            try {
                acquired = leases.tryAcquire(leaseName(credentialId), owner, options.leaseTtl(), clock.instant());
            } catch (StoreUnavailableException e) {
                throw new CredentialRefreshException("refresh lease unavailable: " + e.getMessage(), false, e);
            }
            if (acquired) {
                Thread heartbeat = heartbeat(credentialId, owner);
                try {
                    return refreshUnderLease(channel, credentialId, callerSealed, settings, force, basedOn, via);
                } finally {
                    heartbeat.interrupt();
                    try {
                        leases.release(leaseName(credentialId), owner);
                    } catch (StoreUnavailableException ignored) {
                        // it expires by itself
                    }
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new CredentialRefreshException("timed out waiting for another container to refresh credential "
                        + credentialId, false, null);
            }
            sleep(options.pollInterval());
        }
    }

    /** Renews the lease every third of its TTL while a slow token endpoint keeps the refresh in flight. */
    private Thread heartbeat(long credentialId, String owner) {
        long every = Math.max(1, options.leaseTtl().toMillis() / 3);
        return Thread.ofVirtual().name("lease-heartbeat-" + credentialId).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(every);
                    if (!leases.renew(leaseName(credentialId), owner, options.leaseTtl(), clock.instant())) {
                        return; // lost: a peer took over; our CAS still refuses to overwrite its result
                    }
                }
            } catch (InterruptedException | StoreUnavailableException done) {
                // refresh finished, or the store is unreachable: the lease expires by itself
            }
        });
    }

    private Fresh refreshUnderLease(Channel channel, long credentialId, String callerSealed, ObjectNode settings,
                                    boolean force, String basedOn, ChannelHttp via) throws CredentialRefreshException {
        StoredSecret row = readRow(credentialId);
        JsonNode stored = open(credentialId, row.sealedSecret());
        if (peerRotated(channel, row, stored, callerSealed, force)) {
            return remember(credentialId, basedOn, row.sealedSecret(), stored, false);
        }
        ObjectNode fresh;
        try {
            fresh = channel.refresh(new RefreshContext(stored, settings, clock.instant(), via));
        } catch (RefreshException e) {
            throw new CredentialRefreshException("refresh of credential " + credentialId + " failed: " + e.getMessage(),
                    e.credentialDead(), e);
        } catch (RuntimeException e) {
            throw new CredentialRefreshException("refresh of credential " + credentialId + " failed: " + e, false, e);
        }
        String newSealed;
        try {
            newSealed = cipher.seal(fresh.toString(), SecretContext.of("credential", credentialId));
        } catch (SecretSealingException e) {
            throw new CredentialRefreshException("refreshed secret could not be sealed", false, e);
        }
        boolean written;
        try {
            written = store.compareAndSwap(credentialId, row.sealedSecret(), newSealed);
        } catch (StoreUnavailableException e) {
            throw new CredentialRefreshException("refreshed secret could not be written: " + e.getMessage(), false, e);
        }
        if (!written) {
            // the row was deleted, disabled or its secret replaced (admin) while we refreshed: never overwrite
            StoredSecret now = readRow(credentialId);
            JsonNode theirs = open(credentialId, now.sealedSecret());
            if (!channel.needsRefresh(theirs, clock.instant())) {
                return remember(credentialId, basedOn, now.sealedSecret(), theirs, false);
            }
            throw new CredentialRefreshException("credential " + credentialId
                    + " changed while it was being refreshed; not overwritten", false, null);
        }
        listener.refreshed(credentialId);
        return remember(credentialId, basedOn, newSealed, fresh, true);
    }

    private boolean peerRotated(Channel channel, StoredSecret row, JsonNode stored, String callerSealed, boolean force) {
        if (channel.needsRefresh(stored, clock.instant())) {
            return false;
        }
        return !force || !row.sealedSecret().equals(callerSealed);
    }

    private Fresh remember(long credentialId, String basedOn, String sealed, JsonNode secret, boolean refreshedHere) {
        cache.put(credentialId, new Cached(basedOn, sealed, secret));
        return new Fresh(secret, sealed, refreshedHere);
    }

    private StoredSecret readRow(long credentialId) throws CredentialRefreshException {
        Optional<StoredSecret> row;
        try {
            row = store.read(credentialId);
        } catch (StoreUnavailableException e) {
            throw new CredentialRefreshException("credential store unavailable: " + e.getMessage(), false, e);
        }
        if (row.isEmpty() || row.get().sealedSecret() == null) {
            throw new CredentialRefreshException("credential " + credentialId + " no longer exists", false, null);
        }
        if (!row.get().enabled()) {
            throw new CredentialRefreshException("credential " + credentialId + " is disabled", false, null);
        }
        return row.get();
    }

    private JsonNode open(long credentialId, String sealed) throws CredentialRefreshException {
        try {
            return Json.parse(cipher.open(sealed, SecretContext.of("credential", credentialId))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (SecretSealingException | IOException e) {
            throw new CredentialRefreshException("stored secret of credential " + credentialId + " does not open", false, e);
        }
    }

    private static void sleep(Duration d) throws CredentialRefreshException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialRefreshException("interrupted while waiting for a refresh", false, e);
        }
    }

    /** Drops what this container remembers (tests; after an admin replaced a secret). */
    public void forget(long credentialId) {
        cache.remove(credentialId);
    }
}
