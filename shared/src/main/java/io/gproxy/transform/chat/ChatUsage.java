package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Usage;

/**
 * Chat {@code usage}. Chat already has the IR's semantics ({@code prompt_tokens} includes cached tokens,
 * {@code completion_tokens} includes reasoning tokens), so counters map one to one.
 */
final class ChatUsage {
    private ChatUsage() {}

    /** Null or non-object usage is "not reported". */
    static Usage decode(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.EMPTY;
        }
        return new Usage(ChatNodes.count(usage, "prompt_tokens"), ChatNodes.count(usage, "completion_tokens"),
                ChatNodes.count(usage.get("prompt_tokens_details"), "cached_tokens"), null, null,
                ChatNodes.count(usage.get("completion_tokens_details"), "reasoning_tokens"));
    }

    /**
     * Cache writes have no Chat counter; they stay inside {@code prompt_tokens} (the IR total already includes
     * them), only the split is lost.
     */
    static ObjectNode encode(Usage usage, TransformContext ctx) {
        ObjectNode out = ChatNodes.object();
        out.put("prompt_tokens", Usage.nz(usage.inputTokens()));
        out.put("completion_tokens", Usage.nz(usage.outputTokens()));
        out.put("total_tokens", usage.totalTokens());
        if (usage.cacheReadTokens() != null) {
            out.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        }
        if (usage.reasoningTokens() != null) {
            out.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        }
        if (Usage.nz(usage.cacheCreation5mTokens()) + Usage.nz(usage.cacheCreation1hTokens()) > 0) {
            ctx.loss().drop("usage.cache_creation_input_tokens");
        }
        return out;
    }
}
