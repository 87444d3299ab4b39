package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Row 1p: where the gateway's CPU goes on the overhead row's request (non-stream Chat, DynamoDB store, one
 * connection), by sampling this JVM with JDK Flight Recorder (execution samples every millisecond) while only that
 * traffic runs. Samples of the gateway are those in its request threads (the handler and the local HTTP transport)
 * and in its upstream {@code java.net.http} client's own threads; the load client's and the mock's are left out.
 * Handler samples are attributed to the pipeline step they are in.
 */
final class ProfileRow {
    private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");
    private static final Pattern CLIENT_THREAD = Pattern.compile("HttpClient-(\\d+)-.*");
    private static final List<String> SPINE = List.of("io.gproxy.app.GatewayHandler.handle",
            "io.gproxy.app.GatewayHandler.dispatch", "io.gproxy.pipeline.GatewayPipeline.handle",
            "io.gproxy.pipeline.GatewayPipeline.execute");
    private static final Map<String, String> STEPS = Map.ofEntries(
            Map.entry("io.gproxy.pipeline.UpstreamClient.send", "upstream call (java.net.http)"),
            Map.entry("io.gproxy.pipeline.GatewayPipeline.openSecret", "opening the credential's sealed secret"),
            Map.entry("io.gproxy.pipeline.RequestLog.finish", "request log line"),
            Map.entry("io.gproxy.pipeline.GatewayPipeline.parseBody", "body UTF-8 check and JSON parse"),
            Map.entry("io.gproxy.pipeline.CallPlanner.plan", "passthrough body patch"),
            Map.entry("io.gproxy.pipeline.Authenticator.authenticate", "API key digest"),
            Map.entry("io.gproxy.channel.ApiKeyChannel.prepare", "channel prepare"),
            Map.entry("io.gproxy.pipeline.ResponseRelay.success", "relaying the answer (incl. usage metering)"),
            Map.entry("io.gproxy.protocol.RequestClassifier.matchPath", "path classification"),
            Map.entry("io.gproxy.app.GatewayHandler.newRequestId", "request id (UUID)"),
            Map.entry("io.gproxy.config.ConfigCache.current", "config cache"));

    private ProfileRow() {}

    static void run(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        HttpClient client = BenchEnv.client();
        Matcher id = CLIENT_ID.matcher(client.toString());
        String loadClientId = id.find() ? id.group(1) : "?";
        HttpRequest request = env.chat(Via.GPROXY_DDB, false);
        long warmEnd = System.nanoTime() + Duration.ofMillis(o.pick(1000, 2000)).toNanos();
        while (System.nanoTime() < warmEnd) {
            Http.send(client, request);
        }
        Path file = o.workDir().resolve("profile-overhead.jfr");
        long requests = 0;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            r.start();
            long end = System.nanoTime() + Duration.ofMillis(o.pick(3000, 8000)).toNanos();
            while (System.nanoTime() < end) {
                Http.send(client, request);
                requests++;
            }
            r.stop();
            r.dump(file);
        }
        Map<String, Integer> gateway = new LinkedHashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String category = classify(thread == null ? "" : thread, frames, loadClientId);
            if (category != null) {
                gateway.merge(category, 1, Integer::sum);
                total++;
            }
        }
        if (total == 0) {
            table.row(null, null, Rows.cells("1p", "where the gateway's CPU goes", Map.of(Via.GPROXY_DDB,
                    Cells.na("no samples")), ""));
            return;
        }
        int all = total;
        List<Map.Entry<String, Integer>> sorted = gateway.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).toList();
        String top = sorted.stream().limit(3).map(en -> pct(en.getValue(), all) + " " + en.getKey())
                .collect(Collectors.joining(", "));
        String rest = sorted.stream().skip(3).limit(8).map(en -> pct(en.getValue(), all) + " " + en.getKey())
                .collect(Collectors.joining(", "));
        table.row(null, null, Rows.cells("1p", "where the gateway's CPU goes (JFR samples, row 1's request, DynamoDB store)",
                Map.of(Via.GPROXY_DDB, top), String.format(Locale.ROOT, "%,d samples over %,d requests; then %s",
                        all, requests, rest)));
    }

    private static String pct(int n, int total) {
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * n / total);
    }

    /** The gateway step a sample belongs to, or null when it is not the gateway's. */
    static String classify(String thread, List<RecordedFrame> frames, String loadClientId) {
        Matcher m = CLIENT_THREAD.matcher(thread);
        if (m.matches()) {
            return m.group(1).equals(loadClientId) ? null : "upstream call (java.net.http)";
        }
        int spineAt = -1;
        boolean transport = false;
        for (int i = 0; i < frames.size(); i++) {
            String name = name(frames.get(i));
            if (spineAt < 0 && SPINE.contains(name)) {
                spineAt = i;
            }
            if (name.startsWith("io.gproxy.local.ExchangeAdapter")) {
                transport = true;
            }
            if (name.startsWith("io.gproxy.tests.")) {
                return null; // the mock or the load client
            }
        }
        if (spineAt < 0) {
            return transport ? "local HTTP transport (JDK HttpServer)" : null;
        }
        if (spineAt == 0) {
            return "handler, other";
        }
        String child = name(frames.get(spineAt - 1));
        return STEPS.getOrDefault(child, child.substring(child.lastIndexOf('.', child.lastIndexOf('.') - 1) + 1));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
