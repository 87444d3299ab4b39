package io.gproxy.functions;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.RequestHandler;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.RequestClassifier;
import io.gproxy.protocol.sse.SseDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Work done before a SnapStart checkpoint so the restored function starts warm: load and JIT the request path's
 * classes without any network call, secret, id or randomness ending up in the snapshot. A request to a path no
 * function serves runs routing, error rendering and JSON; classification and SSE parsing run on samples.
 */
final class Priming {
    private static final String[] SAMPLE_PATHS = {
            "/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1beta/models/m:streamGenerateContent",
            "/v1/models", "/v1/messages/count_tokens", "/v1/embeddings", "/openai/v1/chat/completions"};

    private Priming() {}

    /** One dry conversion per protocol pair (DESIGN §3): loads and warms every codec the request path may use. */
    private static void primeConversions() {
        io.gproxy.transform.CodecRegistry codecs = io.gproxy.transform.CodecRegistry.builtIn();
        for (int from = 0; from < CONTENT_KINDS.length; from++) {
            for (io.gproxy.protocol.OperationKind to : CONTENT_KINDS) {
                try {
                    io.gproxy.transform.TransformContext ctx = new io.gproxy.transform.TransformContext(0, new io.gproxy.transform.ir.LossReport());
                    io.gproxy.transform.ProtocolCodec source = codecs.find(CONTENT_KINDS[from]).orElseThrow();
                    io.gproxy.transform.ProtocolCodec target = codecs.find(to).orElseThrow();
                    io.gproxy.transform.ir.IrRequest ir = source.decodeRequest(
                            Json.parse(SAMPLE_REQUESTS[from].getBytes(StandardCharsets.UTF_8)), ctx).withModel("m");
                    target.encodeRequest(ir, ctx);
                    io.gproxy.transform.ir.IrResponse answer = new io.gproxy.transform.ir.IrResponse("id", "m",
                            java.util.List.of(new io.gproxy.transform.ir.Content.Text("hello")),
                            io.gproxy.transform.ir.FinishReason.STOP, io.gproxy.transform.ir.Usage.EMPTY, 0);
                    target.decodeResponse(target.encodeResponse(answer, ctx), ctx);
                    source.encodeResponse(answer, ctx);
                    io.gproxy.transform.StreamEncoder encoder = source.newStreamEncoder(ctx);
                    for (io.gproxy.transform.ir.StreamEvent e : io.gproxy.transform.StreamSynthesizer.events(answer)) {
                        encoder.encode(e);
                    }
                    encoder.finish();
                } catch (Exception e) {
                    throw new IllegalStateException("priming conversion failed", e);
                }
            }
        }
    }

    private static final String[] SAMPLE_REQUESTS = {
            "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],\"stream\":true}",
            "{\"model\":\"m\",\"instructions\":\"s\",\"input\":\"hi\",\"stream\":true}",
            "{\"model\":\"m\",\"max_tokens\":16,\"system\":\"s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{}}"};
    private static final io.gproxy.protocol.OperationKind[] CONTENT_KINDS = {
            io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS, io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES,
            io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES, io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT};

    static void prime(RequestHandler handler) {
        io.gproxy.transform.ops.TokenCounter.prime(); // token encodings load in 100-250 ms: better in the snapshot
        // the AWS SDK's own warm-up: request marshalling against canned responses, no network
        software.amazon.awssdk.core.warmup.SdkWarmUp.warmUp(software.amazon.awssdk.services.dynamodb.DynamoDbClient.class,
                software.amazon.awssdk.services.kms.KmsClient.class);
        primeConversions();
        for (int i = 0; i < 200; i++) {
            handler.handle(HttpRequest.of("POST", "/__priming__/not-a-route", new Headers(), new byte[0]));
            for (String path : SAMPLE_PATHS) {
                try {
                    RequestClassifier.matchPath("POST", path, Headers.of("authorization", "Bearer x"));
                } catch (Exception ignored) {
                    // GET-only paths do not match a POST: fine, the classes are loaded either way
                }
            }
            try {
                Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"
                        .getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            new SseDecoder().feed("event: x\ndata: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
