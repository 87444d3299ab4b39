package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.StreamAggregator;
import io.gproxy.transform.StreamSynthesizer;
import io.gproxy.transform.StreamTranscoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

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
        if (call.ops() != null) {
            return convertOperation(call.ops(), response);
        }
        Transcoding t = call.transcoding();
        if (t == null) {
            return req.stream() ? relayStream(req, call, response, keepaliveMillis, log) : relayBody(call, response, log);
        }
        if (req.stream() == call.stream()) {
            return req.stream() ? transcodeStream(t, response, keepaliveMillis, log) : transcodeBody(t, response, log);
        }
        return req.stream() ? synthesizeStream(t, response, log) : aggregateStream(t, response, log);
    }

    /** A non-stream client on a stream-only upstream: the upstream stream folded into one answer. */
    private static HttpResponse aggregateStream(Transcoding t, UpstreamResponse response, RequestLog log) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        StreamAggregator aggregator = new StreamAggregator();
        try {
            io.gproxy.protocol.sse.SseDecoder frames = new io.gproxy.protocol.sse.SseDecoder();
            io.gproxy.transform.StreamDecoder decoder = t.upstream().newStreamDecoder(t.ctx());
            List<io.gproxy.protocol.sse.SseFrame> all = new java.util.ArrayList<>(frames.feed(answer.body()));
            all.addAll(frames.finish());
            for (io.gproxy.protocol.sse.SseFrame f : all) {
                decoder.decode(f).forEach(aggregator::accept);
            }
            decoder.finish().forEach(aggregator::accept);
        } catch (TransformException e) {
            throw GatewayError.upstreamFailed();
        }
        if (aggregator.failed()) {
            throw GatewayError.upstreamFailed();
        }
        IrResponse ir = aggregator.response(t.ctx().nowEpochSeconds());
        log.usage(ir.usage());
        Headers headers = ResponseHeaders.fromUpstream(answer.headers(), false);
        headers.set("content-type", "application/json");
        byte[] out = Json.bytes(t.client().encodeResponse(ir, t.ctx()));
        addLoss(headers, t);
        return HttpResponse.buffered(answer.status(), headers, out);
    }

    /** A stream client on a non-stream upstream: the whole answer replayed as the client's stream. */
    private static HttpResponse synthesizeStream(Transcoding t, UpstreamResponse response, RequestLog log) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        IrResponse ir;
        try {
            ir = t.upstream().decodeResponse(Json.parse(answer.body()), t.ctx());
        } catch (TransformException | IOException e) {
            throw GatewayError.upstreamFailed();
        }
        log.usage(ir.usage());
        io.gproxy.transform.StreamEncoder encoder = t.client().newStreamEncoder(t.ctx());
        List<io.gproxy.protocol.sse.SseFrame> frames = new java.util.ArrayList<>();
        for (io.gproxy.transform.ir.StreamEvent e : StreamSynthesizer.events(ir)) {
            frames.addAll(encoder.encode(e));
        }
        frames.addAll(encoder.finish());
        boolean jsonArray = t.clientKind() == OperationKind.GEMINI_GENERATE_CONTENT && !t.geminiSse();
        Headers headers = ResponseHeaders.fromUpstream(answer.headers(), true);
        headers.set("content-type", jsonArray ? "application/json" : "text/event-stream");
        addLoss(headers, t);
        return HttpResponse.streaming(answer.status(), headers, sink -> {
            ClientStreamWriter writer = new ClientStreamWriter(sink, jsonArray);
            writer.write(frames);
            writer.close();
        });
    }

    private static HttpResponse relayBody(UpstreamCall call, UpstreamResponse response, RequestLog log) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        if (call.upstreamCodec() != null) {
            JsonNode parsed;
            try {
                parsed = Json.parse(answer.body());
            } catch (IOException notJson) {
                // a 2xx whose body is not JSON at all (cut short, garbage) is an upstream failure, not an answer
                throw GatewayError.upstreamFailed();
            }
            try {
                log.usage(call.upstreamCodec().decodeResponse(parsed, TransformContext.now()).usage());
            } catch (TransformException | RuntimeException unreadable) {
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
        UsageMeter meter = UsageMeter.forPassthroughStream(call.upstreamCodec(), !sse);
        return HttpResponse.streaming(response.status(), headers, clientSink -> {
            try (InputStream in = response.body();
                 KeepaliveSink sink = keepalive(clientSink, sse && keepaliveMillis > 0, KeepaliveSink.SSE_COMMENT, keepaliveMillis, true)) {
                // SSE goes out in whole events, so a frame of ours can follow at an event boundary
                EventAlignedWriter events = sse ? new EventAlignedWriter(sink) : null;
                byte[] buf = new byte[16 * 1024];
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException upstreamFailure) {
                        if (events != null) {
                            events.writeFrame(errorFrame);
                        } else {
                            sink.write(errorFrame);
                        }
                        sink.flush();
                        throw new StreamFailure("upstream failed mid-stream");
                    }
                    if (n < 0) {
                        // The transport ended cleanly, but garbage or a stream cut before its terminal event was not
                        // served in full: the client gets its protocol's error frame, like a converted stream does
                        // (StreamTranscoder). A stream that ended well goes out byte for byte.
                        if (events != null && meter.endedBroken()) {
                            events.writeFrame(errorFrame);
                        } else if (events != null) {
                            events.finish();
                        }
                        sink.flush();
                        return;
                    }
                    meter.onBytes(buf, 0, n);
                    if (events != null) {
                        events.write(buf, 0, n);
                    } else {
                        sink.write(buf, 0, n);
                    }
                    sink.flush(); // upstreams write one SSE event at a time: relay each as it arrives
                }
            } finally {
                log.usage(meter.usage());
            }
        });
    }

    /** A converted non-content answer (count, model, embeddings, images): buffered, converted, relayed. */
    private static HttpResponse convertOperation(OpsAnswer ops, UpstreamResponse response) throws GatewayError {
        UpstreamAnswer answer = UpstreamAnswer.buffer(response);
        byte[] out;
        try {
            out = Json.bytes(ops.converter().convert(Json.parse(answer.body())));
        } catch (TransformException e) {
            throw new GatewayError(502, "upstream answer could not be converted: " + e.getMessage());
        } catch (IOException e) {
            throw new GatewayError(502, "upstream answer could not be converted: not JSON");
        }
        Headers headers = ResponseHeaders.fromUpstream(answer.headers(), false);
        headers.set("content-type", "application/json");
        if (!ops.ctx().loss().isEmpty()) {
            headers.set(LOSS_HEADER, ops.ctx().loss().headerValue());
        }
        return HttpResponse.buffered(answer.status(), headers, out);
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
                    if (transcoder.failed()) {
                        // the client's stream ended with its error frame: the rest of the upstream is never read
                        writer.write(transcoder.onEnd());
                        break;
                    }
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
