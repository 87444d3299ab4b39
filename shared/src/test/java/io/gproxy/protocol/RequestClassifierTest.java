package io.gproxy.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The classification table of spec/surface.md §2.2 plus the rows our classifier adds (Gemini embeddings,
 * conversations) and the decisions it documents (late-v2 search/realtime not served, internal WebSocket header never
 * honoured from a client, dot segments and encoded slashes refused). One row per request; each row states the full
 * verdict: operation, kind, stream flag, model, scoped provider, provider-relative path and the Gemini SSE flag.
 */
class RequestClassifierTest {

    private static final String CHAT = "open_ai_chat_completions";
    private static final String RESPONSES = "open_ai_responses";
    private static final String MESSAGES = "claude_messages";
    private static final String GEMINI_CONTENT = "gemini_generate_content";
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash";

    static Stream<Case> table() {
        return Stream.of(
                // ---- §2.2 content rows: operation follows the body's top-level boolean `stream` --------------------
                post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true}")
                        .is("stream_generate_content", CHAT, true, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":false}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                // a non-boolean "true" is not a stream request
                post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":\"true\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":1}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1/responses", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", RESPONSES, false, "gpt-4o", null, "/v1/responses"),
                post("/v1/responses", "{\"model\":\"gpt-4o\",\"stream\":true}")
                        .is("stream_generate_content", RESPONSES, true, "gpt-4o", null, "/v1/responses"),
                // the internal Responses-WebSocket header is never honoured from a client: kind and stream unchanged
                post("/v1/responses", "{\"model\":\"gpt-4o\"}").header("x-gproxy-responses-websocket", "1")
                        .is("generate_content", RESPONSES, false, "gpt-4o", null, "/v1/responses"),
                post("/v1/responses", "{\"model\":\"gpt-4o\",\"stream\":true}").header("x-gproxy-responses-websocket", "true")
                        .is("stream_generate_content", RESPONSES, true, "gpt-4o", null, "/v1/responses"),
                post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"stream\":false}")
                        .is("generate_content", MESSAGES, false, "claude-sonnet-4-5", null, "/v1/messages"),
                post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}")
                        .is("stream_generate_content", MESSAGES, true, "claude-sonnet-4-5", null, "/v1/messages"),

                // ---- §2.2 non-content rows: stream flag always false, even when the body says stream:true -----------
                post("/v1/messages/count_tokens", "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}")
                        .is("count_tokens", "claude", false, "claude-sonnet-4-5", null, "/v1/messages/count_tokens"),
                post("/v1/responses/input_tokens", "{\"model\":\"gpt-4o\",\"stream\":true}")
                        .is("count_tokens", "open_ai", false, "gpt-4o", null, "/v1/responses/input_tokens"),
                post("/v1/responses/compact", "{\"model\":\"gpt-4o\"}")
                        .is("compact_content", "open_ai", false, "gpt-4o", null, "/v1/responses/compact"),
                post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\"}")
                        .is("create_embedding", "open_ai", false, "text-embedding-3-small", null, "/v1/embeddings"),
                post("/v1/images/generations", "{\"model\":\"gpt-image-1\"}")
                        .is("create_image", "open_ai", false, "gpt-image-1", null, "/v1/images/generations"),
                post("/v1/images/edits", "{\"model\":\"gpt-image-1\"}")
                        .is("edit_image", "open_ai", false, "gpt-image-1", null, "/v1/images/edits"),
                // added row: conversations
                post("/v1/conversations", "{}")
                        .is("create_conversation", "open_ai", false, null, null, "/v1/conversations"),

                // ---- late-v2 rows our classifier deliberately does not serve ----------------------------------------
                post("/v1/alpha/search", "{\"model\":\"gpt-4o\"}").unsupported(),
                post("/v1/realtime/calls", "{\"session\":{\"model\":\"gpt-realtime\"}}").unsupported(),
                get("/v1/realtime").unsupported(),
                get("/v1/live").unsupported(),

                // ---- shared /v1/models: dialect from the client's own auth header ----------------------------------
                get("/v1/models").header("x-api-key", "k")
                        .is("list_models", "claude", false, null, null, "/v1/models"),
                get("/v1/models").header("anthropic-version", "2023-06-01")
                        .is("list_models", "claude", false, null, null, "/v1/models"),
                get("/v1/models").header("anthropic-beta", "x")
                        .is("list_models", "claude", false, null, null, "/v1/models"),
                get("/v1/models").header("x-goog-api-key", "k")
                        .is("list_models", "gemini", false, null, null, "/v1/models"),
                get("/v1/models").header("Authorization", "Bearer k")
                        .is("list_models", "open_ai", false, null, null, "/v1/models"),
                get("/v1/models")
                        .is("list_models", "open_ai", false, null, null, "/v1/models"),
                get("/v1/models/gpt-4o").header("Authorization", "Bearer k")
                        .is("get_model", "open_ai", false, "gpt-4o", null, "/v1/models/gpt-4o"),
                // an id may contain '/': it is the rest of the path
                get("/v1/models/openai/gpt-4o").header("x-api-key", "k")
                        .is("get_model", "claude", false, "openai/gpt-4o", null, "/v1/models/openai/gpt-4o"),
                get("/v1/models/openai/gpt-4o").header("x-goog-api-key", "k")
                        .is("get_model", "gemini", false, "openai/gpt-4o", null, "/v1/models/openai/gpt-4o"),
                get("/v1/models/openai/gpt-4o").header("Authorization", "Bearer k")
                        .is("get_model", "open_ai", false, "openai/gpt-4o", null, "/v1/models/openai/gpt-4o"),
                // OpenAI fine-tune ids contain ':'; on /v1 that is still get_model
                get("/v1/models/ft:gpt-4o-mini:acme::abc")
                        .is("get_model", "open_ai", false, "ft:gpt-4o-mini:acme::abc", null, "/v1/models/ft:gpt-4o-mini:acme::abc"),

                // ---- Gemini surface ------------------------------------------------------------------------------
                get("/v1beta/models")
                        .is("list_models", "gemini", false, null, null, "/v1beta/models"),
                get(FLASH)
                        .is("get_model", "gemini", false, "gemini-2.5-flash", null, FLASH),
                get(FLASH + ":generateContent").unsupported(), // ':' in a GET id is not a model
                post(FLASH + ":generateContent", "{\"contents\":[]}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent"),
                // Gemini's non-stream verb ignores a body stream flag
                post(FLASH + ":generateContent", "{\"contents\":[],\"stream\":true}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent"),
                post(FLASH + ":streamGenerateContent?alt=sse", "{\"contents\":[]}")
                        .is("stream_generate_content", GEMINI_CONTENT, true, "gemini-2.5-flash", null, FLASH + ":streamGenerateContent").sse(),
                post(FLASH + ":streamGenerateContent", "{\"contents\":[]}")
                        .is("stream_generate_content", GEMINI_CONTENT, true, "gemini-2.5-flash", null, FLASH + ":streamGenerateContent"),
                post(FLASH + ":streamGenerateContent?alt=json", "{\"contents\":[]}")
                        .is("stream_generate_content", GEMINI_CONTENT, true, "gemini-2.5-flash", null, FLASH + ":streamGenerateContent"),
                // the flag reports the query as sent; it is only ever set for the Gemini family
                post(FLASH + ":generateContent?alt=sse", "{\"contents\":[]}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent").sse(),
                post("/v1/chat/completions?alt=sse", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                // model from the path: text after the last /models/ up to the ':'; may contain '/'
                post("/v1beta/models/openai-main/gpt-4o:generateContent", "{\"contents\":[]}")
                        .is("generate_content", GEMINI_CONTENT, false, "openai-main/gpt-4o", null,
                                "/v1beta/models/openai-main/gpt-4o:generateContent"),
                post(FLASH + ":countTokens", "{\"contents\":[]}")
                        .is("count_tokens", "gemini", false, "gemini-2.5-flash", null, FLASH + ":countTokens"),
                // added rows: Gemini embeddings
                post("/v1beta/models/text-embedding-004:embedContent", "{\"content\":{}}")
                        .is("create_embedding", "gemini", false, "text-embedding-004", null, "/v1beta/models/text-embedding-004:embedContent"),
                post("/v1beta/models/text-embedding-004:batchEmbedContents", "{\"requests\":[]}")
                        .is("create_embedding", "gemini", false, "text-embedding-004", null, "/v1beta/models/text-embedding-004:batchEmbedContents"),
                post(FLASH + ":unknownVerb", "{}").unsupported(),
                post("/v1beta/models:generateContent", "{}").unsupported(), // no model
                // issue 10: nothing may precede "models" (it would travel upstream in the provider path), and
                // percent-encoded segments must be UTF-8 (%C0%AF is an overlong '/')
                post("/v1beta/user/x/models/gemini-2.5-flash:generateContent", "{}").unsupported(),
                post("/v1beta/tunedModels/models/gemini-2.5-flash:generateContent", "{}").unsupported(),
                post("/v1beta/models/%C0%AF/gemini-2.5-flash:generateContent", "{}").unsupported(),
                post("/v1/chat%C0%AFcompletions", "{}").unsupported(),
                // the Gemini verbs are matched on /v1 as well (Gemini's v1 surface)
                post("/v1/models/gemini-2.5-flash:generateContent", "{}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, "/v1/models/gemini-2.5-flash:generateContent"),

                // ---- model precedence: body model, else session.model, else path -------------------------------
                post(FLASH + ":generateContent", "{\"model\":\"fast\",\"contents\":[]}")
                        .is("generate_content", GEMINI_CONTENT, false, "fast", null, FLASH + ":generateContent"),
                post(FLASH + ":generateContent", "{\"session\":{\"model\":\"smart\"},\"contents\":[]}")
                        .is("generate_content", GEMINI_CONTENT, false, "smart", null, FLASH + ":generateContent"),
                post("/v1/responses", "{\"session\":{\"model\":\"gpt-realtime\"}}")
                        .is("generate_content", RESPONSES, false, "gpt-realtime", null, "/v1/responses"),
                post("/v1/responses", "{\"model\":\"gpt-4o\",\"session\":{\"model\":\"gpt-realtime\"}}")
                        .is("generate_content", RESPONSES, false, "gpt-4o", null, "/v1/responses"),
                // a non-string model is ignored and the next source is used
                post("/v1/responses", "{\"model\":42,\"session\":{\"model\":\"gpt-realtime\"}}")
                        .is("generate_content", RESPONSES, false, "gpt-realtime", null, "/v1/responses"),
                post(FLASH + ":generateContent", "{\"model\":null}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent"),
                post("/v1/chat/completions", "{\"messages\":[]}")
                        .is("generate_content", CHAT, false, null, null, "/v1/chat/completions"),
                // a non-object body (tolerant parse): no model, no stream
                post("/v1/chat/completions", "[1,2]")
                        .is("generate_content", CHAT, false, null, null, "/v1/chat/completions"),
                post(FLASH + ":generateContent", null)
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent"),

                // ---- scoped /{provider}/v1/... and /{provider}/v1beta/... -----------------------------------------
                post("/openai/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true}")
                        .is("stream_generate_content", CHAT, true, "gpt-4o", "openai", "/v1/chat/completions"),
                post("/anthropic/v1/messages", "{\"model\":\"claude-sonnet-4-5\"}")
                        .is("generate_content", MESSAGES, false, "claude-sonnet-4-5", "anthropic", "/v1/messages"),
                get("/anthropic/v1/models").header("x-api-key", "k")
                        .is("list_models", "claude", false, null, "anthropic", "/v1/models"),
                get("/openai/v1/models/gpt-4o")
                        .is("get_model", "open_ai", false, "gpt-4o", "openai", "/v1/models/gpt-4o"),
                get("/gemini/v1beta/models")
                        .is("list_models", "gemini", false, null, "gemini", "/v1beta/models"),
                post("/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}")
                        .is("stream_generate_content", GEMINI_CONTENT, true, "gemini-2.5-flash", "gemini", FLASH + ":streamGenerateContent").sse(),
                post("/gemini/v1beta/models/text-embedding-004:batchEmbedContents", "{}")
                        .is("create_embedding", "gemini", false, "text-embedding-004", "gemini", "/v1beta/models/text-embedding-004:batchEmbedContents"),
                post("/openai/chat/completions", "{}").unsupported(),    // no version after the provider
                post("/openai/v2/chat/completions", "{}").unsupported(),
                post("/openai/v1", "{}").unsupported(),

                // ---- reserved first segments are never provider names ----------------------------------------------
                post("/console/v1/chat/completions", "{\"model\":\"gpt-4o\"}").unsupported(),
                get("/admin/v1/models").unsupported(),
                post("/admin/v1/chat/completions", "{}").unsupported(),
                post("/user/v1/chat/completions", "{}").unsupported(),
                get("/healthz/v1/models").unsupported(),
                get("/version/v1/models").unsupported(),
                get("/metrics/v1beta/models").unsupported(),
                post("/v1beta/v1/chat/completions", "{}").unsupported(), // v1beta is the version, not a provider
                post("/v1/v1/chat/completions", "{}").unsupported(),

                // ---- empty segments are dropped: a leading "//" or trailing "/" is normalised, not refused ----------
                post("//v1/chat/completions", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1//chat/completions/", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/openai//v1/chat/completions", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", "openai", "/v1/chat/completions"),
                get("/v1/models/").header("x-api-key", "k")
                        .is("list_models", "claude", false, null, null, "/v1/models"),

                // ---- path tricks ----------------------------------------------------------------------------------
                post("/v1/../v1/chat/completions", "{}").unsupported(),
                post("/v1/./chat/completions", "{}").unsupported(),
                post("/v1/%2e%2e/v1/chat/completions", "{}").unsupported(),
                post("/v1/%2E%2E/v1/chat/completions", "{}").unsupported(),
                post("/openai/v1/chat/completions/%2e%2e", "{}").unsupported(),
                post("/v1/chat%2Fcompletions", "{}").unsupported(),      // encoded slash cannot forge a boundary
                post("/v1/chat%2fcompletions", "{}").unsupported(),
                post("/v1beta/models/openai-main%2Fgpt-4o:generateContent", "{}").unsupported(),
                post("/open%2Fai/v1/chat/completions", "{}").unsupported(),
                post("/v1/chat%5Ccompletions", "{}").unsupported(),      // encoded backslash
                post("/v1/chat/completions%00", "{}").unsupported(),     // NUL
                get("/v1/models/%zz").unsupported(),                     // malformed escape
                get("/v1/models/abc%2").unsupported(),                   // truncated escape
                // other escapes are decoded one segment at a time; the providerPath is the decoded path
                post("/v1/chat/%63ompletions", "{\"model\":\"gpt-4o\"}")
                        .is("generate_content", CHAT, false, "gpt-4o", null, "/v1/chat/completions"),
                post("/v1beta/models/gemini%2D2.5-flash:generateContent", "{}")
                        .is("generate_content", GEMINI_CONTENT, false, "gemini-2.5-flash", null, FLASH + ":generateContent"),

                // ---- wrong method, unknown paths -----------------------------------------------------------------
                get("/v1/chat/completions").unsupported(),
                get("/v1/messages").unsupported(),
                get("/v1/responses").unsupported(),
                request("PUT", "/v1/chat/completions", "{}").unsupported(),
                request("DELETE", "/v1/models/gpt-4o", null).unsupported(),
                post("/v1/models", "{}").unsupported(),
                post("/v1/completions", "{}").unsupported(),
                get("/v1").unsupported(),
                get("/").unsupported(),
                get("").unsupported(),
                get("v1/models").unsupported()                          // not absolute
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void classifies(Case c) throws Exception {
        if (c.expected == null) {
            assertThrows(UnsupportedPathException.class, () -> classify(c), c.label());
            return;
        }
        ClassifiedRequest r = classify(c);
        Expected e = c.expected;
        assertAll(c.label(),
                () -> assertEquals(e.operation, r.operation().id(), "operation"),
                () -> assertEquals(e.kind, r.kind().id(), "kind"),
                () -> assertEquals(e.stream, r.stream(), "stream"),
                () -> assertEquals(e.model, r.model(), "model"),
                () -> assertEquals(e.scopedProvider, r.scopedProvider(), "scopedProvider"),
                () -> assertEquals(e.providerPath, r.providerPath(), "providerPath"),
                () -> assertEquals(e.geminiSse, r.geminiSse(), "geminiSse"));
    }

    /** Runs a case the way the gateway does: path match first (before the body), then full classification. */
    private static ClassifiedRequest classify(Case c) throws Exception {
        int q = c.target.indexOf('?');
        String path = q < 0 ? c.target : c.target.substring(0, q);
        QueryString query = q < 0 ? QueryString.empty() : QueryString.parse(c.target.substring(q + 1));
        PathMatch match = RequestClassifier.matchPath(c.method, path, c.headers);
        JsonNode body = c.body == null ? null : Json.parse(c.body.getBytes(StandardCharsets.UTF_8));
        return RequestClassifier.classify(match, query, body);
    }

    // ---- table DSL -------------------------------------------------------------------------------------------------

    private static Case post(String target, String body) {
        return request("POST", target, body);
    }

    private static Case get(String target) {
        return request("GET", target, null);
    }

    private static Case request(String method, String target, String body) {
        return new Case(method, target, new Headers(), body, null);
    }

    record Expected(String operation, String kind, boolean stream, String model, String scopedProvider,
                    String providerPath, boolean geminiSse) {}

    static final class Case {
        final String method;
        final String target;
        final Headers headers;
        final String body;
        Expected expected;

        Case(String method, String target, Headers headers, String body, Expected expected) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
            this.expected = expected;
        }

        Case header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        Case is(String operation, String kind, boolean stream, String model, String scopedProvider, String providerPath) {
            expected = new Expected(operation, kind, stream, model, scopedProvider, providerPath, false);
            return this;
        }

        /** The request asked for Gemini SSE ({@code alt=sse}). */
        Case sse() {
            expected = new Expected(expected.operation, expected.kind, expected.stream, expected.model,
                    expected.scopedProvider, expected.providerPath, true);
            return this;
        }

        Case unsupported() {
            expected = null;
            return this;
        }

        String label() {
            String h = headers.asMap().isEmpty() ? "" : " " + headers.asMap().keySet();
            String b = body == null ? "" : " " + body;
            return method + " " + target + h + b + " => " + (expected == null ? "unsupported"
                    : expected.operation + "/" + expected.kind + (expected.stream ? " stream" : "")
                    + (expected.geminiSse ? " sse" : ""));
        }

        @Override
        public String toString() {
            return label();
        }
    }
}
