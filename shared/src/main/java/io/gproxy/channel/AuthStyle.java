package io.gproxy.channel;

import io.gproxy.http.Headers;

/** How an API key reaches the upstream (spec/core.md §3.3). */
public enum AuthStyle {
    /** {@code Authorization: Bearer <key>} (OpenAI family). */
    BEARER {
        @Override
        void apply(Headers out, String apiKey) {
            out.set("authorization", "Bearer " + apiKey);
        }
    },
    /** {@code x-api-key: <key>} (Anthropic). */
    X_API_KEY {
        @Override
        void apply(Headers out, String apiKey) {
            out.set("x-api-key", apiKey);
        }
    },
    /** {@code api-key: <key>} (Azure OpenAI / Foundry). */
    API_KEY_HEADER {
        @Override
        void apply(Headers out, String apiKey) {
            out.set("api-key", apiKey);
        }
    },
    /**
     * {@code x-goog-api-key: <key>} (Gemini). Equivalent to the {@code ?key=} query the reference uses, but keeps
     * the key out of URLs, which proxies and access logs record.
     */
    GOOG_API_KEY {
        @Override
        void apply(Headers out, String apiKey) {
            out.set("x-goog-api-key", apiKey);
        }
    };

    abstract void apply(Headers out, String apiKey);
}
