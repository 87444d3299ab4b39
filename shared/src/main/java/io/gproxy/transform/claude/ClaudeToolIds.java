package io.gproxy.transform.claude;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tool-call ids in Claude's {@code toolu_} shape (spec/surface.md §4.9). One instance per request or stream: the
 * memo makes a {@code tool_use} and its later {@code tool_result} get the same new id, and keeps two different
 * foreign ids that sanitise alike from colliding.
 */
final class ClaudeToolIds {
    private static final String PREFIX = "toolu_";

    private final Map<String, String> memo = new HashMap<>();
    private final Set<String> issued = new HashSet<>();

    String toClaude(String original) {
        if (original == null) {
            return unique(PREFIX + "generated");
        }
        String known = memo.get(original);
        if (known != null) {
            return known;
        }
        String id = original.startsWith(PREFIX) ? original : unique(PREFIX + sanitise(original));
        memo.put(original, id);
        issued.add(id);
        return id;
    }

    private String unique(String candidate) {
        String id = candidate;
        for (int n = 2; issued.contains(id); n++) {
            id = candidate + "_" + n;
        }
        issued.add(id);
        return id;
    }

    static String sanitise(String original) {
        StringBuilder sb = new StringBuilder(original.length());
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            sb.append(ok ? c : '_');
        }
        int start = 0;
        int end = sb.length();
        while (start < end && sb.charAt(start) == '_') {
            start++;
        }
        while (end > start && sb.charAt(end - 1) == '_') {
            end--;
        }
        return start == end ? "generated" : sb.substring(start, end);
    }
}
