package io.gproxy.http;

import io.gproxy.protocol.OperationGroup;

import java.util.EnumSet;
import java.util.Set;

/** The unit of deployment (DESIGN §3): each operation group, plus the admin surface. One Lambda function each. */
public enum FunctionGroup {
    MODELS,
    COUNT_TOKENS,
    GENERATE_CONTENT,
    IMAGES,
    EMBEDDINGS,
    COMPACT,
    CONVERSATION,
    ADMIN;

    public static FunctionGroup of(OperationGroup group) {
        return switch (group) {
            case MODELS -> MODELS;
            case COUNT_TOKENS -> COUNT_TOKENS;
            case GENERATE_CONTENT -> GENERATE_CONTENT;
            case IMAGES -> IMAGES;
            case EMBEDDINGS -> EMBEDDINGS;
            case COMPACT -> COMPACT;
            case CONVERSATION -> CONVERSATION;
        };
    }

    public static Set<FunctionGroup> all() {
        return EnumSet.allOf(FunctionGroup.class);
    }
}
