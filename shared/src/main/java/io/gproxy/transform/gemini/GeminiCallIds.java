package io.gproxy.transform.gemini;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Gemini may omit function call ids (older models, Vertex); every other protocol needs them to pair calls with
 * results. A call without id gets {@code call_<n>}, n being its position among the function calls seen so far; a
 * function response without id is paired with the oldest unanswered call of the same name.
 */
final class GeminiCallIds {
    private final Map<String, Deque<String>> unanswered = new HashMap<>();
    private int calls;

    String forCall(String id, String name) {
        String assigned = id != null && !id.isEmpty() ? id : "call_" + calls;
        calls++;
        unanswered.computeIfAbsent(name, k -> new ArrayDeque<>()).addLast(assigned);
        return assigned;
    }

    String forResponse(String id, String name) {
        Deque<String> pending = unanswered.get(name);
        if (id != null && !id.isEmpty()) {
            if (pending != null) {
                pending.remove(id);
            }
            return id;
        }
        if (pending != null && !pending.isEmpty()) {
            return pending.pollFirst();
        }
        return "call_" + calls++;
    }
}
