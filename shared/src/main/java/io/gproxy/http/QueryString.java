package io.gproxy.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A parsed, ordered query string. Values are decoded; {@link #encode()} re-encodes them. */
public final class QueryString {
    private final LinkedHashMap<String, List<String>> params;

    private QueryString(LinkedHashMap<String, List<String>> params) {
        this.params = params;
    }

    public static QueryString empty() {
        return new QueryString(new LinkedHashMap<>());
    }

    public static QueryString parse(String raw) {
        LinkedHashMap<String, List<String>> params = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
        }
        return new QueryString(params);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // malformed %-escape: keep the raw text rather than failing the request
        }
    }

    public Optional<String> first(String name) {
        List<String> list = params.get(name);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    /** A copy without the named parameters. */
    public QueryString without(String... names) {
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>(params);
        for (String n : names) {
            copy.remove(n);
        }
        return new QueryString(copy);
    }

    /** A copy keeping only the named parameters. */
    public QueryString only(java.util.Collection<String> names) {
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (names.contains(k)) {
                copy.put(k, v);
            }
        });
        return new QueryString(copy);
    }

    public QueryString with(String name, String value) {
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>(params);
        copy.put(name, List.of(value));
        return new QueryString(copy);
    }

    public boolean isEmpty() {
        return params.isEmpty();
    }

    public Map<String, List<String>> asMap() {
        return java.util.Collections.unmodifiableMap(params);
    }

    public String encode() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, list) -> list.forEach(v -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }));
        return sb.toString();
    }
}
