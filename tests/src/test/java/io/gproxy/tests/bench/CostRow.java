package io.gproxy.tests.bench;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.tests.bench.BenchEnv.Via;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Row 6: cost per request in steady state. DynamoDB calls and consumed capacity per request, counted by an SDK
 * {@code ExecutionInterceptor} on the {@code DynamoDbClient} given to {@code Gateway.builder().dynamoDb(..)}, over a
 * window longer than the config refresh interval; CPU per request with an instant upstream, both as the handler
 * thread's CPU time (ThreadMXBean, the handler called in process) and as the whole process's CPU per request over
 * HTTP compared with going direct (which adds the HTTP server and the upstream client's threads; Portkey's is its
 * node process's CPU read from /proc).
 */
final class CostRow {
    /** Non-200 answers seen while measuring (status and the start of the body), reported in the notes. */
    private static final Map<String, Integer> UNEXPECTED = new java.util.concurrent.ConcurrentHashMap<>();

    /** DynamoDB on-demand price of one million write request units (us-east-1, since November 2024). */
    static final double WRITE_UNIT_USD_PER_MILLION = 0.625;

    private CostRow() {}

    static void run(BenchEnv env, Table table) throws Exception {
        dynamo(env, table);
        threadCpu(env, table);
        processCpu(env, table);
    }

    private static HttpRequest chat() {
        return HttpRequest.of("POST", "/v1/chat/completions", Headers.of("authorization", "Bearer " + BenchBundle.USER_KEY,
                "content-type", "application/json"), BenchEnv.chatBody("openai/" + BenchBundle.OPENAI_MODEL, false)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Handles one request in this thread, body and completion (settlement) included; returns the status. */
    private static int serve(RequestHandler h, HttpRequest request) throws IOException {
        HttpResponse r = h.handle(request);
        if (r.status() != 200 && !r.isStreaming()) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            UNEXPECTED.merge(r.status() + " " + (body.length() > 120 ? body.substring(0, 120) : body), 1, Integer::sum);
        }
        if (r.isStreaming()) {
            r.stream().writeTo(new BodySink() {
                @Override
                public void write(byte[] bytes, int offset, int length) {
                }

                @Override
                public void flush() {
                }
            });
        }
        r.complete(); // what every transport does after the last byte: settlement, usage record, request log
        return r.status();
    }

    private static void dynamo(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        DynamoCallCounter counter = new DynamoCallCounter();
        RuntimeConfig config = RuntimeConfig.fromEnv(env.env());
        try (DynamoDbClient client = DynamoDbClient.builder().region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(URI.create(env.ddb.dynamoEndpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build()) {
            Gateway gateway = Gateway.builder().config(config).dynamoDb(client).log(BenchEnv.DISCARD).build();
            RequestHandler h = gateway.handlerForAllGroups();
            HttpRequest request = chat();
            int status = serve(h, request);
            Map<String, Long> first = counter.byOperation();
            counter.reset();
            long windowMillis = o.pick(6_000, 12_000);
            long start = System.nanoTime();
            long end = start + windowMillis * 1_000_000L;
            long requests = 0;
            long errors = 0;
            while (System.nanoTime() < end) {
                if (serve(h, request) == 200) {
                    requests++;
                } else {
                    errors++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long calls = counter.total();
            Map<Via, String> cells = new EnumMap<>(Via.class);
            cells.put(Via.GPROXY_DDB, String.format(Locale.ROOT, "%.5f calls/request (%s in %,d requests over %.1f s: %.0f calls/min)",
                    calls / (double) requests, describe(counter.byOperation()), requests, seconds, calls / seconds * 60));
            cells.put(Via.GPROXY_MEM, "0 (no store calls)");
            table.row("cost.dynamo_calls_per_request", new Table.Headline(calls / (double) requests, "", true),
                    Rows.cells("6", "DynamoDB calls per request, steady state", cells, String.format(Locale.ROOT,
                            "first request after start: %s (HTTP %d); after that one consistent read of CFG/VERSION per "
                                    + "%d s per container, whatever the traffic%s", describe(first), status,
                            config.configRefresh().toSeconds(), errors > 0 ? "; " + errors + " non-200: " + UNEXPECTED : "")));
            Map<Via, String> cap = new EnumMap<>(Via.class);
            String note;
            if (calls > 0 && counter.callsWithCapacity() == 0) {
                cap.put(Via.GPROXY_DDB, Cells.na("DynamoDB Local reported no consumed capacity"));
                note = "on AWS each version check is a strongly consistent GetItem of a small item: 1 RCU";
            } else {
                double units = counter.capacityUnits() / requests;
                // nearly all of it is writes (settlement, usage record, rollups); priced as on-demand write units
                cap.put(Via.GPROXY_DDB, String.format(Locale.ROOT, "%.2f capacity units/request (≈ $%.2f per million "
                                + "requests at $%.3f per million write units)", units, units * WRITE_UNIT_USD_PER_MILLION,
                        WRITE_UNIT_USD_PER_MILLION));
                note = "as reported by DynamoDB Local (ReturnConsumedCapacity TOTAL; a transaction item counts twice)";
            }
            cap.put(Via.GPROXY_MEM, "0");
            table.row("cost.capacity_per_request", null, Rows.cells("6", "DynamoDB consumed capacity per request", cap,
                    note + "; the bench user has no quota or rate limit (no reservation): the settlement's transaction and its "
                            + "counter ADDs; BillingEndToEndTest prints a user with one"));
        }
    }

    private static String describe(Map<String, Long> byOp) {
        if (byOp.isEmpty()) {
            return "no calls";
        }
        return byOp.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static void threadCpu(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            table.row(null, null, Rows.cells("6", "handler CPU per request", Map.of(Via.GPROXY_DDB,
                    Cells.na("thread CPU time not supported")), ""));
            return;
        }
        threads.setThreadCpuTimeEnabled(true);
        Map<Via, RequestHandler> handlers = new EnumMap<>(Via.class);
        handlers.put(Via.GPROXY_DDB, env.ddb.gateway().handlerForAllGroups());
        handlers.put(Via.GPROXY_MEM, env.memGateway.handlerForAllGroups());
        Map<Via, LatencyStats.Recorder> cpu = new EnumMap<>(Via.class);
        Map<Via, LatencyStats.Recorder> wall = new EnumMap<>(Via.class);
        handlers.keySet().forEach(v -> {
            cpu.put(v, new LatencyStats.Recorder());
            wall.put(v, new LatencyStats.Recorder());
        });
        HttpRequest request = chat();
        int warmup = o.pick(300, 2000);
        int n = o.pick(600, 4000);
        List<Via> order = new ArrayList<>(handlers.keySet());
        for (int i = 0; i < warmup + n; i++) {
            for (int j = 0; j < order.size(); j++) {
                Via v = order.get((i + j) % order.size());
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                serve(handlers.get(v), request);
                long t1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                if (i >= warmup) {
                    cpu.get(v).add(c1 - c0);
                    wall.get(v).add(t1 - t0);
                }
            }
        }
        Map<Via, String> cells = new EnumMap<>(Via.class);
        Table.Headline headline = null;
        for (Via v : order) {
            LatencyStats c = cpu.get(v).stats();
            LatencyStats w = wall.get(v).stats();
            cells.put(v, String.format(Locale.ROOT, "%.0f µs CPU (p50; mean %.0f µs), wall %.0f µs", c.p50() / 1e3,
                    c.mean() / 1e3, w.p50() / 1e3));
            if (v == Via.GPROXY_DDB) {
                headline = new Table.Headline(c.p50() / 1e3, "", true);
            }
        }
        table.row("cost.handler_cpu_us", headline, Rows.cells("6",
                "handler thread CPU per non-stream request, instant upstream (handler called in process)", cells,
                n + " requests each; the upstream client's selector thread is not in this figure (next row)"));
    }

    private static void processCpu(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            return;
        }
        List<Via> targets = new ArrayList<>(env.chatTargets());
        Map<Via, HttpClient> clients = new EnumMap<>(Via.class);
        for (Via v : List.copyOf(targets)) {
            HttpClient c = BenchEnv.client();
            if (OverheadRow.probe(c, env.chat(v, false)) != null) {
                targets.remove(v);
                continue;
            }
            clients.put(v, c);
        }
        int blocks = o.pick(2, 4);
        int perBlock = o.pick(300, 1000);
        Map<Via, long[]> totals = new EnumMap<>(Via.class); // cpu nanos, requests
        targets.forEach(v -> totals.put(v, new long[2]));
        for (Via v : targets) { // warm-up
            for (int i = 0; i < perBlock; i++) {
                Http.send(clients.get(v), env.chat(v, false));
            }
        }
        var request = new EnumMap<Via, java.net.http.HttpRequest>(Via.class);
        targets.forEach(v -> request.put(v, env.chat(v, false)));
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < targets.size(); j++) {
                Via v = targets.get((b + j) % targets.size());
                long p0 = sun.getProcessCpuTime();
                long n0 = v == Via.PORTKEY ? env.portkey.cpuNanos() : 0;
                int ok = 0;
                for (int i = 0; i < perBlock; i++) {
                    if (Http.send(clients.get(v), request.get(v)) == 200) {
                        ok++;
                    }
                }
                long used = sun.getProcessCpuTime() - p0 + (v == Via.PORTKEY ? env.portkey.cpuNanos() - n0 : 0);
                totals.get(v)[0] += used;
                totals.get(v)[1] += ok;
            }
        }
        Map<Via, String> cells = new EnumMap<>(Via.class);
        Double base = null;
        if (totals.containsKey(Via.DIRECT)) {
            base = totals.get(Via.DIRECT)[0] / (double) totals.get(Via.DIRECT)[1];
        }
        Table.Headline headline = null;
        for (Via v : targets) {
            double per = totals.get(v)[0] / (double) totals.get(v)[1];
            String text = String.format(Locale.ROOT, "%.0f µs", per / 1e3);
            if (base != null && v != Via.DIRECT) {
                text += String.format(Locale.ROOT, " (%+.0f µs)", (per - base) / 1e3);
            }
            cells.put(v, text);
            if (v == Via.GPROXY_DDB && base != null) {
                headline = new Table.Headline((per - base) / 1e3, "", true);
            }
        }
        if (env.portkey == null) {
            cells.put(Via.PORTKEY, Cells.na(env.portkeyUnavailable));
        }
        table.row("cost.process_cpu_delta_us", headline, Rows.cells("6",
                "process CPU per non-stream request over HTTP, 1 connection (Δ vs direct)", cells,
                "client + mock + gateway in one JVM, so Δ is the gateway's share incl. its HTTP server and upstream client; "
                        + "Portkey: node process CPU added (/proc, 10 ms ticks)"));
    }
}
