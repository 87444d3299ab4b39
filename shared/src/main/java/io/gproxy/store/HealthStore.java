package io.gproxy.store;

import java.time.Instant;
import java.util.List;

/**
 * Credential health shared between containers (spec/core.md §6.5 keeps it per instance; on Lambda a container
 * lives minutes, so a cooldown one container observed must reach the others): cooldowns and open breakers as
 * expiring entries. Containers write an entry when they observe the event and read all of them with the config
 * version poll (one Query per poll interval, never per request). The admin API lists and resets them.
 */
public interface HealthStore {
    /** What kind of unavailability an entry records. */
    enum Kind {
        /** Rate limited or auth dead: no traffic until {@code until}. */
        COOLDOWN,
        /** Circuit breaker open until {@code until}, after which one probe is admitted. */
        BREAKER,
        /**
         * An admin reset at {@code observedAt}: every container clears its own state for the credential once, at
         * its next poll (the entries themselves are deleted by the reset). Kept until {@code until}, long enough
         * for every live container to poll; not shown as unavailability.
         */
        RESET
    }

    /** How long a reset marker stays: longer than any cooldown a container could still hold (600 s auth). */
    java.time.Duration RESET_MARKER_TTL = java.time.Duration.ofMinutes(15);

    /**
     * @param model     the upstream model, or null when the whole credential is affected
     * @param openMillis for breakers: the length of the current open period (a failed probe doubles it); else 0
     * @param reason    short, secret-free text for the admin view (e.g. {@code rate_limited}, {@code 5 failures})
     */
    record Entry(long credentialId, String model, Kind kind, Instant until, long openMillis, String reason,
                 Instant observedAt) {
    }

    /** Records an entry (replacing the one for the same credential, model and kind); expires at {@code until}. */
    void put(Entry entry);

    /** Entries still in force at {@code now}. */
    List<Entry> list(Instant now);

    /**
     * Removes every entry of a credential (admin "reset status") and leaves a {@link Kind#RESET} marker at {@code now},
     * so containers that adopted or observed the old state clear it too.
     */
    void reset(long credentialId, Instant now);
}
