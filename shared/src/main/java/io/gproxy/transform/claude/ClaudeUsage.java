package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.ir.Usage;

import static io.gproxy.transform.ir.Usage.nz;

/**
 * Claude {@code usage} ⇔ IR usage. Claude's {@code input_tokens} excludes cache reads and writes while the IR's
 * includes them, so decode adds the cache fields and encode subtracts them (never below zero). Cache writes are
 * split 5m/1h from the {@code cache_creation} object; without it they all count as 5m.
 */
final class ClaudeUsage {

    private ClaudeUsage() {}

    static Usage decode(JsonNode usage) {
        return decode(usage, null);
    }

    /**
     * @param earlier usage already known in this stream: a {@code message_delta} repeats
     *                {@code cache_creation_input_tokens} without the 5m/1h object, and the split from
     *                {@code message_start} must survive when the total did not change
     */
    static Usage decode(JsonNode usage, Usage earlier) {
        if (usage == null || !usage.isObject()) {
            return Usage.EMPTY;
        }
        Long input = ClaudeJson.lenientLong(usage, "input_tokens");
        Long output = ClaudeJson.lenientLong(usage, "output_tokens");
        Long read = ClaudeJson.lenientLong(usage, "cache_read_input_tokens");
        Long creation = ClaudeJson.lenientLong(usage, "cache_creation_input_tokens");
        Long c5;
        Long c1;
        JsonNode split = usage.get("cache_creation");
        if (split != null && split.isObject()) {
            c5 = ClaudeJson.lenientLong(split, "ephemeral_5m_input_tokens");
            c1 = ClaudeJson.lenientLong(split, "ephemeral_1h_input_tokens");
            if (creation == null && (c5 != null || c1 != null)) {
                creation = nz(c5) + nz(c1);
            }
        } else if (creation == null) {
            c5 = null;
            c1 = null;
        } else if (earlier != null && (earlier.cacheCreation5mTokens() != null || earlier.cacheCreation1hTokens() != null)
                && nz(earlier.cacheCreation5mTokens()) + nz(earlier.cacheCreation1hTokens()) == creation) {
            c5 = earlier.cacheCreation5mTokens();
            c1 = earlier.cacheCreation1hTokens();
        } else {
            c5 = creation;
            // A known 1h count from earlier would now be stale: zero it so the parts still sum to the total.
            c1 = earlier != null && earlier.cacheCreation1hTokens() != null ? Long.valueOf(0) : null;
        }
        Long irInput = input == null ? null : input + nz(read) + nz(creation);
        return new Usage(irInput, output, read, c5, c1, null);
    }

    /**
     * Writes the usage fields Claude reports in a message and in {@code message_start}: uncached input, cache
     * write and read counts (zero when unknown, as the API does), the 5m/1h split, and output.
     */
    static ObjectNode encodeFull(Usage usage) {
        ObjectNode out = encodeInputPart(usage);
        ObjectNode split = out.putObject("cache_creation");
        split.put("ephemeral_5m_input_tokens", nz(usage.cacheCreation5mTokens()));
        split.put("ephemeral_1h_input_tokens", nz(usage.cacheCreation1hTokens()));
        out.put("output_tokens", nz(usage.outputTokens()));
        return out;
    }

    /** The cumulative usage of a closing {@code message_delta}: input and cache totals, then output. */
    static ObjectNode encodeDelta(Usage usage) {
        ObjectNode out = encodeInputPart(usage);
        out.put("output_tokens", nz(usage.outputTokens()));
        return out;
    }

    private static ObjectNode encodeInputPart(Usage usage) {
        long read = nz(usage.cacheReadTokens());
        long creation = nz(usage.cacheCreation5mTokens()) + nz(usage.cacheCreation1hTokens());
        ObjectNode out = ClaudeJson.object();
        out.put("input_tokens", Math.max(0, nz(usage.inputTokens()) - read - creation));
        out.put("cache_creation_input_tokens", creation);
        out.put("cache_read_input_tokens", read);
        return out;
    }
}
