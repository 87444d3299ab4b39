package io.gproxy.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.billing.Glob;
import io.gproxy.http.Headers;
import io.gproxy.protocol.OperationKey;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compiled rule of a provider's attached rule sets (spec/core.md §7.1). Filters are ANDed and an omitted filter
 * matches: {@code modelPattern} is a glob over the upstream model or the client's requested name,
 * {@code operationKeys} holds {@code operation/kind} ids (or bare operation ids), {@code headerPattern} is a
 * case-insensitive regex found in any inbound header line {@code name: value}.
 */
public record ProviderRule(long id, Kind kind, ObjectNode config, String modelPattern, Set<String> operationKeys,
                           Pattern headerPattern) {

    /** In the order rules run: JSON-value kinds, then text transforms, then headers. */
    public enum Kind {
        SYSTEM_TEXT("system_text"), CACHE_BREAKPOINT("cache_breakpoint"), REWRITE("rewrite"), TRANSFORM("transform"),
        HEADER("header");

        public final String id;

        Kind(String id) {
            this.id = id;
        }

        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** What a rule is matched against for one attempt. */
    public record Match(String upstreamModel, String requestedModel, OperationKey key, Headers inboundHeaders) {
    }

    public boolean matches(Match m) {
        if (modelPattern != null && !(matchesGlob(m.upstreamModel()) || matchesGlob(m.requestedModel()))) {
            return false;
        }
        if (!operationKeys.isEmpty() && !(operationKeys.contains(m.key().toString())
                || operationKeys.contains(m.key().operation().id()))) {
            return false;
        }
        if (headerPattern != null) {
            if (m.inboundHeaders() == null) {
                return false;
            }
            for (Map.Entry<String, List<String>> e : m.inboundHeaders().asMap().entrySet()) {
                for (String v : e.getValue()) {
                    if (headerPattern.matcher(e.getKey() + ": " + v).find()) {
                        return true;
                    }
                }
            }
            return false;
        }
        return true;
    }

    private boolean matchesGlob(String model) {
        return model != null && Glob.matches(modelPattern, model);
    }

    /** For a {@code transform} rule: whether it runs on requests, responses or both. */
    public boolean phase(String phase) {
        String p = config.path("phase").asText("request");
        return p.equals(phase) || p.equals("both");
    }
}
