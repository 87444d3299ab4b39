package io.gproxy.tests.bench;

import io.gproxy.local.LocalOptions;
import io.gproxy.local.LocalServer;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ./gproxy bench --soak} (issue 10): local mode as {@code gproxy local} runs it (DynamoDB Local on disk, a
 * fresh data directory) under 32 connections of mixed traffic for 30 s: non-stream and streamed Chat, Claude and
 * Gemini passthrough streams, and every cross-protocol stream the pipeline can serve. Any non-200, transport
 * error or stream that does not end as its protocol ends is an unexpected error; the run fails unless there are
 * none, and unless DynamoDB holds exactly one usage record per request served (probes and warm-up included): nothing
 * lost, nothing twice. Heap is measured after a full GC before and after the load.
 */
final class SoakRun {
    static final int CONNECTIONS = 32;
    static final int STREAM_EVENTS = 50;

    /** One kind of request in the mix: {@code weight} of every few requests, ending with {@code terminator}. */
    private record Kind(String name, HttpRequest request, int weight, String terminator) {}

    private SoakRun() {}

    static int run(BenchOptions o, Machine machine, String command, String date) throws Exception {
        MockOpenAi openAi = new MockOpenAi();
        MockAnthropic anthropic = new MockAnthropic();
        MockGemini gemini = new MockGemini();
        List<MockUpstream> mocks = List.of(openAi, anthropic, gemini);
        openAi.expectApiKey(BenchBundle.OPENAI_KEY);
        anthropic.expectApiKey(BenchBundle.ANTHROPIC_KEY);
        gemini.expectApiKey(BenchBundle.GEMINI_KEY);
        mocks.forEach(m -> {
            m.recording(false);
            m.streamEvents(STREAM_EVENTS);
        });
        Path data = o.workDir().resolve("soak-data");
        deleteTree(data);
        Files.createDirectories(data);
        Path bundle = o.workDir().resolve("soak-bundle.json");
        Files.writeString(bundle, BenchBundle.build(openAi.baseUrl(), anthropic.baseUrl(), gemini.baseUrl()));
        Map<String, String> env = new HashMap<>();
        env.put("GPROXY_MASTER_KEY", io.gproxy.crypto.MasterKeyCipher.generateKeyBase64());
        LocalServer server = LocalServer.start(new LocalOptions("127.0.0.1", 0, data, false, bundle), env, BenchEnv.DISCARD);
        try {
            String base = server.baseUrl();
            String auth = "Bearer " + BenchBundle.USER_KEY;
            List<Kind> candidates = List.of(
                    new Kind("chat", BenchEnv.post(base + "/v1/chat/completions", BenchEnv.chatBody("openai/gpt-4o-mini", false),
                            "authorization", auth), 4, "\"usage\""),
                    new Kind("chat stream", BenchEnv.post(base + "/v1/chat/completions", BenchEnv.chatBody("openai/gpt-4o-mini", true),
                            "authorization", auth), 2, "[DONE]"),
                    new Kind("claude stream", BenchEnv.post(base + "/v1/messages", "{\"model\":\"anthropic/" + BenchBundle.CLAUDE_MODEL
                            + "\",\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            "x-api-key", BenchBundle.USER_KEY, "anthropic-version", "2023-06-01"), 1, "message_stop"),
                    new Kind("gemini stream", BenchEnv.post(base + "/v1beta/models/gemini/" + BenchBundle.GEMINI_MODEL
                            + ":streamGenerateContent?alt=sse", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}",
                            "x-goog-api-key", BenchBundle.USER_KEY), 1, "finishReason"),
                    new Kind("chat on gemini stream", BenchEnv.post(base + "/v1/chat/completions",
                            BenchEnv.chatBody("gemini/" + BenchBundle.GEMINI_MODEL, true), "authorization", auth), 1, "[DONE]"),
                    new Kind("claude on chat stream", BenchEnv.post(base + "/v1/messages", "{\"model\":\"openai/gpt-4o-mini\","
                            + "\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            "x-api-key", BenchBundle.USER_KEY, "anthropic-version", "2023-06-01"), 1, "message_stop"));
            HttpClient client = BenchEnv.client();
            List<Kind> schedule = new ArrayList<>();
            List<String> left = new ArrayList<>();
            Map<String, LongAdder> probeErrors = new ConcurrentHashMap<>();
            LongAdder served = new LongAdder(); // every 200 the gateway answered: each must have its usage record
            for (Kind k : candidates) {
                Http.StreamTiming t = Http.stream(client, k.request());
                if (t.status() == 200) {
                    served.increment();
                }
                if (t.status() == 501) {
                    left.add(k.name() + " (501: codec missing)");
                } else if (!t.ok() || !t.tail().contains(k.terminator())) {
                    // a kind that should work and does not is an unexpected error, not a gap in the mix
                    probeErrors.computeIfAbsent(k.name() + " probe HTTP " + t.status(), x -> new LongAdder()).increment();
                } else {
                    for (int i = 0; i < k.weight(); i++) {
                        schedule.add(k);
                    }
                }
            }
            if (schedule.isEmpty()) {
                System.err.println("bench: no request kind works: " + probeErrors.keySet());
                return 1;
            }
            long warmMillis = 3000;
            load(client, schedule, warmMillis, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new LatencyStats.Recorder[1],
                    served);
            long heapBefore = heapAfterGc();
            Map<String, LongAdder> counts = new ConcurrentHashMap<>();
            Map<String, LongAdder> errors = new ConcurrentHashMap<>(probeErrors);
            LatencyStats.Recorder[] latency = new LatencyStats.Recorder[1];
            long t0 = System.nanoTime();
            load(client, schedule, o.soakSeconds() * 1000L, counts, errors, latency, served);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heapAfter = heapAfterGc();
            long records = UsageCount.settle(server.dynamoEndpoint(), io.gproxy.app.RuntimeConfig.DEFAULT_TABLE, served.sum());
            long total = counts.values().stream().mapToLong(LongAdder::sum).sum();
            long unexpected = errors.values().stream().mapToLong(LongAdder::sum).sum();

            Table t = new Table("measurement", "value");
            t.row(null, null, "requests", String.format(Locale.ROOT, "%,d in %.1f s (%,.0f/s), %d connections", total, seconds,
                    total / seconds, CONNECTIONS));
            counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> t.row(null, null, "  " + e.getKey(),
                    String.format(Locale.ROOT, "%,d", e.getValue().sum())));
            t.row(null, null, "unexpected errors (must be 0)", unexpected == 0 ? "0" : unexpected + " " + errors.entrySet().stream()
                    .map(e -> e.getKey() + " ×" + e.getValue().sum()).toList());
            t.row(null, null, "usage records / requests served (must be equal)", String.format(Locale.ROOT, "%,d / %,d%s",
                    records, served.sum(), records == served.sum() ? "" : "  MISMATCH"));
            LatencyStats lat = latency[0].stats();
            t.row(null, null, "latency to last byte p50 / p99", LatencyStats.ms(lat.p50()) + " / " + LatencyStats.ms(lat.p99()));
            t.row(null, null, "heap after full GC, before → after", Cells.mb(heapBefore) + " → " + Cells.mb(heapAfter)
                    + String.format(Locale.ROOT, " (%+.1f MB; the JVM also holds the mocks and the load client)",
                    (heapAfter - heapBefore) / 1048576.0));
            if (!left.isEmpty()) {
                t.row(null, null, "left out of the mix", String.join(", ", left));
            }
            t.footnote("Streams carry " + STREAM_EVENTS + " deltas; mocks answer at once. Local mode: DynamoDB Local on disk in "
                    + o.root().relativize(data) + ". Requests served counts every 200 of the run (probes and the 3 s "
                    + "warm-up included); usage records are counted in the table afterwards.");
            String section = String.format(Locale.ROOT, "## %s — soak%n%nMachine: %s.%nCommand: `%s`.%n%n%s", date,
                    machine.summary(), command, t.render());
            System.out.println();
            System.out.println(section);
            Files.writeString(o.workDir().resolve("last-soak.md"), section);
            if (o.record()) {
                ResultsFile.append(o.docsFile(), section);
            }
            return unexpected == 0 && records == served.sum() ? 0 : 1;
        } finally {
            server.close();
            mocks.forEach(MockUpstream::close);
        }
    }

    private static void load(HttpClient client, List<Kind> schedule, long millis, Map<String, LongAdder> counts,
                             Map<String, LongAdder> errors, LatencyStats.Recorder[] latency, LongAdder served)
            throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        AtomicLong ticket = new AtomicLong();
        List<LatencyStats.Recorder> recorders = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                LatencyStats.Recorder rec = new LatencyStats.Recorder();
                recorders.add(rec);
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        Kind k = schedule.get((int) (ticket.getAndIncrement() % schedule.size()));
                        Http.StreamTiming t = Http.stream(client, k.request());
                        counts.computeIfAbsent(k.name(), x -> new LongAdder()).increment();
                        if (t.status() == 200) {
                            served.increment();
                        }
                        if (!t.ok() || !t.tail().contains(k.terminator())) {
                            errors.computeIfAbsent(k.name() + " HTTP " + t.status(), x -> new LongAdder()).increment();
                        } else {
                            rec.add(t.lastByteNanos());
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        LatencyStats.Recorder all = new LatencyStats.Recorder();
        recorders.forEach(all::merge);
        latency[0] = all;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                Files.delete(p);
            }
        }
    }
}
