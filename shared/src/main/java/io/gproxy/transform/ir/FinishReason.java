package io.gproxy.transform.ir;

/** Why generation stopped, in the union of the protocols' reasons (spec/surface.md §4.11). */
public enum FinishReason {
    /** Natural end or a stop sequence. */
    STOP,
    /** The output token limit (or the context window) was hit. */
    LENGTH,
    /** The model called tools and waits for results. */
    TOOL_CALLS,
    /** Blocked by a safety filter, or the model refused. */
    CONTENT_FILTER,
    /** The upstream reported a failure. */
    ERROR
}
