package io.gproxy.usage;

/** Where a request's token counts come from (spec/core.md §9.3). */
public enum UsageSource {
    /** Reported by the upstream in its own protocol. */
    UPSTREAM,
    /** Counted by a tokenizer. */
    COUNTED,
    /** Estimated from text length (no usage reported, e.g. an interrupted stream). */
    ESTIMATED;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
