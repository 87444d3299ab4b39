package io.gproxy.billing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.OptionalLong;

/** Reading a request's own output limit, in every protocol's spelling. */
public final class Estimates {
    private Estimates() {}

    /**
     * {@code max_completion_tokens} / {@code max_tokens} (Chat, Claude), {@code max_output_tokens} (Responses),
     * {@code generationConfig.maxOutputTokens} (Gemini).
     */
    public static OptionalLong maxOutputTokens(JsonNode body) {
        if (body == null) {
            return OptionalLong.empty();
        }
        for (JsonNode v : new JsonNode[]{body.get("max_completion_tokens"), body.get("max_tokens"),
                body.get("max_output_tokens"), body.path("generationConfig").get("maxOutputTokens"),
                body.path("generation_config").get("max_output_tokens")}) {
            if (v != null && v.isIntegralNumber() && v.longValue() > 0) {
                return OptionalLong.of(v.longValue());
            }
        }
        return OptionalLong.empty();
    }
}
