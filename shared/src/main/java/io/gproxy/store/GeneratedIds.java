package io.gproxy.store;

import java.util.Collection;

/**
 * Ids for rows the gateway creates itself (seeded routing rules, the bootstrap admin's key). They start at
 * {@value #BASE}, far above the ids of imported bundles, so re-importing a bundle (which keeps its own ids) never
 * overwrites a row the gateway made.
 */
public final class GeneratedIds {
    public static final long BASE = 1_000_000_000L;

    private GeneratedIds() {}

    /** The next free generated id given the ids in use for one entity type. */
    public static long next(Collection<Long> used) {
        long max = BASE - 1;
        for (long id : used) {
            max = Math.max(max, id);
        }
        return max + 1;
    }
}
