package io.gproxy.protocol;

/** Broad capability of an operation (spec/surface.md §1.2); also the unit a Lambda function serves. */
public enum OperationGroup {
    MODELS("models"),
    COUNT_TOKENS("count_tokens"),
    GENERATE_CONTENT("generate_content"),
    IMAGES("images"),
    EMBEDDINGS("embeddings"),
    COMPACT("compact"),
    CONVERSATION("conversation");

    private final String id;

    OperationGroup(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
