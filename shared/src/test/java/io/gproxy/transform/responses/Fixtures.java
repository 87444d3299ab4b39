package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.StreamEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: fixture loading, SSE parsing, running stream codecs. */
final class Fixtures {
    static final long NOW = 1_760_000_000L;

    private Fixtures() {}

    static TransformContext ctx() {
        return new TransformContext(NOW, new LossReport());
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/transform/responses/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return Json.parse(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frames of an SSE fixture, fed in small chunks as a network would deliver them. */
    static List<SseFrame> frames(String name) {
        byte[] all = bytes(name);
        SseDecoder decoder = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>();
        for (int i = 0; i < all.length; i += 37) {
            frames.addAll(decoder.feed(all, i, Math.min(37, all.length - i)));
        }
        frames.addAll(decoder.finish());
        return frames;
    }

    static List<StreamEvent> decodeStream(StreamDecoder decoder, List<SseFrame> frames) throws TransformException {
        List<StreamEvent> events = new ArrayList<>();
        for (SseFrame f : frames) {
            events.addAll(decoder.decode(f));
        }
        events.addAll(decoder.finish());
        return events;
    }

    static List<SseFrame> encodeStream(StreamEncoder encoder, List<StreamEvent> events) {
        List<SseFrame> frames = new ArrayList<>();
        for (StreamEvent e : events) {
            frames.addAll(encoder.encode(e));
        }
        frames.addAll(encoder.finish());
        return frames;
    }

    /** The wire bytes of frames, re-parsed: what a client would read. */
    static List<SseFrame> reparse(List<SseFrame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseFrame f : frames) {
            out.writeBytes(f.encode());
        }
        SseDecoder decoder = new SseDecoder();
        List<SseFrame> parsed = new ArrayList<>(decoder.feed(out.toByteArray()));
        parsed.addAll(decoder.finish());
        return parsed;
    }

    static String wire(List<SseFrame> frames) {
        StringBuilder sb = new StringBuilder();
        for (SseFrame f : frames) {
            sb.append(new String(f.encode(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Compares JSON by value: numbers are compared as the gateway's parser reads them. */
    static void assertJson(String expected, JsonNode actual) {
        JsonNode want = parse(expected);
        JsonNode got;
        try {
            got = Json.parse(Json.bytes(actual));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!want.equals(got)) {
            org.junit.jupiter.api.Assertions.assertEquals(want.toPrettyString(), got.toPrettyString());
        }
    }
}
