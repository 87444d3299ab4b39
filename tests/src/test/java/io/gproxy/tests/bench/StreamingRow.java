package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Row 3: time to first byte and to last byte of a 1,000-event stream, same protocol (direct, both gateways,
 * Portkey) and across protocols through the gateway's transform hub, configured by the bench bundle's
 * {@code transform_to} routing rules. A pair whose codec is not built yet answers 501: "n/a (codec missing)".
 * Every stream of every group takes its turn in each round.
 */
final class StreamingRow {
    static final int EVENTS = 1000;

    private StreamingRow() {}

    /** One stream to time: a group (one pair of table rows) and a target. */
    private record Call(Group group, Via via, HttpClient client, HttpRequest request, String terminator,
                        LatencyStats.Recorder first, LatencyStats.Recorder last, int[] errors) {}

    /** A pair of table rows: its name, how the client's stream ends, and the cells it has so far. */
    private record Group(String key, String name, String terminator, Map<Via, String> unavailable, String[] note) {}

    static void run(BenchEnv env, Table table) {
        BenchOptions o = env.options;
        env.streamEvents(EVENTS);
        try {
            List<Group> groups = new ArrayList<>();
            List<Call> calls = new ArrayList<>();
            Group same = group(groups, "chat", "Chat client → OpenAI Chat upstream (same protocol)", "[DONE]");
            for (Via via : env.chatTargets()) {
                add(calls, same, via, env.chat(via, true));
            }
            if (env.portkey == null) {
                same.unavailable.put(Via.PORTKEY, Cells.na(env.portkeyUnavailable));
            }
            Group claude = group(groups, "claude_on_chat", "Claude client → OpenAI Chat upstream", "message_stop");
            add(calls, claude, Via.DIRECT, env.chat(Via.DIRECT, true), "[DONE]");
            add(calls, claude, Via.GPROXY_DDB, env.claudeOnOpenAi(Via.GPROXY_DDB, true));
            add(calls, claude, Via.GPROXY_MEM, env.claudeOnOpenAi(Via.GPROXY_MEM, true));
            Group gemini = group(groups, "chat_on_gemini", "Chat client → Gemini upstream", "[DONE]");
            add(calls, gemini, Via.DIRECT, env.geminiDirect(true), "finishReason");
            add(calls, gemini, Via.GPROXY_DDB, env.chatOnGemini(Via.GPROXY_DDB, true));
            add(calls, gemini, Via.GPROXY_MEM, env.chatOnGemini(Via.GPROXY_MEM, true));

            List<Call> live = new ArrayList<>();
            for (Call c : calls) {
                String problem = probe(c);
                if (problem == null) {
                    live.add(c);
                } else {
                    c.group.unavailable.put(c.via, problem);
                }
            }
            int warmup = o.pick(2, 5);
            int rounds = o.pick(8, 30);
            for (int round = 0; round < warmup + rounds; round++) {
                for (int j = 0; j < live.size(); j++) {
                    Call c = live.get((round + j) % live.size());
                    Http.StreamTiming t = Http.stream(c.client, c.request);
                    if (round < warmup) {
                        continue;
                    }
                    if (t.ok() && t.tail().contains(c.terminator)) {
                        c.first.add(t.firstByteNanos());
                        c.last.add(t.lastByteNanos());
                    } else {
                        c.errors[0]++;
                    }
                }
            }
            for (Group g : groups) {
                emit(table, g, live, "first byte", Call::first, rounds);
                emit(table, g, live, "last byte", Call::last, rounds);
            }
        } finally {
            env.streamEvents(0);
        }
    }

    private static Group group(List<Group> groups, String key, String name, String terminator) {
        Group g = new Group(key, name, terminator, new EnumMap<>(Via.class), new String[] {""});
        groups.add(g);
        return g;
    }

    private static void add(List<Call> calls, Group g, Via via, HttpRequest request) {
        add(calls, g, via, request, g.terminator);
    }

    private static void add(List<Call> calls, Group g, Via via, HttpRequest request, String terminator) {
        calls.add(new Call(g, via, BenchEnv.client(), request, terminator, new LatencyStats.Recorder(),
                new LatencyStats.Recorder(), new int[1]));
    }

    /** Null when the stream works; otherwise the cell text (501 from the pipeline = a codec is missing). */
    private static String probe(Call c) {
        try {
            HttpResponse<String> r = Http.text(c.client, c.request);
            if (r.statusCode() == 501) {
                return Cells.na("codec missing");
            }
            if (r.statusCode() != 200) {
                return Cells.na("HTTP " + r.statusCode());
            }
            if (!r.body().contains(c.terminator)) {
                return Cells.na("stream did not end with " + c.terminator);
            }
            if (c.via == Via.DIRECT) {
                int events = r.body().split("\r?\n\r?\n").length;
                c.group.note[0] = String.format(Locale.ROOT, "upstream sends %,d events, %,d KB", events,
                        r.body().length() / 1024);
            }
            return null;
        } catch (Exception e) {
            return Cells.na(e.getClass().getSimpleName());
        }
    }

    private static void emit(Table table, Group g, List<Call> live, String what,
                             Function<Call, LatencyStats.Recorder> which, int rounds) {
        Map<Via, String> cells = new EnumMap<>(g.unavailable);
        Long base = null;
        for (Call c : live) {
            if (c.group == g && c.via == Via.DIRECT && which.apply(c).size() > 0) {
                base = which.apply(c).stats().p50();
            }
        }
        Table.Headline headline = null;
        StringBuilder errors = new StringBuilder();
        for (Call c : live) {
            if (c.group != g) {
                continue;
            }
            LatencyStats.Recorder rec = which.apply(c);
            if (rec.size() == 0) {
                cells.put(c.via, Cells.na("every stream failed"));
                continue;
            }
            long p50 = rec.stats().p50();
            cells.put(c.via, Cells.latency(p50, c.via == Via.DIRECT ? null : base));
            if (c.via == Via.GPROXY_DDB) {
                headline = new Table.Headline(p50 / 1e6, LatencyStats.ms(p50), true);
            }
            if (c.errors[0] > 0 && what.equals("first byte")) {
                errors.append("; ").append(c.errors[0]).append(" failed via ").append(c.via.label);
            }
        }
        String note = what.equals("first byte") ? rounds + " streams per target" + (g.note[0].isEmpty() ? "" : "; " + g.note[0]) + errors : "";
        table.row("stream." + g.key + "." + (what.equals("first byte") ? "ttfb" : "ttlb") + "_ms", headline,
                Rows.cells("3", g.name + ", " + String.format(Locale.ROOT, "%,d", EVENTS) + " deltas: p50 time to " + what,
                        cells, note));
    }
}
