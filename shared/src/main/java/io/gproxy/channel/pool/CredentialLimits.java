package io.gproxy.channel.pool;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A credential's own budgets (spec/core.md §10.4): {@code rpm_limit} requests and {@code tpm_limit} tokens per
 * minute; null = unlimited.
 */
public record CredentialLimits(Long rpm, Long tpm) {
    public static final CredentialLimits NONE = new CredentialLimits(null, null);

    /** From a stored credential document ({@code rpm_limit}, {@code tpm_limit}). */
    public static CredentialLimits from(JsonNode credentialDoc) {
        return new CredentialLimits(positive(credentialDoc, "rpm_limit"), positive(credentialDoc, "tpm_limit"));
    }

    private static Long positive(JsonNode doc, String field) {
        JsonNode v = doc == null ? null : doc.get(field);
        return v != null && v.canConvertToLong() && v.asLong() > 0 ? v.asLong() : null;
    }

    public boolean unlimited() {
        return rpm == null && tpm == null;
    }
}
