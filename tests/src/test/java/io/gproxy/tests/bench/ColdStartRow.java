package io.gproxy.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.bench.BenchEnv.Via;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Row 4: cold start, the local stand-in for Lambda init. Each of the eight functions starts in a fresh child JVM on
 * the Lambda zip's classpath with Lambda's JVM flags, pointed at this run's DynamoDB Local and mocks through the
 * environment ({@code LambdaGateway} builds from it), and serves a Function URL event of its own group twice.
 * Reported from the moment the parent launched the process: handler constructed ("ready"), first response
 * ("served"), and the first request's own latency; then the same with priming, i.e. the SnapStart
 * before-checkpoint hooks run between init and the first request, as they would before the snapshot (the restore
 * itself cannot be reproduced outside Lambda, so "primed first request" is the figure SnapStart users see after
 * the restore). Also the package: one zip for every function, its size and its largest jars.
 */
final class ColdStartRow {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A function and the request it serves first. */
    record Probe(String function, String method, String path, String body, String key, String... headers) {
        String simpleName() {
            return function.substring(function.lastIndexOf('.') + 1);
        }
    }

    static final List<Probe> PROBES = List.of(
            new Probe("io.gproxy.functions.GenerateContentFunction", "POST", "/v1/chat/completions",
                    BenchEnv.chatBody("openai/" + BenchBundle.OPENAI_MODEL, false), BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.ModelsFunction", "GET", "/v1/models", null, BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.CountTokensFunction", "POST", "/v1/messages/count_tokens",
                    "{\"model\":\"anthropic/" + BenchBundle.CLAUDE_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    BenchBundle.USER_KEY, "anthropic-version", "2023-06-01"),
            new Probe("io.gproxy.functions.ImagesFunction", "POST", "/v1/images/generations",
                    "{\"model\":\"openai/gpt-image-1\",\"prompt\":\"a lighthouse\"}", BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.EmbeddingsFunction", "POST", "/v1/embeddings",
                    "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hello\"}", BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.CompactFunction", "POST", "/v1/responses/compact",
                    "{\"model\":\"openai/" + BenchBundle.OPENAI_MODEL + "\",\"input\":\"hello\"}", BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.ConversationFunction", "POST", "/v1/conversations",
                    "{\"model\":\"openai/" + BenchBundle.OPENAI_MODEL + "\",\"items\":[]}", BenchBundle.USER_KEY),
            new Probe("io.gproxy.functions.AdminFunction", "GET", "/healthz", null, BenchBundle.ADMIN_KEY));

    private ColdStartRow() {}

    /** Milliseconds of one child run. */
    private record Run(double main, double ready, double served, double firstRequest, double secondRequest,
                       double priming, int status, int status2) {}

    static void run(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        zipRow(table, o.lambdaZip());
        ChildJvm jvm = ChildJvm.prepare(o.lambdaZip(), o.workDir(), ColdStartChild.class);
        Map<String, String> childEnv = childEnv(env);
        int reps = o.pick(1, 3);
        List<Probe> probes = o.quick() ? PROBES.subList(0, 2) : PROBES;
        Path events = o.workDir().resolve("events");
        Files.createDirectories(events);
        Map<String, Path> eventFiles = new HashMap<>();
        for (Probe p : probes) {
            Path f = events.resolve(p.simpleName() + ".json");
            Files.writeString(f, event(p));
            eventFiles.put(p.function(), f);
        }
        Map<String, List<Run>> plain = new LinkedHashMap<>();
        Map<String, List<Run>> primed = new LinkedHashMap<>();
        Map<String, String> failures = new HashMap<>();
        for (int rep = 0; rep < reps; rep++) {
            for (Probe p : probes) {
                for (boolean prime : new boolean[] {rep % 2 == 0, rep % 2 != 0}) {
                    ChildJvm.Result r = jvm.run(List.of(), childEnv, ColdStartChild.class, 120, p.function(),
                            prime ? "prime" : "plain", eventFiles.get(p.function()).toString());
                    if (r.json() == null) {
                        System.err.println("bench: cold-start child JVM output:\n" + r.output());
                        failures.put(p.function(), ChildJvm.reason(r.output()));
                        continue;
                    }
                    (prime ? primed : plain).computeIfAbsent(p.function(), k -> new ArrayList<>()).add(toRun(r));
                }
            }
        }
        for (Probe p : probes) {
            Map<Via, String> cells = new java.util.EnumMap<>(Via.class);
            List<Run> a = plain.get(p.function());
            List<Run> b = primed.get(p.function());
            if (a == null || b == null) {
                cells.put(Via.GPROXY_DDB, Cells.na("child JVM failed: " + failures.getOrDefault(p.function(), "?")));
                table.row(null, null, Rows.cells("4", "cold start " + p.simpleName(), cells, ""));
                continue;
            }
            Run m = median(a);
            Run q = median(b);
            cells.put(Via.GPROXY_DDB, String.format(Locale.ROOT, "ready %.0f · served %.0f (1st request %.0f) · primed 1st request %.0f ms",
                    m.ready, m.served, m.firstRequest, q.firstRequest));
            String note = String.format(Locale.ROOT, "HTTP %d; JVM launch → main %.0f ms; priming %.0f ms; 2nd request %.1f ms%s",
                    m.status, m.main, q.priming, m.secondRequest, reps > 1 ? "; median of " + reps : "");
            table.row("coldstart." + p.simpleName() + ".served_ms", new Table.Headline(m.served, "", true),
                    Rows.cells("4", "cold start " + p.simpleName() + ": JVM launch → handler ready, → first response", cells, note));
        }
    }

    static Map<String, String> childEnv(BenchEnv env) {
        Map<String, String> e = new HashMap<>(env.env());
        e.put("GPROXY_DYNAMODB_ENDPOINT", env.ddb.dynamoEndpoint());
        e.put("AWS_REGION", "us-east-1");
        return e;
    }

    private static Run toRun(ChildJvm.Result r) {
        JsonNode j = r.json();
        long launched = r.launched();
        return new Run(ms(j.get("main").asLong() - launched), ms(j.get("ready").asLong() - launched), ms(j.get("first").asLong() - launched),
                ms(j.get("first").asLong() - j.get("primed").asLong()), ms(j.get("second").asLong() - j.get("first").asLong()),
                ms(j.get("primed").asLong() - j.get("ready").asLong()), j.get("status").asInt(), j.get("status2").asInt());
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::served));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A Function URL event (payload format 2.0) for the probe. */
    static String event(Probe p) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0").put("routeKey", "$default").put("rawPath", p.path()).put("rawQueryString", "");
        ObjectNode headers = e.putObject("headers");
        headers.put("authorization", "Bearer " + p.key()).put("content-type", "application/json").put("user-agent", "gproxy-bench");
        for (int i = 0; i < p.headers().length; i += 2) {
            headers.put(p.headers()[i], p.headers()[i + 1]);
        }
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "123456789012").put("apiId", "bench").put("requestId", "bench").put("routeKey", "$default")
                .put("stage", "$default").put("timeEpoch", System.currentTimeMillis());
        ctx.putObject("http").put("method", p.method()).put("path", p.path()).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "gproxy-bench");
        if (p.body() == null) {
            e.putNull("body");
            e.put("isBase64Encoded", false);
        } else {
            e.put("body", Base64.getEncoder().encodeToString(p.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            e.put("isBase64Encoded", true);
        }
        return e.toString();
    }

    /** The package row: one zip for every function. */
    static void zipRow(Table table, Path zip) throws Exception {
        if (!Files.exists(zip)) {
            table.row(null, null, Rows.cells("4", "Lambda package (one zip, all 8 functions)",
                    Map.of(Via.GPROXY_DDB, Cells.na("no zip at " + zip)), ""));
            return;
        }
        List<ZipEntry> jars = new ArrayList<>();
        int files = 0;
        long unpacked = 0;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (var it = z.entries(); it.hasMoreElements(); ) {
                ZipEntry e = it.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                files++;
                unpacked += e.getSize();
                if (e.getName().endsWith(".jar")) {
                    jars.add(e);
                }
            }
        }
        jars.sort(Comparator.comparingLong(ZipEntry::getSize).reversed());
        StringBuilder largest = new StringBuilder("largest: ");
        for (int i = 0; i < Math.min(5, jars.size()); i++) {
            String name = jars.get(i).getName();
            name = name.substring(name.lastIndexOf('/') + 1).replaceFirst("-[0-9][0-9.]*(-SNAPSHOT)?\\.jar$", "");
            largest.append(i == 0 ? "" : ", ").append(name).append(' ').append(Cells.mb(jars.get(i).getSize()));
        }
        long size = Files.size(zip);
        table.row("package.zip_mb", new Table.Headline(size / 1048576.0, Cells.mb(size), true),
                Rows.cells("4", "Lambda package (one zip, all 8 functions): size", Map.of(Via.GPROXY_DDB,
                        Cells.mb(size) + " zipped, " + Cells.mb(unpacked) + " unpacked, " + jars.size() + " jars"),
                        largest.toString()));
    }
}
