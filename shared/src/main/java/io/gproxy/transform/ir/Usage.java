package io.gproxy.transform.ir;

/**
 * Token usage. Semantics are OpenAI's: {@code inputTokens} counts every prompt token, including those read from
 * or written to a cache; {@code cacheRead...} and {@code cacheCreation...} are parts of it. Claude reports input
 * without cache tokens, so its codec adds them on decode and subtracts them on encode. {@code reasoningTokens} is
 * part of {@code outputTokens}. Null means "not reported".
 */
public record Usage(Long inputTokens, Long outputTokens, Long cacheReadTokens, Long cacheCreation5mTokens,
                    Long cacheCreation1hTokens, Long reasoningTokens) {

    public static final Usage EMPTY = new Usage(null, null, null, null, null, null);

    public long totalTokens() {
        return nz(inputTokens) + nz(outputTokens);
    }

    /** Later non-null fields win: streams report input first and output last, or repeat cumulative totals. */
    public Usage merge(Usage later) {
        if (later == null) {
            return this;
        }
        return new Usage(pick(later.inputTokens, inputTokens), pick(later.outputTokens, outputTokens),
                pick(later.cacheReadTokens, cacheReadTokens), pick(later.cacheCreation5mTokens, cacheCreation5mTokens),
                pick(later.cacheCreation1hTokens, cacheCreation1hTokens), pick(later.reasoningTokens, reasoningTokens));
    }

    public boolean isEmpty() {
        return inputTokens == null && outputTokens == null && cacheReadTokens == null
                && cacheCreation5mTokens == null && cacheCreation1hTokens == null && reasoningTokens == null;
    }

    public static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static Long pick(Long later, Long earlier) {
        return later != null ? later : earlier;
    }
}
