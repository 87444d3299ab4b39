package io.gproxy.tests.bench;

import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.tests.bench.BenchEnv.Via;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamTranscoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.StreamEvent;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row 3b: the transform hub's throughput per stream pair, in process, without any network: a 1,000-delta upstream
 * stream recorded from the mock of each protocol, fed to a {@link StreamTranscoder} (the upstream codec's
 * {@code newStreamDecoder}, the client codec's {@code newStreamEncoder}) one event per chunk, as upstreams deliver
 * them, with every client frame encoded to bytes. Every pair whose two codecs exist in
 * {@code CodecRegistry.builtIn()} is measured, same-protocol IR round trips included; the baseline is the
 * byte relay of same-protocol passthrough (copy each chunk, write, flush). Passthrough also reads the relayed bytes
 * on the side to meter usage (SSE parse and the upstream codec's stream decoder), so that is measured too.
 */
final class TranscoderRow {
    private static final List<OperationKind> KINDS = List.of(OperationKind.OPEN_AI_CHAT_COMPLETIONS,
            OperationKind.OPEN_AI_RESPONSES, OperationKind.CLAUDE_MESSAGES, OperationKind.GEMINI_GENERATE_CONTENT);

    private static long blackhole;

    private TranscoderRow() {}

    static void run(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        Map<OperationKind, List<byte[]>> recorded = record(env);
        CodecRegistry codecs = CodecRegistry.builtIn();
        long warmMillis = o.pick(150, 600);
        long measureMillis = o.pick(250, 1200);
        List<String> missing = new ArrayList<>();
        for (OperationKind k : KINDS) {
            if (codecs.find(k).isEmpty()) {
                missing.add(short_(k));
            }
        }
        // Every pass of every pair is warmed up before any is measured, so the first pair does not pay the JIT.
        record Pair(OperationKind up, OperationKind client, ProtocolCodec upCodec, ProtocolCodec clientCodec,
                    List<byte[]> chunks, String problem) {}
        List<Pair> pairs = new ArrayList<>();
        for (OperationKind up : KINDS) {
            ProtocolCodec upCodec = codecs.find(up).orElse(null);
            List<byte[]> chunks = recorded.get(up);
            if (upCodec == null || chunks == null) {
                continue;
            }
            for (OperationKind client : KINDS) {
                ProtocolCodec clientCodec = codecs.find(client).orElse(null);
                if (clientCodec != null) {
                    pairs.add(new Pair(up, client, upCodec, clientCodec, chunks, check(chunks, upCodec, clientCodec)));
                }
            }
        }
        for (Pair p : pairs) {
            rate(p.chunks, 0, warmMillis, () -> relay(p.chunks));
            if (p.problem == null) {
                rate(p.chunks, 0, warmMillis, () -> transcode(p.chunks, p.upCodec, p.clientCodec));
            }
        }
        Map<OperationKind, Double> relayRates = new EnumMap<>(OperationKind.class);
        for (Pair p : pairs) {
            double relay = relayRates.computeIfAbsent(p.up, k -> rate(p.chunks, 0, measureMillis, () -> relay(p.chunks)));
            String pair = short_(p.up) + " → " + short_(p.client);
            Map<Via, String> cells = new EnumMap<>(Via.class);
            Table.Headline headline = null;
            String note;
            if (p.problem != null) {
                cells.put(Via.GPROXY_DDB, Cells.na(p.problem));
                note = "";
            } else {
                double rate = rate(p.chunks, 0, measureMillis, () -> transcode(p.chunks, p.upCodec, p.clientCodec));
                cells.put(Via.GPROXY_DDB, Cells.rate(rate, null, " ev/s") + String.format(Locale.ROOT, " (%.1f µs/event)", 1e6 / rate));
                headline = new Table.Headline(rate, Cells.rate(rate, null, " ev/s"), false);
                note = String.format(Locale.ROOT, "byte relay of the same stream: %s, %.0f× faster",
                        Cells.rate(relay, null, " ev/s"), relay / rate);
            }
            table.row("transcoder." + p.up.id() + "." + p.client.id() + ".events_per_s", headline, Rows.cells("3b",
                    "transform hub " + pair + (p.up == p.client ? " (IR round trip)" : "") + ": upstream events/s per stream",
                    cells, note));
        }
        // Same-protocol passthrough also decodes the relayed bytes on the side to meter usage (UsageMeter): its cost.
        Map<OperationKind, Boolean> metered = new EnumMap<>(OperationKind.class);
        for (Pair p : pairs) {
            if (metered.putIfAbsent(p.up, true) != null) {
                continue;
            }
            double relay = relayRates.get(p.up);
            rate(p.chunks, 0, warmMillis, () -> meteredRelay(p.chunks, p.upCodec));
            double rate = rate(p.chunks, 0, measureMillis, () -> meteredRelay(p.chunks, p.upCodec));
            table.row("transcoder." + p.up.id() + ".metered_passthrough.events_per_s",
                    new Table.Headline(rate, Cells.rate(rate, null, " ev/s"), false), Rows.cells("3b",
                            "passthrough " + short_(p.up) + " with usage metering (relay + SSE parse + stream decode on the side)",
                            Map.of(Via.GPROXY_DDB, Cells.rate(rate, null, " ev/s")
                                    + String.format(Locale.ROOT, " (%.1f µs/event)", 1e6 / rate)),
                            String.format(Locale.ROOT, "pure byte relay %s, %.0f× faster", Cells.rate(relay, null, " ev/s"),
                                    relay / rate)));
        }
        if (!missing.isEmpty()) {
            table.row(null, null, Rows.cells("3b", "transform hub pairs with " + String.join(", ", missing),
                    Map.of(Via.GPROXY_DDB, Cells.na("codec missing")), "no codec in CodecRegistry.builtIn() yet"));
        }
    }

    /** Short protocol names for the table. */
    static String short_(OperationKind k) {
        return switch (k) {
            case OPEN_AI_CHAT_COMPLETIONS -> "Chat";
            case OPEN_AI_RESPONSES -> "Responses";
            case CLAUDE_MESSAGES -> "Claude";
            case GEMINI_GENERATE_CONTENT -> "Gemini";
            default -> k.id();
        };
    }

    /** A 1,000-delta stream of each protocol, as the mocks send it, cut into one chunk per event. */
    static Map<OperationKind, List<byte[]>> record(BenchEnv env) throws Exception {
        env.streamEvents(StreamingRow.EVENTS);
        try {
            Map<OperationKind, HttpRequest> requests = new LinkedHashMap<>();
            requests.put(OperationKind.OPEN_AI_CHAT_COMPLETIONS, env.chat(Via.DIRECT, true));
            requests.put(OperationKind.OPEN_AI_RESPONSES, BenchEnv.post(env.openAi.baseUrl() + "/v1/responses",
                    "{\"model\":\"" + BenchBundle.OPENAI_MODEL + "\",\"input\":\"" + BenchEnv.PROMPT + "\",\"stream\":true}",
                    "authorization", "Bearer " + BenchBundle.OPENAI_KEY));
            requests.put(OperationKind.CLAUDE_MESSAGES, BenchEnv.post(env.anthropic.baseUrl() + "/v1/messages",
                    "{\"model\":\"" + BenchBundle.CLAUDE_MODEL + "\",\"max_tokens\":1024,\"stream\":true,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"" + BenchEnv.PROMPT + "\"}]}",
                    "x-api-key", BenchBundle.ANTHROPIC_KEY, "anthropic-version", "2023-06-01"));
            requests.put(OperationKind.GEMINI_GENERATE_CONTENT, env.geminiDirect(true));
            Map<OperationKind, List<byte[]>> out = new EnumMap<>(OperationKind.class);
            var client = BenchEnv.client();
            for (var e : requests.entrySet()) {
                HttpResponse<byte[]> r = client.send(e.getValue(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    out.put(e.getKey(), splitEvents(r.body()));
                }
            }
            return out;
        } finally {
            env.streamEvents(0);
        }
    }

    /** Cuts an SSE body after each blank line (LF LF or CRLF CRLF). */
    static List<byte[]> splitEvents(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            int end = -1;
            if (body[i] == '\n' && i + 1 < body.length && body[i + 1] == '\n') {
                end = i + 2;
            } else if (body[i] == '\r' && i + 3 < body.length && body[i + 1] == '\n' && body[i + 2] == '\r' && body[i + 3] == '\n') {
                end = i + 4;
            }
            if (end > 0) {
                byte[] chunk = new byte[end - start];
                System.arraycopy(body, start, chunk, 0, chunk.length);
                out.add(chunk);
                start = end;
                i = end - 1;
            }
        }
        if (start < body.length) {
            byte[] rest = new byte[body.length - start];
            System.arraycopy(body, start, rest, 0, rest.length);
            out.add(rest);
        }
        return out;
    }

    /** Null when one conversion of the recording runs clean, else why not. */
    private static String check(List<byte[]> chunks, ProtocolCodec up, ProtocolCodec client) {
        try {
            TransformContext ctx = TransformContext.now();
            String[] error = new String[1];
            StreamTranscoder t = new StreamTranscoder(up.newStreamDecoder(ctx), client.newStreamEncoder(ctx), e -> {
                if (e instanceof StreamEvent.Error err && error[0] == null) {
                    error[0] = err.toString();
                }
            });
            int frames = 0;
            for (byte[] c : chunks) {
                frames += t.onChunk(c, 0, c.length).size();
            }
            frames += t.onEnd().size();
            if (error[0] != null) {
                return "the upstream stream decoded to an error: " + error[0];
            }
            if (frames < StreamingRow.EVENTS / 2) {
                return "only " + frames + " client frames";
            }
            return null;
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private static void transcode(List<byte[]> chunks, ProtocolCodec up, ProtocolCodec client) {
        TransformContext ctx = TransformContext.now();
        StreamTranscoder t = new StreamTranscoder(up.newStreamDecoder(ctx), client.newStreamEncoder(ctx));
        long sum = 0;
        for (byte[] c : chunks) {
            for (SseFrame f : t.onChunk(c, 0, c.length)) {
                sum += f.encode().length;
            }
        }
        for (SseFrame f : t.onEnd()) {
            sum += f.encode().length;
        }
        blackhole += sum;
    }

    /** What passthrough does per upstream read: copy into the relay buffer, write it on, flush. */
    private static void relay(List<byte[]> chunks) {
        byte[] buf = new byte[16 * 1024];
        long sum = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, buf, 0, c.length);
            sum += sink(buf, c.length);
        }
        blackhole += sum;
    }

    /** Passthrough as the pipeline does it now: the relay, plus the upstream codec reading the bytes for usage. */
    private static void meteredRelay(List<byte[]> chunks, ProtocolCodec up) {
        SseDecoder frames = new SseDecoder();
        StreamDecoder decoder = up.newStreamDecoder(TransformContext.now());
        byte[] buf = new byte[16 * 1024];
        long sum = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, buf, 0, c.length);
            sum += sink(buf, c.length);
            for (SseFrame f : frames.feed(buf, 0, c.length)) {
                try {
                    sum += decoder.decode(f).size();
                } catch (io.gproxy.transform.TransformException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        blackhole += sum;
    }

    private static long sink(byte[] buf, int n) {
        return n + buf[n - 1]; // the write, then a flush: reading the bytes keeps the copy from being optimised away
    }

    /** Upstream events per second over whole streams: warm up, then as many passes as fit in the time. */
    private static double rate(List<byte[]> chunks, long warmMillis, long measureMillis, Runnable pass) {
        long warmEnd = System.nanoTime() + warmMillis * 1_000_000L;
        while (System.nanoTime() < warmEnd) {
            pass.run();
        }
        long start = System.nanoTime();
        long end = start + measureMillis * 1_000_000L;
        long passes = 0;
        long now;
        do {
            pass.run();
            passes++;
            now = System.nanoTime();
        } while (now < end);
        return passes * (double) chunks.size() / ((now - start) / 1e9);
    }
}
