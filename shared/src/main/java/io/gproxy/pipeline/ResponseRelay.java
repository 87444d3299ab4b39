package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.StreamTranscoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a successful upstream answer into the client's response: relayed as it is (passthrough) or converted into
 * the client's protocol (transcoding), buffered or streamed. Streams are written as they arrive, one flush per
 * upstream chunk; a failure after the first byte ends the stream with one protocol-shaped error frame.
 */
final class ResponseRelay {
    static final String LOSS_HEADER = "x-gproxy-conversion-loss";

    private ResponseRelay() {}

    /**
     * @param keepaliveMillis how long a stream may stay silent before a keepalive is written; 0 disables them
     */
    static HttpResponse success(ClassifiedRequest req, UpstreamCall call, UpstreamResponse response, long keepaliveMillis,
                                RequestLog log) throws GatewayError {
        Transcoding t = call.transcoding();
        if (t == null) {
            return req.stream() ? relayStream(req, call, response, keepaliveMillis, log) : relayBody(call, response, log);
        }
        return req.stream() ? transcodeStream(t, response, keepaliveMillis, log) : transcodeBody(t, response, log);
    }

    private static HttpResponse relayBody(UpstreamCall call, UpstreamResponse response, RequestLog log) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        if (call.upstreamCodec() != null) {
            try {
                log.usage(call.upstreamCodec().decodeResponse(Json.parse(answer.body()), TransformContext.now()).usage());
            } catch (TransformException | IOException | RuntimeException unreadable) {
                // the client gets the body as it came; only the usage stays unknown
            }
        }
        return answer.toResponse();
    }

    private static HttpResponse relayStream(ClassifiedRequest req, UpstreamCall call, UpstreamResponse response,
                                            long keepaliveMillis, RequestLog log) {
        Headers headers = ResponseHeaders.fromUpstream(response.headers(), true);
        if (!headers.contains("content-type")) {
            headers.set("content-type", "text/event-stream");
        }
        byte[] errorFrame = StreamErrorFrames.forClient(req.kind(), req.geminiSse());
        // A passthrough Gemini JSON array may be cut anywhere, even inside a string: no keepalives there.
        boolean sse = !(req.kind() == OperationKind.GEMINI_GENERATE_CONTENT && !req.geminiSse());
        UsageMeter meter = UsageMeter.forPassthroughStream(sse ? call.upstreamCodec() : null);
        return HttpResponse.streaming(response.status(), headers, clientSink -> {
            try (InputStream in = response.body();
                 KeepaliveSink sink = keepalive(clientSink, sse && keepaliveMillis > 0, KeepaliveSink.SSE_COMMENT, keepaliveMillis, true)) {
                byte[] buf = new byte[16 * 1024];
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException upstreamFailure) {
                        sink.write(errorFrame);
                        sink.flush();
                        throw new StreamFailure("upstream failed mid-stream");
                    }
                    if (n < 0) {
                        return;
                    }
                    sink.write(buf, 0, n);
                    sink.flush(); // upstreams write one SSE event at a time: relay each as it arrives
                    meter.onBytes(buf, 0, n);
                }
            } finally {
                log.usage(meter.usage());
            }
        });
    }

    private static HttpResponse transcodeBody(Transcoding t, UpstreamResponse response, RequestLog log) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        byte[] out;
        try {
            JsonNode upstreamBody = Json.parse(answer.body());
            IrResponse ir = t.upstream().decodeResponse(upstreamBody, t.ctx());
            log.usage(ir.usage());
            out = Json.bytes(t.client().encodeResponse(ir, t.ctx()));
        } catch (TransformException | IOException e) {
            throw GatewayError.upstreamFailed();
        }
        Headers headers = ResponseHeaders.fromUpstream(answer.headers(), false);
        headers.set("content-type", "application/json");
        addLoss(headers, t);
        return HttpResponse.buffered(answer.status(), headers, out);
    }

    private static HttpResponse transcodeStream(Transcoding t, UpstreamResponse response, long keepaliveMillis,
                                                RequestLog log) {
        boolean jsonArray = t.clientKind() == OperationKind.GEMINI_GENERATE_CONTENT && !t.geminiSse();
        Headers headers = ResponseHeaders.fromUpstream(response.headers(), true);
        headers.set("content-type", jsonArray ? "application/json" : "text/event-stream");
        addLoss(headers, t); // request-side losses are known before the first byte
        UsageMeter meter = new UsageMeter();
        StreamTranscoder transcoder = new StreamTranscoder(t.upstream().newStreamDecoder(t.ctx()),
                t.client().newStreamEncoder(t.ctx()), meter::observe);
        return HttpResponse.streaming(response.status(), headers, clientSink -> {
            try (InputStream in = response.body();
                 KeepaliveSink sink = keepalive(clientSink, keepaliveMillis > 0,
                         jsonArray ? KeepaliveSink.JSON_WHITESPACE : KeepaliveSink.SSE_COMMENT, keepaliveMillis, false)) {
                ClientStreamWriter writer = new ClientStreamWriter(sink, jsonArray);
                byte[] buf = new byte[16 * 1024];
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException upstreamFailure) {
                        writer.write(transcoder.onUpstreamFailure());
                        writer.close();
                        throw new StreamFailure("upstream failed mid-stream");
                    }
                    if (n < 0) {
                        writer.write(transcoder.onEnd());
                        break;
                    }
                    writer.write(transcoder.onChunk(buf, 0, n));
                }
                writer.close();
            } finally {
                log.usage(meter.usage());
            }
        });
    }

    private static KeepaliveSink keepalive(io.gproxy.http.BodySink sink, boolean enabled, byte[] bytes, long millis, boolean rawSse) {
        return new KeepaliveSink(sink, bytes, enabled ? millis : 0, rawSse);
    }

    private static void addLoss(Headers headers, Transcoding t) {
        if (!t.ctx().loss().isEmpty()) {
            headers.set(LOSS_HEADER, t.ctx().loss().headerValue());
        }
    }
}
