package io.gproxy.infra;

import java.util.Locale;

/**
 * The eight functions of DESIGN §3, one per operation group, with their defaults. The same table drives the CDK
 * stack and the checks on template.yaml.
 */
public enum GatewayFunction {
    MODELS("Models", "gproxy models (list_models, get_model)", 512, 30, Access.MODELS, false),
    COUNT_TOKENS("CountTokens", "gproxy count tokens (count_tokens)", 512, 30, Access.GATEWAY, false),
    GENERATE_CONTENT("GenerateContent",
            "gproxy generate content (generate_content, stream_generate_content), own streaming Runtime API loop",
            1024, 900, Access.GATEWAY, true),
    IMAGES("Images", "gproxy images (create_image, edit_image)", 512, 60, Access.GATEWAY, false),
    EMBEDDINGS("Embeddings", "gproxy embeddings (create_embedding)", 512, 30, Access.GATEWAY, false),
    COMPACT("Compact", "gproxy compact (compact_content)", 512, 60, Access.GATEWAY, false),
    CONVERSATION("Conversation", "gproxy conversation (create_conversation)", 512, 30, Access.GATEWAY, false),
    ADMIN("Admin", "gproxy admin (/admin, /user, /console, /healthz, /version)", 512, 30, Access.ADMIN, false);

    /** Which role a function runs with. */
    public enum Access {
        /** Reads the config partition, opens sealed credentials. */
        MODELS,
        /** Reads config, writes counters, usage and settlement, opens sealed credentials. */
        GATEWAY,
        /** Reads and writes the table and its index, seals and opens secrets. */
        ADMIN
    }

    private final String prefix;
    private final String description;
    private final int defaultMemoryMb;
    private final int defaultTimeoutSeconds;
    private final Access access;
    private final boolean streaming;

    GatewayFunction(String prefix, String description, int defaultMemoryMb, int defaultTimeoutSeconds, Access access,
                    boolean streaming) {
        this.prefix = prefix;
        this.description = description;
        this.defaultMemoryMb = defaultMemoryMb;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        this.access = access;
        this.streaming = streaming;
    }

    /** "GenerateContent": the stem of logical ids and parameter names. */
    public String prefix() {
        return prefix;
    }

    /** Logical id of the function, e.g. {@code GenerateContentFunction} (SAM's implicit URL is this + "Url"). */
    public String logicalId() {
        return prefix + "Function";
    }

    public String handlerClass() {
        return "io.gproxy.functions." + prefix + "Function";
    }

    /** All handlers are {@code RequestStreamHandler}s. */
    public String handler() {
        return handlerClass() + "::handleRequest";
    }

    /** CloudFront origin id and log group suffix, e.g. {@code generate-content}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String logGroupLogicalId() {
        return prefix + "LogGroup";
    }

    public String memoryParameter() {
        return prefix + "MemorySize";
    }

    public String timeoutParameter() {
        return prefix + "Timeout";
    }

    public String description() {
        return description;
    }

    public int defaultMemoryMb() {
        return defaultMemoryMb;
    }

    public int defaultTimeoutSeconds() {
        return defaultTimeoutSeconds;
    }

    public Access access() {
        return access;
    }

    /** Only generate content streams: RESPONSE_STREAM URL and the exec wrapper. Everything else is BUFFERED. */
    public boolean streaming() {
        return streaming;
    }
}
