package io.gproxy.transform.ir;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a conversion could not carry over (a field the target protocol cannot express). Collected during decode and
 * encode; the pipeline reports it in the {@code x-gproxy-conversion-loss} header. Never fails a request.
 */
public final class LossReport {
    private final Set<String> dropped = Collections.synchronizedSet(new LinkedHashSet<>());

    /** Notes a dropped field, named in the source protocol's terms (e.g. {@code "logprobs"}). */
    public void drop(String field) {
        dropped.add(field);
    }

    public Set<String> dropped() {
        synchronized (dropped) {
            return Set.copyOf(dropped);
        }
    }

    public boolean isEmpty() {
        return dropped.isEmpty();
    }

    /**
     * Header value: comma-separated, sorted for stable output. Names can be a client's own field names, so
     * anything but printable ASCII becomes '?' (a control character would make the header invalid, or worse) and the
     * value is bounded.
     */
    public String headerValue() {
        String joined = String.join(",", new java.util.TreeSet<>(dropped()));
        StringBuilder out = new StringBuilder(Math.min(joined.length(), MAX_HEADER_CHARS));
        for (int i = 0; i < joined.length() && out.length() < MAX_HEADER_CHARS; i++) {
            char c = joined.charAt(i);
            out.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static final int MAX_HEADER_CHARS = 1024;
}
