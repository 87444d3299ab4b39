package io.gproxy.billing;

/**
 * A rate-limit row (spec/core.md §10.2): requests per minute and per day and total tokens per day, for the requests
 * of one scope whose route (or, for direct calls, provider) name matches {@code pattern}. Null: no such limit.
 */
public record RateLimit(long id, Scope.Ref scope, String pattern, Long rpm, Long rpd, Long dailyTokens) {
    public boolean appliesTo(String name) {
        return Glob.matches(pattern, name);
    }
}
