package io.gproxy.transform;

import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.ir.StreamEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Converts one upstream SSE stream into the client's stream, chunk by chunk: bytes → frames (SSE decoder) → IR
 * events (the upstream codec's stream decoder) → client frames (the client codec's stream encoder). Nothing is held
 * back beyond an incomplete frame, so the first converted event leaves as soon as its upstream event arrived.
 * Not thread-safe: one instance per stream.
 */
public final class StreamTranscoder {
    private final SseDecoder frames = new SseDecoder();
    private final StreamDecoder upstream;
    private final StreamEncoder client;
    private final Consumer<StreamEvent> observer;
    private boolean failed;

    public StreamTranscoder(StreamDecoder upstream, StreamEncoder client) {
        this(upstream, client, e -> { });
    }

    /** @param observer sees every IR event on its way (usage metering) */
    public StreamTranscoder(StreamDecoder upstream, StreamEncoder client, Consumer<StreamEvent> observer) {
        this.upstream = upstream;
        this.client = client;
        this.observer = observer;
    }

    /** Client frames produced by one upstream network chunk. */
    public List<SseFrame> onChunk(byte[] chunk, int offset, int length) {
        if (failed) {
            return List.of(); // the client's stream already ended with its error frame
        }
        List<SseFrame> upstreamFrames;
        try {
            upstreamFrames = frames.feed(chunk, offset, length);
        } catch (SseDecoder.EventTooLargeException unbounded) {
            failed = true;
            return client.encode(new StreamEvent.Error("upstream_error", "upstream request failed"));
        }
        return convert(upstreamFrames);
    }

    /** Whether the client's stream has ended with an error (an upstream error event, or an unreadable upstream). */
    public boolean failed() {
        return failed;
    }

    /** The upstream ended normally: whatever closes the client's stream. */
    public List<SseFrame> onEnd() {
        List<SseFrame> out = convert(frames.finish());
        if (!failed) {
            for (StreamEvent e : upstream.finish()) {
                observer.accept(e);
                out.addAll(client.encode(e));
            }
        }
        out.addAll(client.finish());
        return out;
    }

    /** The upstream connection broke: the protocol-shaped error frame, then nothing more. */
    public List<SseFrame> onUpstreamFailure() {
        List<SseFrame> out = new ArrayList<>();
        if (!failed) {
            failed = true;
            out.addAll(client.encode(new StreamEvent.Error("upstream_error", "upstream request failed")));
        }
        out.addAll(client.finish());
        return out;
    }

    private List<SseFrame> convert(List<SseFrame> upstreamFrames) {
        List<SseFrame> out = new ArrayList<>();
        for (SseFrame f : upstreamFrames) {
            if (failed) {
                break;
            }
            try {
                for (StreamEvent e : upstream.decode(f)) {
                    observer.accept(e);
                    out.addAll(client.encode(e));
                    if (e instanceof StreamEvent.Error) {
                        failed = true;
                    }
                }
            } catch (TransformException undecodable) {
                failed = true;
                out.addAll(client.encode(new StreamEvent.Error("upstream_error", "upstream request failed")));
            }
        }
        return out;
    }
}
