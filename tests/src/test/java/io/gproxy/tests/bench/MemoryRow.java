package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row 5: a 20,000-event stream through the GenerateContent handler in a child JVM capped at {@code -Xmx128m}
 * (Lambda's flags otherwise), once passed through and once converted (Chat client on the Gemini upstream): it
 * must finish without OutOfMemoryError, and the peak heap shows whether anything grows with the stream's length.
 */
final class MemoryRow {
    static final int EVENTS = 20_000;

    private MemoryRow() {}

    static void run(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        ChildJvm jvm = ChildJvm.prepare(o.lambdaZip(), o.workDir(), MemoryChild.class);
        Map<String, String> childEnv = ColdStartRow.childEnv(env);
        Path dir = o.workDir().resolve("events");
        Files.createDirectories(dir);
        record Case(String key, String name, String model) {}
        List<Case> cases = List.of(
                new Case("passthrough", "Chat stream passed through", "openai/" + BenchBundle.OPENAI_MODEL),
                new Case("chat_on_gemini", "Chat client on the Gemini upstream (converted)", "gemini/" + BenchBundle.GEMINI_MODEL));
        env.streamEvents(EVENTS);
        try {
            for (Case c : cases) {
                Path body = dir.resolve("memory-" + c.key + ".json");
                Files.writeString(body, BenchEnv.chatBody(c.model, true));
                ChildJvm.Result r = jvm.run(List.of("-Xmx128m"), childEnv, MemoryChild.class, 300,
                        "io.gproxy.functions.GenerateContentFunction", "/v1/chat/completions", body.toString(),
                        BenchBundle.USER_KEY);
                Map<Via, String> cells = new EnumMap<>(Via.class);
                Table.Headline headline = null;
                String note = "";
                if (r.json() == null) {
                    System.err.println("bench: memory child JVM output:\n" + r.output());
                    cells.put(Via.GPROXY_DDB, Cells.na("child JVM failed: " + ChildJvm.reason(r.output())));
                } else {
                    var j = r.json();
                    String outcome = j.get("outcome").asText();
                    long peak = j.get("peakHeap").asLong();
                    long live = j.get("maxAfterGc").asLong();
                    if (outcome.equals("ok") && j.get("status").asInt() == 200) {
                        cells.put(Via.GPROXY_DDB, String.format(Locale.ROOT, "no OOM; peak heap %s, max after GC %s",
                                Cells.mb(peak), Cells.mb(live)));
                        headline = new Table.Headline(live / 1048576.0, Cells.mb(live), true);
                    } else {
                        cells.put(Via.GPROXY_DDB, Cells.na(outcome + ", HTTP " + j.get("status").asInt()));
                    }
                    note = String.format(Locale.ROOT, "%,d flushes, %s streamed in %.1f s; %d GCs; heap before %s, cap %s",
                            j.get("flushes").asLong(), Cells.mb(j.get("bytes").asLong()), j.get("nanos").asLong() / 1e9,
                            j.get("collections").asLong(), Cells.mb(j.get("baselineHeap").asLong()),
                            Cells.mb(j.get("maxHeap").asLong()));
                }
                table.row("memory." + c.key + ".max_after_gc_mb", headline, Rows.cells("5",
                        String.format(Locale.ROOT, "%,d-delta stream, -Xmx128m, %s", EVENTS, c.name), cells, note));
            }
        } finally {
            env.streamEvents(0);
        }
    }
}
