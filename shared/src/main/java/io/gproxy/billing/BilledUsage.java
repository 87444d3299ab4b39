package io.gproxy.billing;

import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.ir.Usage;

/**
 * The billed quantities of one request (spec/core.md §9.4, NormalizedUsage): every prompt token is in exactly one
 * of {@code input} (uncached), {@code cacheRead} and the cache-write buckets, so nothing is billed twice;
 * {@code output} includes reasoning tokens, {@code reasoning} is informational.
 */
public record BilledUsage(long input, long output, long cacheRead, long cacheCreation5m, long cacheCreation30m,
                          long cacheCreation1h, long imageOutput, long reasoning) {
    public static final BilledUsage ZERO = new BilledUsage(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * From the IR's usage, which has OpenAI semantics (its input includes cache reads and writes; every codec
     * normalises to that on decode: Claude's {@code input_tokens} + cache read + cache creation, Gemini's
     * {@code promptTokenCount} with {@code cachedContentTokenCount} inside it, output = candidates + thoughts).
     * Uncached input is therefore input − cache read − cache writes, never below zero.
     *
     * <p>The IR has two cache-write buckets, short and long. Claude's are 5 minutes and 1 hour. OpenAI's short
     * writes are its 30-minute ones (spec/core.md §9.4: {@code cache_write_tokens} ⇒ cache_30m), so for an OpenAI
     * upstream the short bucket is billed at the 30-minute price; its long (12-hour) writes at the 1-hour price.
     * The IR carries no image-output count: image output stays 0 until the codecs report one.
     *
     * @param upstream the protocol family that reported the usage (the upstream's, not the client's)
     */
    public static BilledUsage from(Usage u, ProtocolFamily upstream) {
        if (u == null) {
            return ZERO;
        }
        long read = nn(u.cacheReadTokens());
        long shortWrites = nn(u.cacheCreation5mTokens());
        long longWrites = nn(u.cacheCreation1hTokens());
        long input = Math.max(0, nn(u.inputTokens()) - read - shortWrites - longWrites);
        boolean openAi = upstream == ProtocolFamily.OPENAI;
        return new BilledUsage(input, nn(u.outputTokens()), read, openAi ? 0 : shortWrites, openAi ? shortWrites : 0,
                longWrites, 0, nn(u.reasoningTokens()));
    }

    /** Every prompt token (uncached, read from cache, written to cache): what prompt-size tiers compare against. */
    public long promptTokens() {
        return input + cacheRead + cacheCreation5m + cacheCreation30m + cacheCreation1h;
    }

    public long totalTokens() {
        return promptTokens() + output + imageOutput;
    }

    public BilledUsage withOutput(long out) {
        return new BilledUsage(input, out, cacheRead, cacheCreation5m, cacheCreation30m, cacheCreation1h, imageOutput,
                reasoning);
    }

    private static long nn(Long v) {
        return v == null ? 0 : Math.max(0, v);
    }
}
