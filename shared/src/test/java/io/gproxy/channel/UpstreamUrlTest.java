package io.gproxy.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.PathMatch;
import io.gproxy.protocol.RequestClassifier;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client-controlled text (the decoded path, the requested model) ends up in the upstream URL. These tests pin down
 * that it stays inside the path segment it belongs to: it must not add a query the channel's allow-list did not pass,
 * nor climb out of {@code /models/} with dot segments.
 */
class UpstreamUrlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode SECRET = JSON.createObjectNode().put("api_key", "k");
    private static final ObjectNode NO_SETTINGS = JSON.createObjectNode();

    @Test
    void plainPassthroughUrls() throws Exception {
        UpstreamRequest chat = new OpenAiChannel().prepare(new PrepareContext(
                new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS), false, "gpt-4o",
                "/v1/chat/completions", QueryString.empty(), new Headers(), "{}".getBytes(), SECRET, NO_SETTINGS));
        assertEquals(URI.create("https://api.openai.com/v1/chat/completions"), chat.uri());

        UpstreamRequest gemini = new AiStudioChannel().prepare(new PrepareContext(
                new OperationKey(Operation.STREAM_GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT), true,
                "gemini-2.5-pro", "/v1beta/models/fast:streamGenerateContent", QueryString.parse("alt=sse&foo=1"),
                new Headers(), "{}".getBytes(), SECRET, NO_SETTINGS));
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"),
                gemini.uri());
    }

    @Test
    void encodedQuestionMarkInPathDoesNotBecomeAnUpstreamQuery() throws Exception {
        PathMatch match = RequestClassifier.matchPath("GET", "/openai/v1/models/gpt-4o%3Fevil=1", new Headers());
        ClassifiedRequest req = RequestClassifier.classify(match, QueryString.empty(), null);
        assertEquals("gpt-4o?evil=1", req.model(), "the model id is the decoded segment");

        URI uri = prepare(new OpenAiChannel(), req.key(), req.model(), req.providerPath());
        assertNull(uri.getRawQuery(), "client text must not create an upstream query: " + uri);
        assertEquals("/v1/models/gpt-4o%3Fevil=1", uri.getRawPath());
    }

    @Test
    void requestedModelCannotEscapeTheGeminiModelsPath() throws Exception {
        PathMatch match = RequestClassifier.matchPath("POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent", new Headers());
        ClassifiedRequest req = RequestClassifier.classify(match, QueryString.empty(),
                Json.parse("{\"model\":\"../../v1beta/cachedContents?x=\",\"contents\":[]}".getBytes(StandardCharsets.UTF_8)));

        URI uri;
        try {
            uri = prepare(new AiStudioChannel(), req.key(), req.model(), req.providerPath());
        } catch (ChannelException refused) {
            return; // refusing such a model is an acceptable answer too
        }
        String path = uri.normalize().getRawPath();
        assertTrue(path.startsWith("/v1beta/models/") && path.endsWith(":generateContent"), "escaped the models path: " + uri);
        assertNull(uri.getRawQuery(), "client text must not create an upstream query: " + uri);
    }

    private static URI prepare(Channel channel, OperationKey key, String upstreamModel, String providerPath) throws ChannelException {
        boolean hasBody = key.operation().hasRequestBody();
        return channel.prepare(new PrepareContext(key, false, upstreamModel, providerPath, QueryString.empty(), new Headers(),
                hasBody ? "{}".getBytes() : null, SECRET, NO_SETTINGS)).uri();
    }
}
