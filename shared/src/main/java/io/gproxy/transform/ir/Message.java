package io.gproxy.transform.ir;

import java.util.List;

/** One turn of the conversation. */
public record Message(Role role, List<Content> content) {
    public Message {
        content = List.copyOf(content);
    }
}
