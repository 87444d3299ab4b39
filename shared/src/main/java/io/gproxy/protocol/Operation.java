package io.gproxy.protocol;

import java.util.Optional;

/** A concrete action a client asks for (spec/surface.md §1.2). Ids are the stored strings. */
public enum Operation {
    LIST_MODELS("list_models", OperationGroup.MODELS),
    GET_MODEL("get_model", OperationGroup.MODELS),
    COUNT_TOKENS("count_tokens", OperationGroup.COUNT_TOKENS),
    GENERATE_CONTENT("generate_content", OperationGroup.GENERATE_CONTENT),
    STREAM_GENERATE_CONTENT("stream_generate_content", OperationGroup.GENERATE_CONTENT),
    CREATE_IMAGE("create_image", OperationGroup.IMAGES),
    EDIT_IMAGE("edit_image", OperationGroup.IMAGES),
    CREATE_EMBEDDING("create_embedding", OperationGroup.EMBEDDINGS),
    COMPACT_CONTENT("compact_content", OperationGroup.COMPACT),
    CREATE_CONVERSATION("create_conversation", OperationGroup.CONVERSATION);

    private final String id;
    private final OperationGroup group;

    Operation(String id, OperationGroup group) {
        this.id = id;
        this.group = group;
    }

    public String id() {
        return id;
    }

    public OperationGroup group() {
        return group;
    }

    public boolean hasRequestBody() {
        return this != LIST_MODELS && this != GET_MODEL;
    }

    public boolean isContentGeneration() {
        return this == GENERATE_CONTENT || this == STREAM_GENERATE_CONTENT;
    }

    public static Optional<Operation> parse(String id) {
        for (Operation op : values()) {
            if (op.id.equals(id)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
