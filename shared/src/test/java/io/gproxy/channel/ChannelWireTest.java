package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every built-in channel, every native operation of its default routing table, sent to a loopback recorder: the
 * exact method, path and query, the upstream auth, the forwarded headers; and the client's own credentials
 * (Authorization, x-api-key, api-key, x-goog-api-key, ?key=) and cookies never reach the upstream, even when a
 * provider's {@code forward_headers} setting names them.
 */
class ChannelWireTest {
    private static final String MODEL = "m-1";
    private static final String CLIENT_SECRET = "client-secret";
    private static final Headers INBOUND = Headers.of(
            "authorization", "Bearer " + CLIENT_SECRET, "x-api-key", CLIENT_SECRET, "api-key", CLIENT_SECRET,
            "x-goog-api-key", CLIENT_SECRET, "proxy-authorization", "Basic " + CLIENT_SECRET,
            "cookie", "session=client", "x-gproxy-session-id", "sess",
            "anthropic-beta", "b1", "openai-beta", "ob", "openai-organization", "org-1", "openai-project", "proj-x",
            "http-referer", "https://app.example", "x-title", "App", "session_id", "s-1", "x-random", "no");
    /** Inbound headers that may legitimately appear upstream (checked one by one per case). */
    private static final List<String> FORWARDABLE = List.of("anthropic-beta", "openai-beta", "openai-organization",
            "openai-project", "http-referer", "x-title", "session_id", "x-random");
    private static final String API_VERSION = "api-version=" + AzureChannel.DEFAULT_API_VERSION;

    private static LoopbackUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        upstream = new LoopbackUpstream();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    /** One expected upstream call: channel, inbound key and stream flag, then "METHOD /path?query". */
    record Case(String channel, String key, boolean stream, String expected) {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String channel, String key, String expected) {
        CASES.add(new Case(channel, key, key.startsWith("stream_"), expected));
    }

    static {
        add("openai", "list_models/open_ai", "GET /v1/models");
        add("openai", "get_model/open_ai", "GET /v1/models/m-1");
        add("openai", "generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        add("openai", "stream_generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        add("openai", "generate_content/open_ai_responses", "POST /v1/responses");
        add("openai", "stream_generate_content/open_ai_responses", "POST /v1/responses");
        add("openai", "create_embedding/open_ai", "POST /v1/embeddings");
        add("openai", "create_image/open_ai", "POST /v1/images/generations");
        add("openai", "edit_image/open_ai", "POST /v1/images/edits");
        add("openai", "compact_content/open_ai", "POST /v1/responses/compact");
        add("openai", "create_conversation/open_ai", "POST /v1/conversations");

        add("claudeapi", "list_models/claude", "GET /v1/models");
        add("claudeapi", "get_model/claude", "GET /v1/models/m-1");
        add("claudeapi", "list_models/open_ai", "GET /v1/models");
        add("claudeapi", "get_model/open_ai", "GET /v1/models/m-1");
        add("claudeapi", "count_tokens/claude", "POST /v1/messages/count_tokens");
        add("claudeapi", "generate_content/claude_messages", "POST /v1/messages");
        add("claudeapi", "stream_generate_content/claude_messages", "POST /v1/messages");
        add("claudeapi", "generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        add("claudeapi", "stream_generate_content/open_ai_chat_completions", "POST /v1/chat/completions");

        add("aistudio", "list_models/gemini", "GET /v1beta/models");
        add("aistudio", "get_model/gemini", "GET /v1beta/models/m-1");
        add("aistudio", "list_models/open_ai", "GET /v1beta/openai/models");
        add("aistudio", "get_model/open_ai", "GET /v1beta/openai/models/m-1");
        add("aistudio", "count_tokens/gemini", "POST /v1beta/models/m-1:countTokens");
        add("aistudio", "generate_content/gemini_generate_content", "POST /v1beta/models/m-1:generateContent");
        add("aistudio", "stream_generate_content/gemini_generate_content", "POST /v1beta/models/m-1:streamGenerateContent?alt=sse");
        add("aistudio", "generate_content/open_ai_chat_completions", "POST /v1beta/openai/chat/completions");
        add("aistudio", "stream_generate_content/open_ai_chat_completions", "POST /v1beta/openai/chat/completions");
        add("aistudio", "create_embedding/gemini", "POST /v1beta/models/m-1:batchEmbedContents");

        add("vertexexpress", "count_tokens/gemini", "POST /v1/publishers/google/models/m-1:countTokens");
        add("vertexexpress", "generate_content/gemini_generate_content", "POST /v1/publishers/google/models/m-1:generateContent");
        add("vertexexpress", "stream_generate_content/gemini_generate_content",
                "POST /v1/publishers/google/models/m-1:streamGenerateContent?alt=sse");
        add("vertexexpress", "create_embedding/gemini", "POST /v1/publishers/google/models/m-1:batchEmbedContents");

        String vp = "/v1/projects/proj-1/locations/us-central1/publishers/google/models/m-1";
        add("vertex", "list_models/gemini", "GET /v1beta1/publishers/google/models");
        add("vertex", "get_model/gemini", "GET /v1beta1/publishers/google/models/m-1");
        add("vertex", "count_tokens/gemini", "POST " + vp + ":countTokens");
        add("vertex", "generate_content/gemini_generate_content", "POST " + vp + ":generateContent");
        add("vertex", "stream_generate_content/gemini_generate_content", "POST " + vp + ":streamGenerateContent?alt=sse");
        add("vertex", "create_embedding/gemini", "POST " + vp + ":batchEmbedContents");

        add("azure", "list_models/open_ai", "GET /openai/models?" + API_VERSION);
        add("azure", "get_model/open_ai", "GET /openai/models/m-1?" + API_VERSION);
        add("azure", "count_tokens/claude", "POST /anthropic/v1/messages/count_tokens");
        add("azure", "generate_content/open_ai_chat_completions", "POST /openai/deployments/m-1/chat/completions?" + API_VERSION);
        add("azure", "stream_generate_content/open_ai_chat_completions", "POST /openai/deployments/m-1/chat/completions?" + API_VERSION);
        add("azure", "generate_content/open_ai_responses", "POST /openai/responses?" + API_VERSION);
        add("azure", "stream_generate_content/open_ai_responses", "POST /openai/responses?" + API_VERSION);
        add("azure", "generate_content/claude_messages", "POST /anthropic/v1/messages");
        add("azure", "stream_generate_content/claude_messages", "POST /anthropic/v1/messages");
        add("azure", "create_embedding/open_ai", "POST /openai/deployments/m-1/embeddings?" + API_VERSION);
        add("azure", "create_image/open_ai", "POST /openai/deployments/m-1/images/generations?" + API_VERSION);
        add("azure", "edit_image/open_ai", "POST /openai/deployments/m-1/images/edits?" + API_VERSION);
        add("azure", "compact_content/open_ai", "POST /openai/responses/compact?" + API_VERSION);

        add("aws-bedrock", "list_models/claude", "GET /foundation-models?byProvider=anthropic");
        add("aws-bedrock", "get_model/claude", "GET /foundation-models/m-1");
        add("aws-bedrock", "count_tokens/claude", "POST /model/m-1/count-tokens");
        add("aws-bedrock", "generate_content/claude_messages", "POST /model/m-1/invoke");
        add("aws-bedrock", "stream_generate_content/claude_messages", "POST /model/m-1/invoke-with-response-stream");

        for (String id : List.of("openrouter", "deepseek", "groq", "nvidia", "xai")) {
            add(id, "list_models/open_ai", "GET /v1/models");
            add(id, "get_model/open_ai", "GET /v1/models/m-1");
            add(id, "generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
            add(id, "stream_generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        }
        for (String id : List.of("openrouter", "groq", "xai")) {
            add(id, "generate_content/open_ai_responses", "POST /v1/responses");
            add(id, "stream_generate_content/open_ai_responses", "POST /v1/responses");
        }
        add("openrouter", "generate_content/claude_messages", "POST /v1/messages");
        add("openrouter", "stream_generate_content/claude_messages", "POST /v1/messages");
        add("openrouter", "create_embedding/open_ai", "POST /v1/embeddings");
        add("deepseek", "generate_content/claude_messages", "POST /anthropic/v1/messages");
        add("deepseek", "stream_generate_content/claude_messages", "POST /anthropic/v1/messages");
        add("nvidia", "create_embedding/open_ai", "POST /v1/embeddings");
        add("xai", "create_image/open_ai", "POST /v1/images/generations");

        add("custom", "list_models/open_ai", "GET /v1/models");
        add("custom", "list_models/claude", "GET /v1/models");
        add("custom", "list_models/gemini", "GET /v1beta/models");
        add("custom", "get_model/open_ai", "GET /v1/models/m-1");
        add("custom", "get_model/claude", "GET /v1/models/m-1");
        add("custom", "get_model/gemini", "GET /v1beta/models/m-1");
        add("custom", "count_tokens/open_ai", "POST /v1/responses/input_tokens");
        add("custom", "count_tokens/claude", "POST /v1/messages/count_tokens");
        add("custom", "count_tokens/gemini", "POST /v1beta/models/m-1:countTokens");
        add("custom", "generate_content/open_ai_responses", "POST /v1/responses");
        add("custom", "stream_generate_content/open_ai_responses", "POST /v1/responses");
        add("custom", "generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        add("custom", "stream_generate_content/open_ai_chat_completions", "POST /v1/chat/completions");
        add("custom", "generate_content/claude_messages", "POST /v1/messages");
        add("custom", "stream_generate_content/claude_messages", "POST /v1/messages");
        add("custom", "generate_content/gemini_generate_content", "POST /v1beta/models/m-1:generateContent");
        add("custom", "stream_generate_content/gemini_generate_content", "POST /v1beta/models/m-1:streamGenerateContent?alt=sse");
        add("custom", "create_image/open_ai", "POST /v1/images/generations");
        add("custom", "edit_image/open_ai", "POST /v1/images/edits");
        add("custom", "create_embedding/open_ai", "POST /v1/embeddings");
        add("custom", "create_embedding/gemini", "POST /v1beta/models/m-1:batchEmbedContents");
        add("custom", "compact_content/open_ai", "POST /v1/responses/compact");
        add("custom", "create_conversation/open_ai", "POST /v1/conversations");

        add("claudecode", "list_models/claude", "GET /v1/models");
        add("claudecode", "get_model/claude", "GET /v1/models/m-1");
        add("claudecode", "count_tokens/claude", "POST /v1/messages/count_tokens?beta=true");
        add("claudecode", "generate_content/claude_messages", "POST /v1/messages?beta=true");
        add("claudecode", "stream_generate_content/claude_messages", "POST /v1/messages?beta=true");

        add("codex", "list_models/open_ai", "GET /models?client_version=" + CodexChannel.CLIENT_VERSION);
        add("codex", "get_model/open_ai", "GET /models/m-1?client_version=" + CodexChannel.CLIENT_VERSION);
        add("codex", "compact_content/open_ai", "POST /responses/compact");
        add("codex", "stream_generate_content/open_ai_responses", "POST /responses");

        add("geminicli", "count_tokens/gemini", "POST /v1internal:countTokens");
        add("geminicli", "generate_content/gemini_generate_content", "POST /v1internal:generateContent");
        add("geminicli", "stream_generate_content/gemini_generate_content", "POST /v1internal:streamGenerateContent?alt=sse");
    }

    /** The provider-relative path a client (or the planner) uses for a key. */
    static String inboundPath(OperationKey key, boolean stream) {
        ProtocolFamily f = key.family();
        boolean gemini = f == ProtocolFamily.GEMINI;
        return switch (key.operation()) {
            case LIST_MODELS -> gemini ? "/v1beta/models" : "/v1/models";
            case GET_MODEL -> (gemini ? "/v1beta/models/" : "/v1/models/") + MODEL;
            case COUNT_TOKENS -> switch (f) {
                case OPENAI -> "/v1/responses/input_tokens";
                case CLAUDE -> "/v1/messages/count_tokens";
                case GEMINI -> "/v1beta/models/" + MODEL + ":countTokens";
            };
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> switch (key.kind()) {
                case OPEN_AI_CHAT_COMPLETIONS -> "/v1/chat/completions";
                case OPEN_AI_RESPONSES, OPEN_AI_RESPONSES_WEB_SOCKET -> "/v1/responses";
                case CLAUDE_MESSAGES -> "/v1/messages";
                default -> "/v1beta/models/" + MODEL + (stream ? ":streamGenerateContent" : ":generateContent");
            };
            case CREATE_EMBEDDING -> gemini ? "/v1beta/models/" + MODEL + ":batchEmbedContents" : "/v1/embeddings";
            case CREATE_IMAGE -> "/v1/images/generations";
            case EDIT_IMAGE -> "/v1/images/edits";
            case COMPACT_CONTENT -> "/v1/responses/compact";
            case CREATE_CONVERSATION -> "/v1/conversations";
        };
    }

    static ObjectNode secretFor(String channel) {
        return switch (channel) {
            case "vertex" -> Json.MAPPER.createObjectNode().put("client_email", "sa@p.iam").put("private_key", "k")
                    .put("project_id", "proj-1").put("access_token", "up-token")
                    .put("expires_at_ms", Instant.now().plusSeconds(3600).toEpochMilli());
            case "claudecode", "codex", "geminicli" -> Json.MAPPER.createObjectNode().put("access_token", "up-token")
                    .put("refresh_token", "rt").put("expires_at_ms", Instant.now().plusSeconds(7200).toEpochMilli())
                    .put("account_id", "acct-1").put("project_id", "proj-1").put("device_id", "dev-1")
                    .put("account_uuid", "uuid-1");
            default -> Json.MAPPER.createObjectNode().put("api_key", "  up-key ");
        };
    }

    /** Auth headers the upstream must see (every other auth header must be absent). */
    static Map<String, String> authFor(String channel, ProtocolFamily f) {
        return switch (channel) {
            case "vertex", "claudecode", "codex", "geminicli" -> Map.of("authorization", "Bearer up-token");
            case "claudeapi", "deepseek", "custom" -> switch (f) {
                case CLAUDE -> Map.of("x-api-key", "up-key");
                case GEMINI -> Map.of("x-goog-api-key", "up-key");
                case OPENAI -> Map.of("authorization", "Bearer up-key");
            };
            case "aistudio" -> f == ProtocolFamily.OPENAI ? Map.of("authorization", "Bearer up-key")
                    : Map.of("x-goog-api-key", "up-key");
            case "vertexexpress" -> Map.of("x-goog-api-key", "up-key");
            case "azure" -> f == ProtocolFamily.CLAUDE ? Map.of("x-api-key", "up-key") : Map.of("api-key", "up-key");
            default -> Map.of("authorization", "Bearer up-key");
        };
    }

    /** What each forwardable inbound header must look like upstream (absent when not listed). */
    static Map<String, String> forwardedFor(String channel, OperationKey key) {
        ProtocolFamily f = key.family();
        Map<String, String> m = new LinkedHashMap<>();
        switch (channel) {
            case "openai" -> {
                m.put("openai-beta", "ob");
                m.put("openai-organization", "org-1");
                m.put("openai-project", "proj-x");
            }
            case "claudeapi" -> m.put("anthropic-beta", "b1");
            case "openrouter" -> {
                m.put("http-referer", "https://app.example");
                m.put("x-title", "App");
                if (f == ProtocolFamily.CLAUDE) {
                    m.put("anthropic-beta", "b1");
                }
            }
            case "deepseek", "azure" -> {
                if (f == ProtocolFamily.CLAUDE) {
                    m.put("anthropic-beta", "b1");
                }
            }
            case "custom" -> {
                if (f == ProtocolFamily.CLAUDE) {
                    m.put("anthropic-beta", "b1");
                } else if (f == ProtocolFamily.OPENAI) {
                    m.put("openai-beta", "ob");
                    m.put("openai-organization", "org-1");
                    m.put("openai-project", "proj-x");
                }
            }
            case "claudecode" -> m.put("anthropic-beta", ClaudeCodeChannel.OAUTH_BETA + ",b1");
            case "codex" -> {
                m.put("session_id", "s-1");
                if (key.kind() == OperationKind.OPEN_AI_RESPONSES) {
                    m.put("openai-beta", "responses=experimental");
                }
            }
            default -> {
            }
        }
        return m;
    }

    /** Headers the channel adds itself (fingerprints, versions), checked when present in this map. */
    static Map<String, String> staticFor(String channel, OperationKey key) {
        Map<String, String> m = new LinkedHashMap<>();
        boolean claude = key.family() == ProtocolFamily.CLAUDE;
        switch (channel) {
            case "claudeapi", "deepseek", "azure", "openrouter", "custom" -> {
                if (claude) {
                    m.put("anthropic-version", "2023-06-01");
                }
            }
            case "claudecode" -> {
                m.put("anthropic-version", "2023-06-01");
                m.put("user-agent", ClaudeCodeChannel.USER_AGENT);
                m.put("x-app", "cli");
                m.put("x-stainless-lang", "js");
            }
            case "codex" -> {
                m.put("chatgpt-account-id", "acct-1");
                m.put("originator", "codex_exec");
            }
            case "geminicli" -> {
                m.put("user-agent", GeminiCliChannel.USER_AGENT);
                m.put("x-goog-api-client", "gl-node/22.17.0");
            }
            default -> {
            }
        }
        return m;
    }

    private static ObjectNode settingsFor(String channel) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("base_url", upstream.baseUrl());
        if (channel.equals("aws-bedrock")) {
            s.put("control_base_url", upstream.baseUrl());
        }
        // a provider trying to forward client credentials and cookies: still refused
        s.putArray("forward_headers").add("cookie").add("Authorization").add("x-api-key").add("x-goog-api-key");
        return s;
    }

    private static final byte[] BODY = ("{\"model\":\"m-1\",\"max_tokens\":8,\"input\":\"hi\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"hi\"}],\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}").getBytes();

    @Test
    void everyNativeOperationOfEveryChannel() throws Exception {
        List<String> failures = new ArrayList<>();
        ChannelRegistry registry = ChannelRegistry.builtIn();
        for (Case c : CASES) {
            Channel channel = registry.find(c.channel()).orElseThrow();
            OperationKey key = parseKey(c.key());
            String label = c.channel() + " " + c.key();
            QueryString query = QueryString.parse("key=" + CLIENT_SECRET + "&foo=bar"
                    + (key.kind() == OperationKind.GEMINI_GENERATE_CONTENT && c.stream() ? "&alt=sse" : ""));
            boolean hasBody = key.operation().hasRequestBody();
            UpstreamRequest req = channel.prepare(new PrepareContext(key, c.stream(), MODEL, inboundPath(key, c.stream()),
                    query, INBOUND, hasBody ? BODY : null, secretFor(c.channel()), settingsFor(c.channel()),
                    Instant.now()));
            int before = upstream.requests.size();
            ChannelHttp.Result r = LoopbackUpstream.send(req);
            if (r.status() != 200 || upstream.requests.size() != before + 1) {
                failures.add(label + ": not delivered");
                continue;
            }
            LoopbackUpstream.Recorded rec = upstream.last();
            String seen = rec.method() + " " + rec.rawPath() + (rec.rawQuery() == null ? "" : "?" + rec.rawQuery());
            check(failures, label, "request line", c.expected(), seen);

            Map<String, String> auth = authFor(c.channel(), key.family());
            for (String h : List.of("authorization", "x-api-key", "api-key", "x-goog-api-key")) {
                check(failures, label, h, auth.get(h), rec.headers().firstOrNull(h));
            }
            Map<String, String> fwd = forwardedFor(c.channel(), key);
            for (String h : FORWARDABLE) {
                check(failures, label, h, fwd.get(h), rec.headers().firstOrNull(h));
            }
            staticFor(c.channel(), key).forEach((h, v) -> check(failures, label, h, v, rec.headers().firstOrNull(h)));
            for (String h : List.of("cookie", "proxy-authorization", "x-gproxy-session-id")) {
                check(failures, label, h, null, rec.headers().firstOrNull(h));
            }
            rec.headers().asMap().forEach((h, vs) -> vs.forEach(v -> {
                if (v.contains(CLIENT_SECRET) || v.contains("session=client")) {
                    failures.add(label + ": client credential leaked in " + h);
                }
            }));
            if (rec.rawQuery() != null && rec.rawQuery().contains(CLIENT_SECRET)) {
                failures.add(label + ": client key leaked in the query");
            }
            if (hasBody) {
                check(failures, label, "content-type", "application/json", rec.headers().firstOrNull("content-type"));
                if (rec.body().length == 0) {
                    failures.add(label + ": body missing");
                }
            } else if (rec.body().length != 0) {
                failures.add(label + ": unexpected body");
            }
            if (c.stream()) {
                check(failures, label, "accept", c.channel().equals("aws-bedrock")
                        ? "application/vnd.amazon.eventstream" : "text/event-stream", rec.headers().firstOrNull("accept"));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(List<String> failures, String label, String what, String expected, String actual) {
        if (!java.util.Objects.equals(expected, actual)) {
            failures.add(label + ": " + what + " expected <" + expected + "> but was <" + actual + ">");
        }
    }

    static OperationKey parseKey(String s) {
        String[] p = s.split("/");
        return OperationKey.parse(p[0], p[1]).orElseThrow();
    }

    @Test
    void theCasesCoverEveryNativeOperation() {
        Set<String> covered = new HashSet<>();
        CASES.forEach(c -> covered.add(c.channel() + " " + c.key()));
        List<String> missing = new ArrayList<>();
        for (Channel ch : ChannelRegistry.builtIn().all()) {
            for (OperationKey k : ChannelMetadata.nativeKeys(ch.routingDefaults())) {
                if (!covered.contains(ch.id() + " " + k)) {
                    missing.add(ch.id() + " " + k);
                }
            }
        }
        assertTrue(missing.isEmpty(), "native operations without a wire case: " + missing);
    }

    @Test
    void defaultHosts() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("openai", "https://api.openai.com/v1/chat/completions");
        expected.put("claudeapi", "https://api.anthropic.com/v1/messages");
        expected.put("aistudio", "https://generativelanguage.googleapis.com/v1beta/models/m-1:generateContent");
        expected.put("vertexexpress", "https://aiplatform.googleapis.com/v1/publishers/google/models/m-1:generateContent");
        expected.put("vertex", "https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1"
                + "/publishers/google/models/m-1:generateContent");
        expected.put("aws-bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com/model/m-1/invoke");
        expected.put("openrouter", "https://openrouter.ai/api/v1/chat/completions");
        expected.put("deepseek", "https://api.deepseek.com/v1/chat/completions");
        expected.put("groq", "https://api.groq.com/openai/v1/chat/completions");
        expected.put("nvidia", "https://integrate.api.nvidia.com/v1/chat/completions");
        expected.put("xai", "https://api.x.ai/v1/chat/completions");
        expected.put("claudecode", "https://api.anthropic.com/v1/messages?beta=true");
        expected.put("codex", "https://chatgpt.com/backend-api/codex/responses");
        expected.put("geminicli", "https://cloudcode-pa.googleapis.com/v1internal:generateContent");
        ChannelRegistry registry = ChannelRegistry.builtIn();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Channel ch = registry.find(e.getKey()).orElseThrow();
            OperationKey key = firstContentKey(ch);
            UpstreamRequest r = ch.prepare(new PrepareContext(key, key.operation() == Operation.STREAM_GENERATE_CONTENT,
                    MODEL, inboundPath(key, false), QueryString.empty(), new Headers(), BODY, secretFor(e.getKey()),
                    Json.MAPPER.createObjectNode(), Instant.now()));
            assertEquals(URI.create(e.getValue()), r.uri(), e.getKey());
        }
        for (String required : List.of("azure", "custom")) {
            Channel ch = registry.find(required).orElseThrow();
            ChannelException ex = assertThrows(ChannelException.class, () -> ch.prepare(new PrepareContext(
                    parseKey("generate_content/open_ai_chat_completions"), false, MODEL, "/v1/chat/completions",
                    QueryString.empty(), new Headers(), BODY, secretFor(required), null, Instant.now())));
            assertEquals("provider needs settings_json.base_url", ex.getMessage());
        }
        // deepseek's Claude surface
        assertEquals(URI.create("https://api.deepseek.com/anthropic/v1/messages"), registry.find("deepseek").orElseThrow()
                .prepare(new PrepareContext(parseKey("generate_content/claude_messages"), false, MODEL, "/v1/messages",
                        QueryString.empty(), new Headers(), BODY, secretFor("deepseek"), null, Instant.now())).uri());
    }

    private static OperationKey firstContentKey(Channel ch) {
        for (OperationKey k : ChannelMetadata.nativeKeys(ch.routingDefaults())) {
            if (k.operation().isContentGeneration() && k.kind() != OperationKind.OPEN_AI_RESPONSES
                    || ch.id().equals("codex") && k.operation() == Operation.STREAM_GENERATE_CONTENT) {
                if (ch.id().equals("openai") && k.kind() != OperationKind.OPEN_AI_CHAT_COMPLETIONS) {
                    continue;
                }
                if (ch.id().equals("claudeapi") && k.kind() != OperationKind.CLAUDE_MESSAGES) {
                    continue;
                }
                if (ch.id().equals("aistudio") && k.kind() != OperationKind.GEMINI_GENERATE_CONTENT) {
                    continue;
                }
                if (ch.id().equals("deepseek") && k.kind() != OperationKind.OPEN_AI_CHAT_COMPLETIONS) {
                    continue;
                }
                if (ch.id().equals("openrouter") && k.kind() != OperationKind.OPEN_AI_CHAT_COMPLETIONS) {
                    continue;
                }
                if (k.operation() == Operation.GENERATE_CONTENT || ch.id().equals("codex")) {
                    return k;
                }
            }
        }
        throw new AssertionError("no content key for " + ch.id());
    }

    @Test
    void azureV1ApiAndEndpointOverrides() throws Exception {
        ObjectNode v1 = Json.MAPPER.createObjectNode().put("base_url", "https://res.openai.azure.com/")
                .put("api_version", "v1");
        UpstreamRequest r = new AzureChannel().prepare(new PrepareContext(parseKey("generate_content/open_ai_chat_completions"),
                false, MODEL, "/v1/chat/completions", QueryString.empty(), new Headers(), BODY, secretFor("azure"), v1,
                Instant.now()));
        assertEquals(URI.create("https://res.openai.azure.com/openai/v1/chat/completions"), r.uri());

        ObjectNode override = Json.MAPPER.createObjectNode();
        override.putObject("endpoints").put("openai_chat_completions", "https://gw.example/deploy/{model}/chat?x=1");
        UpstreamRequest o = new OpenAiChannel().prepare(new PrepareContext(parseKey("generate_content/open_ai_chat_completions"),
                false, "a/b c", "/v1/chat/completions", QueryString.empty(), new Headers(), BODY, secretFor("openai"),
                override, Instant.now()));
        assertEquals("https://gw.example/deploy/a%2Fb%20c/chat?x=1", o.uri().toString());
    }

    @Test
    void missingCredentialFieldsAreClearErrors() {
        OperationKey chat = parseKey("generate_content/open_ai_chat_completions");
        ObjectNode settings = Json.MAPPER.createObjectNode().put("base_url", "https://x.example");
        assertEquals("credential has no api_key", assertThrows(ChannelException.class, () -> new OpenAiChannel()
                .prepare(new PrepareContext(chat, false, MODEL, "/v1/chat/completions", QueryString.empty(), new Headers(),
                        BODY, Json.MAPPER.createObjectNode().put("api_key", "  "), settings, Instant.now()))).getMessage());
        assertEquals("credential has no access_token", assertThrows(ChannelException.class, () -> new ClaudeCodeChannel()
                .prepare(new PrepareContext(parseKey("generate_content/claude_messages"), false, MODEL, "/v1/messages",
                        QueryString.empty(), new Headers(), BODY, Json.MAPPER.createObjectNode(), settings,
                        Instant.now()))).getMessage());
        assertEquals("geminicli credential has no project_id", assertThrows(ChannelException.class, () ->
                new GeminiCliChannel().prepare(new PrepareContext(parseKey("generate_content/gemini_generate_content"),
                        false, MODEL, "/v1beta/models/m-1:generateContent", QueryString.empty(), new Headers(), BODY,
                        Json.MAPPER.createObjectNode().put("access_token", "t"), settings, Instant.now()))).getMessage());
        assertFalse(HttpChannel.NEVER_FORWARDED.isEmpty());
    }
}
