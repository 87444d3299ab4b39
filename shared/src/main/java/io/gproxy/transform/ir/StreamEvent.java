package io.gproxy.transform.ir;

/**
 * A normalised stream event. Stream decoders turn provider events into these; stream encoders turn them into the
 * client's events.
 *
 * <p>Order contract, guaranteed by every decoder: {@link Start} first (exactly once); then blocks, each
 * {@link BlockStart}, its deltas, {@link BlockStop}, with at most one block open at a time and indexes allocated
 * by the decoder from 0 upwards; then {@link Finish}; then {@link End} (or {@link Error} instead of anything after
 * Start). {@link UsageUpdate} may appear anywhere after Start, including after Finish (Chat reports usage in a chunk
 * after the finish reason), so encoders hold their final usage-bearing event until End.
 */
public sealed interface StreamEvent {

    /** First event of every stream; {@code usage} may hold the input tokens already. */
    record Start(String id, String model, Usage usage) implements StreamEvent {}

    /**
     * A block opens. For tool calls {@code toolCallId} and {@code toolName} are set, and {@code custom} marks an
     * OpenAI custom (free-text input) tool call, whose argument deltas are plain text rather than JSON.
     */
    record BlockStart(int index, BlockType type, String toolCallId, String toolName, boolean custom)
            implements StreamEvent {

        public BlockStart(int index, BlockType type, String toolCallId, String toolName) {
            this(index, type, toolCallId, toolName, false);
        }
    }

    record TextDelta(int index, String text) implements StreamEvent {}

    /** Reasoning text; {@code summary} when it is a summary (Responses {@code summary_text}) rather than raw. */
    record ReasoningDelta(int index, String text, boolean summary) implements StreamEvent {

        public ReasoningDelta(int index, String text) {
            this(index, text, false);
        }
    }

    /**
     * The opaque reasoning signature (or encrypted reasoning) of a reasoning block, and who issued it (see
     * {@link Content.Reasoning#origin()}; null when unknown).
     */
    record ReasoningSignature(int index, String signature, String encrypted, String origin) implements StreamEvent {

        public ReasoningSignature(int index, String signature, String encrypted) {
            this(index, signature, encrypted, null);
        }
    }

    /** A fragment of a tool call's JSON arguments text. */
    record ToolArgumentsDelta(int index, String partialJson) implements StreamEvent {}

    record BlockStop(int index) implements StreamEvent {}

    /** Usage became known or grew; later values win field by field ({@link Usage#merge}). */
    record UsageUpdate(Usage usage) implements StreamEvent {}

    /** Generation stopped; follows the last BlockStop. */
    record Finish(FinishReason reason) implements StreamEvent {}

    /** The upstream reported an error mid-stream; the stream ends after it. */
    record Error(String type, String message) implements StreamEvent {}

    /** The upstream's terminal event arrived: the stream is complete. Always last on success. */
    record End() implements StreamEvent {}

    enum BlockType {
        TEXT,
        REASONING,
        TOOL_CALL,
        REFUSAL
    }
}
