package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.aws.EventStreamCodec;
import io.gproxy.channel.aws.EventStreamException;
import io.gproxy.channel.aws.SigV4Signer;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.claude.ClaudeCodec;
import io.gproxy.transform.ir.StreamEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BedrockChannelTest {
    private static final BedrockChannel BEDROCK = new BedrockChannel();
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final OperationKey STREAM_CLAUDE =
            new OperationKey(Operation.STREAM_GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES);
    private static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    private static ObjectNode settings(String base) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("region", "eu-west-1");
        if (base != null) {
            s.put("base_url", base).put("control_base_url", base);
        }
        return s;
    }

    private static PrepareContext ctx(OperationKey key, boolean stream, String path, String body, JsonNode secret,
                                      ObjectNode settings, Headers inbound) {
        return new PrepareContext(key, stream, MODEL, path, QueryString.empty(), inbound,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), secret, settings, AT);
    }

    @Test
    void invokeUrlsBodyAndBearerKey() throws Exception {
        Headers inbound = Headers.of("anthropic-beta", "context-1m-2025-08-07", "authorization", "Bearer client",
                "x-api-key", "client-key", "cookie", "a=b");
        UpstreamRequest req = BEDROCK.prepare(ctx(STREAM_CLAUDE, true, "/v1/messages",
                "{\"model\":\"x\",\"stream\":true,\"max_tokens\":5,\"messages\":[]}",
                Json.MAPPER.createObjectNode().put("api_key", "bedrock-key"), settings(null), inbound));
        assertEquals(URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com/model/"
                + "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"), req.uri());
        assertEquals("POST", req.method());
        assertEquals("Bearer bedrock-key", req.headers().firstOrNull("authorization"));
        assertEquals("application/vnd.amazon.eventstream", req.headers().firstOrNull("accept"));
        assertFalse(req.headers().contains("x-api-key"));
        assertFalse(req.headers().contains("cookie"));
        JsonNode body = Json.parse(req.body());
        assertFalse(body.has("model"));
        assertFalse(body.has("stream"));
        assertEquals("bedrock-2023-05-31", body.path("anthropic_version").asText());
        assertEquals("context-1m-2025-08-07", body.path("anthropic_beta").get(0).asText());

        UpstreamRequest plain = BEDROCK.prepare(ctx(new OperationKey(Operation.GENERATE_CONTENT,
                        OperationKind.CLAUDE_MESSAGES), false, "/v1/messages", "{\"model\":\"x\",\"messages\":[]}",
                Json.MAPPER.createObjectNode().put("api_key", "k"), settings(null), new Headers()));
        assertTrue(plain.uri().getRawPath().endsWith("/invoke"));
    }

    @Test
    void sigV4CredentialSignsTheExactRequest() throws Exception {
        ObjectNode secret = Json.MAPPER.createObjectNode().put("access_key_id", "AKIDTEST")
                .put("secret_access_key", "secret/key").put("session_token", "sess");
        UpstreamRequest req = BEDROCK.prepare(ctx(new OperationKey(Operation.GENERATE_CONTENT,
                        OperationKind.CLAUDE_MESSAGES), false, "/v1/messages", "{\"messages\":[]}", secret,
                settings(null), new Headers()));
        String auth = req.headers().firstOrNull("authorization");
        assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/20260102/eu-west-1/bedrock/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="), auth);
        assertEquals("20260102T030405Z", req.headers().firstOrNull("x-amz-date"));
        assertEquals("sess", req.headers().firstOrNull("x-amz-security-token"));
        // an independent recomputation over what is actually sent gives the same signature
        Headers copy = req.headers().copy().remove("authorization");
        SigV4Signer.Signature again = SigV4Signer.compute("POST", req.uri(), copy, SigV4Signer.sha256Hex(req.body()),
                new SigV4Signer.Credentials("AKIDTEST", "secret/key", "sess"), "eu-west-1", "bedrock", "20260102T030405Z");
        assertEquals(auth, again.authorization());
        assertTrue(again.canonicalRequest().contains("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/invoke\n"));
    }

    @Test
    void classifyMaps403ToPermanentAndShapesErrorsAndModels() throws Exception {
        assertInstanceOf(Disposition.Permanent.class, BEDROCK.classify(403, new Headers(), null));
        assertInstanceOf(Disposition.RateLimited.class, BEDROCK.classify(429, new Headers(), null));
        ShapeContext err = ShapeContext.response(STREAM_CLAUDE, false, MODEL, 429, null);
        JsonNode shaped = Json.parse(BEDROCK.shapeResponse("{\"message\":\"Too many requests\"}".getBytes(), err));
        assertEquals("rate_limit_error", shaped.path("error").path("type").asText());
        assertEquals("Too many requests", shaped.path("error").path("message").asText());

        byte[] list = ("{\"modelSummaries\":[{\"modelId\":\"anthropic.claude-3-haiku-20240307-v1:0\","
                + "\"modelName\":\"Claude 3 Haiku\"}]}").getBytes();
        OperationKey listKey = new OperationKey(Operation.LIST_MODELS, OperationKind.CLAUDE);
        byte[] reshaped = BEDROCK.shapeResponse(list, ShapeContext.response(listKey, false, null, 200, null));
        assertEquals(List.of(new CatalogModel("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku")),
                BEDROCK.parseModelList(reshaped));

        OperationKey count = new OperationKey(Operation.COUNT_TOKENS, OperationKind.CLAUDE);
        assertEquals("{\"input_tokens\":42}", new String(BEDROCK.shapeResponse("{\"inputTokens\":42}".getBytes(),
                ShapeContext.response(count, false, MODEL, 200, null))));
    }

    @Test
    void countTokensWrapsTheMessagesBody() throws Exception {
        UpstreamRequest req = BEDROCK.prepare(ctx(new OperationKey(Operation.COUNT_TOKENS, OperationKind.CLAUDE),
                false, "/v1/messages/count_tokens", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Json.MAPPER.createObjectNode().put("api_key", "k"), settings(null), new Headers()));
        assertEquals("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens", req.uri().getRawPath());
        JsonNode inner = Json.parse(Base64.getDecoder().decode(
                Json.parse(req.body()).path("input").path("invokeModel").path("body").asText()));
        assertEquals("bedrock-2023-05-31", inner.path("anthropic_version").asText());
        assertEquals(1, inner.path("max_tokens").asInt());
        assertFalse(inner.has("model"));
    }

    static byte[] chunk(String anthropicEvent) {
        String payload = "{\"bytes\":\"" + Base64.getEncoder().encodeToString(anthropicEvent.getBytes(StandardCharsets.UTF_8))
                + "\",\"p\":\"abcd\"}";
        return EventStreamCodec.encode(Map.of(":message-type", "event", ":event-type", "chunk",
                ":content-type", "application/json"), payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] claudeEventStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(chunk("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_stop\",\"index\":0}"));
        out.writeBytes(chunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"output_tokens\":7}}"));
        out.writeBytes(chunk("{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":12,"
                + "\"outputTokenCount\":7,\"invocationLatency\":100,\"firstByteLatency\":50}}"));
        return out.toByteArray();
    }

    @Test
    void decoderTurnsChunksIntoClaudeSseFrames() throws Exception {
        byte[] decoded = DecodedStream.decodeAll(claudeEventStream(), BEDROCK.newStreamDecoder(STREAM_CLAUDE, new Headers()));
        List<SseFrame> frames = new SseDecoder().feed(decoded);
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), frames.stream().map(SseFrame::event).toList());
        assertEquals("{\"type\":\"message_stop\"}", frames.get(6).data());
        assertEquals("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n", new String(frames.get(2).encode()));
    }

    @Test
    void streamExceptionsBecomeClaudeErrorFramesAndCorruptionFails() throws Exception {
        byte[] exception = EventStreamCodec.encode(Map.of(":message-type", "exception",
                ":exception-type", "throttlingException", ":content-type", "application/json"),
                "{\"message\":\"Too many tokens, please wait\"}".getBytes());
        List<SseFrame> frames = new SseDecoder().feed(DecodedStream.decodeAll(exception, new BedrockClaudeStreamDecoder()));
        assertEquals("error", frames.get(0).event());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many tokens, please wait\"}}",
                frames.get(0).data());

        byte[] corrupted = claudeEventStream();
        corrupted[40] ^= 0x01;
        EventStreamException e = assertThrows(EventStreamException.class,
                () -> DecodedStream.decodeAll(corrupted, new BedrockClaudeStreamDecoder()));
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    }

    /**
     * Claude traffic end to end through the channel: prepare → a loopback "Bedrock" that checks the request and
     * answers with an event stream split into odd-sized network chunks → {@link DecodedStream} → the Claude codec's
     * stream decoder, which sees an ordinary Claude SSE stream.
     */
    @Test
    void claudeStreamEndToEndThroughALoopbackBedrock() throws Exception {
        byte[] stream = claudeEventStream();
        try (LoopbackUpstream up = new LoopbackUpstream()) {
            up.respond(r -> new LoopbackUpstream.Answer(200, "application/vnd.amazon.eventstream", stream, new Headers()));
            UpstreamRequest req = BEDROCK.prepare(ctx(STREAM_CLAUDE, true, "/v1/messages",
                    "{\"model\":\"claude\",\"stream\":true,\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    Json.MAPPER.createObjectNode().put("access_key_id", "AKID").put("secret_access_key", "s"),
                    settings(up.baseUrl()), new Headers()));
            HttpRequest.Builder b = HttpRequest.newBuilder(req.uri()).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(req.body()));
            req.headers().asMap().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
            HttpResponse<InputStream> resp = LoopbackUpstream.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, resp.statusCode());

            LoopbackUpstream.Recorded rec = up.last();
            assertEquals("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream", rec.rawPath());
            // the signature the server can check: recompute over what arrived
            Headers arrived = new Headers();
            for (String h : List.of("content-type", "x-amz-date")) {
                arrived.set(h, rec.headers().firstOrNull(h));
            }
            URI seen = URI.create(up.baseUrl() + rec.rawPath());
            assertEquals(rec.headers().firstOrNull("authorization"), SigV4Signer.compute("POST", seen, arrived,
                    SigV4Signer.sha256Hex(rec.body()), new SigV4Signer.Credentials("AKID", "s", null), "eu-west-1",
                    "bedrock", rec.headers().firstOrNull("x-amz-date")).authorization());

            StreamDecoder claude = new ClaudeCodec().newStreamDecoder(TransformContext.now());
            SseDecoder sse = new SseDecoder();
            List<StreamEvent> events = new ArrayList<>();
            try (InputStream in = new DecodedStream(resp.body(), BEDROCK.newStreamDecoder(STREAM_CLAUDE, new Headers()))) {
                byte[] buf = new byte[37];
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (SseFrame f : sse.feed(buf, 0, n)) {
                        events.addAll(claude.decode(f));
                    }
                }
            }
            events.addAll(claude.finish());
            StringBuilder text = new StringBuilder();
            events.forEach(e -> {
                if (e instanceof StreamEvent.TextDelta t) {
                    text.append(t.text());
                }
            });
            assertEquals("Hello world", text.toString());
            assertInstanceOf(StreamEvent.End.class, events.get(events.size() - 1));
            assertTrue(events.stream().noneMatch(e -> e instanceof StreamEvent.Error), events.toString());
        }
    }

    @Test
    void controlPlaneModelListRequest() throws Exception {
        UpstreamRequest list = BEDROCK.prepareModelList(Json.MAPPER.createObjectNode().put("api_key", "k"),
                settings(null), AT);
        assertEquals(URI.create("https://bedrock.eu-west-1.amazonaws.com/foundation-models?byProvider=anthropic"), list.uri());
        assertNull(list.body());
        assertEquals("GET", list.method());
    }
}
