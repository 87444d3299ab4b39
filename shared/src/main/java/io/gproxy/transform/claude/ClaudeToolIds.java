package io.gproxy.transform.claude;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tool-call ids in Claude's {@code toolu_} shape (spec/surface.md §4.9). One instance per request or stream: the
 * memo gives a {@code tool_use} and its later {@code tool_result} the same new id, and every {@code tool_use} id is
 * unique, as the API requires: two foreign ids that sanitise alike get suffixes, and a foreign id reused by a later
 * call (Gemini's positional {@code call_0} in every turn) gets a fresh id that the following results then follow.
 */
final class ClaudeToolIds {
    private static final String PREFIX = "toolu_";

    /** Original id → the Claude id of its most recent call. */
    private final Map<String, String> memo = new HashMap<>();
    private final Set<String> called = new HashSet<>();
    private final Set<String> issued = new HashSet<>();

    /** The id of a {@code tool_use}. */
    String forCall(String original) {
        if (original == null) {
            return unique(PREFIX + "generated");
        }
        if (!called.add(original)) {
            String fresh = unique(base(original));
            memo.put(original, fresh);
            return fresh;
        }
        return memo.computeIfAbsent(original, this::firstId);
    }

    /** The {@code tool_use_id} of a {@code tool_result}: the id its call got. */
    String forResult(String original) {
        if (original == null) {
            return unique(PREFIX + "generated");
        }
        return memo.computeIfAbsent(original, this::firstId);
    }

    private String firstId(String original) {
        return original.startsWith(PREFIX) && issued.add(original) ? original : unique(base(original));
    }

    private static String base(String original) {
        return original.startsWith(PREFIX) ? original : PREFIX + sanitise(original);
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
