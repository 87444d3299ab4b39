package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.ir.Usage;

/**
 * Responses {@code usage} ⇔ IR usage. Both use OpenAI semantics (input includes cached tokens, output includes
 * reasoning tokens), so counts map field to field. OpenAI's cache writes come with 30-minute and 12-hour TTL
 * details; they map to the IR's short (5m) and long (1h) cache-write buckets.
 */
final class ResponsesUsage {
    private ResponsesUsage() {}

    static Usage decode(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.EMPTY;
        }
        JsonNode in = usage.path("input_tokens_details");
        JsonNode writes = in.path("cache_write_tokens_details");
        Long shortWrites;
        Long longWrites;
        if (writes.isObject()) {
            shortWrites = JsonFields.count(writes, "ttl_30m_tokens");
            longWrites = JsonFields.count(writes, "ttl_12h_tokens");
        } else {
            shortWrites = JsonFields.count(in, "cache_write_tokens");
            longWrites = null;
        }
        return new Usage(JsonFields.count(usage, "input_tokens"), JsonFields.count(usage, "output_tokens"),
                JsonFields.count(in, "cached_tokens"), shortWrites, longWrites,
                JsonFields.count(usage.path("output_tokens_details"), "reasoning_tokens"));
    }

    /**
     * Every detail field is written (0 when unknown): openai-java's {@code validate()} requires
     * {@code input_tokens_details.cached_tokens}, {@code cache_write_tokens} and
     * {@code output_tokens_details.reasoning_tokens}.
     */
    static ObjectNode encode(Usage usage) {
        long input = Usage.nz(usage.inputTokens());
        long output = Usage.nz(usage.outputTokens());
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("input_tokens", input);
        ObjectNode in = node.putObject("input_tokens_details");
        in.put("cached_tokens", Usage.nz(usage.cacheReadTokens()));
        in.put("cache_write_tokens", Usage.nz(usage.cacheCreation5mTokens()) + Usage.nz(usage.cacheCreation1hTokens()));
        if (Usage.nz(usage.cacheCreation1hTokens()) > 0) {
            ObjectNode writes = in.putObject("cache_write_tokens_details");
            writes.put("ttl_30m_tokens", Usage.nz(usage.cacheCreation5mTokens()));
            writes.put("ttl_12h_tokens", Usage.nz(usage.cacheCreation1hTokens()));
        }
        node.put("output_tokens", output);
        node.putObject("output_tokens_details").put("reasoning_tokens", Usage.nz(usage.reasoningTokens()));
        node.put("total_tokens", input + output);
        return node;
    }
}
