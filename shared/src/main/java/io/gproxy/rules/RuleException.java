package io.gproxy.rules;

/** A rule that cannot apply to this request: it is skipped and logged, the request goes on (spec/core.md §7.1). */
final class RuleException extends RuntimeException {
    RuleException(String message) {
        super(message, null, false, false);
    }
}
