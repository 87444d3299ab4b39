package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What capture masks unless {@code disable_log_redaction} is set (spec/core.md §12): credential-bearing headers
 * (auth, API keys, cookies, AWS session tokens, and any header whose name says key, token, secret or signature) and
 * the same kinds of query parameters. A masked value keeps its first four characters when long enough, so an admin
 * can tell two keys apart without seeing either.
 */
final class Redaction {
    private static final Set<String> HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key",
            "x-goog-api-key", "api-key", "cookie", "set-cookie", "x-amz-security-token", "x-gproxy-origin-verify");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(key|token|secret|signature|password|auth).*");
    private static final Pattern QUERY_PARAM = Pattern.compile("(?i)([?&])([^=&]*(?:key|token|secret|signature|sig)[^=&]*)=([^&#]*)");

    private Redaction() {}

    static String headers(Headers headers, boolean redact) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (headers == null) {
            return o.toString();
        }
        for (Map.Entry<String, List<String>> e : headers.asMap().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            var values = o.putArray(name);
            boolean secret = redact && (HEADERS.contains(name) || SECRET_NAME.matcher(name).matches());
            for (String v : e.getValue()) {
                values.add(secret ? mask(v) : v);
            }
        }
        return o.toString();
    }

    static String url(String url, boolean redact) {
        if (url == null || !redact) {
            return url;
        }
        Matcher m = QUERY_PARAM.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + mask(m.group(3))));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String mask(String value) {
        if (value == null) {
            return null;
        }
        String v = value.startsWith("Bearer ") ? value.substring(7) : value;
        String prefix = value.startsWith("Bearer ") ? "Bearer " : "";
        return prefix + (v.length() >= 16 ? v.substring(0, 4) + "***" : "***");
    }
}
