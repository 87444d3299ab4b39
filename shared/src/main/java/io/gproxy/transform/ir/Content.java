package io.gproxy.transform.ir;

import java.util.List;

/**
 * A content block of the IR. Fields that a protocol cannot express are simply null; encoders drop what their
 * protocol lacks and report it through {@link LossReport}.
 */
public sealed interface Content {

    /** Plain text. Empty text is never emitted by encoders (Claude rejects it). */
    record Text(String text) implements Content {}

    /**
     * An image: inline data ({@code mediaType} + base64 {@code data}), a URL, or a provider file id.
     *
     * @param detail OpenAI's {@code low|high|auto} hint, or null
     */
    record Image(String mediaType, String data, String url, String fileId, String detail) implements Content {}

    /** A document or file: inline data, URL, file id, or plain text; {@code filename} is the title where known. */
    record Document(String mediaType, String data, String url, String fileId, String filename, String text)
            implements Content {}

    /** Audio input: base64 {@code data} in {@code format} ({@code wav}, {@code mp3}, ...). */
    record Audio(String format, String data) implements Content {}

    /**
     * A tool call made by the assistant.
     *
     * @param id        the call id ({@code call_...}, {@code toolu_...}); Gemini may omit it
     * @param arguments the arguments as JSON text exactly as received (Chat and Responses carry strings, Claude and
     *                  Gemini objects: decoders of object protocols serialise, encoders of object protocols parse,
     *                  falling back to {@code {}} when the text is not a JSON object)
     * @param custom    an OpenAI custom (free-text input) tool call rather than a function call
     */
    record ToolCall(String id, String name, String arguments, boolean custom) implements Content {}

    /**
     * The result of a tool call, sent back by the client.
     *
     * @param name    the called tool's name where the protocol carries it (Gemini needs it; decoders of other
     *                protocols may fill it from the matching earlier call)
     * @param content text and images; most protocols only take text
     */
    record ToolResult(String callId, String name, List<Content> content, boolean isError) implements Content {}

    /**
     * Model reasoning. {@code text} is the visible thinking (may be a summary); {@code signature} is the opaque
     * token that must round-trip unchanged (Claude {@code signature}, Gemini {@code thoughtSignature}, Chat
     * {@code reasoning_details[].signature}); {@code encrypted} is redacted or encrypted reasoning (Claude
     * {@code redacted_thinking.data}, Responses {@code encrypted_content}).
     *
     * @param summary the text is a summary (Responses {@code summary_text}) rather than raw reasoning
     * @param origin  who issued {@code signature} and {@code encrypted} ({@link OpaqueReasoning#ANTHROPIC},
     *                {@link OpaqueReasoning#GOOGLE}, {@link OpaqueReasoning#OPENAI}, another provider's name), or
     *                null when unknown. Providers reject each other's opaque values, so an encoder sends them to its
     *                API only when the origin is its own or unknown, and hands foreign ones to its clients wrapped
     *                ({@link OpaqueReasoning#wrap}) so the origin survives the round trip.
     */
    record Reasoning(String text, String signature, String encrypted, boolean summary, String origin)
            implements Content {

        /** Reasoning whose opaque values (if any) have no known origin. */
        public Reasoning(String text, String signature, String encrypted, boolean summary) {
            this(text, signature, encrypted, summary, null);
        }
    }

    /** The model refused (OpenAI {@code refusal}). */
    record Refusal(String text) implements Content {}
}
