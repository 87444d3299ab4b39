package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Row 1: what the gateway adds to one non-stream Chat Completions call on one connection, against a mock that
 * answers at once. The targets take turns request by request (the starting target rotates every round), so
 * whatever else the machine does falls on all of them alike.
 */
final class OverheadRow {
    private OverheadRow() {}

    static void run(BenchEnv env, Table table) {
        BenchOptions o = env.options;
        Map<Via, String> unavailable = new EnumMap<>(Via.class);
        List<Via> targets = new ArrayList<>();
        Map<Via, HttpClient> clients = new EnumMap<>(Via.class);
        Map<Via, HttpRequest> requests = new EnumMap<>(Via.class);
        for (Via via : env.chatTargets()) {
            HttpClient client = BenchEnv.client();
            HttpRequest request = env.chat(via, false);
            String problem = probe(client, request);
            if (problem != null) {
                unavailable.put(via, Cells.na(problem));
                continue;
            }
            targets.add(via);
            clients.put(via, client);
            requests.put(via, request);
        }
        if (env.portkey == null) {
            unavailable.put(Via.PORTKEY, Cells.na(env.portkeyUnavailable));
        }
        int warmup = o.pick(300, 3000);
        int rounds = o.pick(1000, 6000);
        Map<Via, LatencyStats.Recorder> samples = new EnumMap<>(Via.class);
        Map<Via, Integer> errors = new EnumMap<>(Via.class);
        targets.forEach(v -> {
            samples.put(v, new LatencyStats.Recorder());
            errors.put(v, 0);
        });
        int k = targets.size();
        for (int round = 0; round < warmup + rounds; round++) {
            for (int j = 0; j < k; j++) {
                Via via = targets.get((round + j) % k);
                long t0 = System.nanoTime();
                int status = Http.send(clients.get(via), requests.get(via));
                long took = System.nanoTime() - t0;
                if (round >= warmup) {
                    if (status == 200) {
                        samples.get(via).add(took);
                    } else {
                        errors.merge(via, 1, Integer::sum);
                    }
                }
            }
        }
        Map<Via, LatencyStats> stats = new EnumMap<>(Via.class);
        samples.forEach((v, r) -> stats.put(v, r.stats()));
        String errorNote = errorNote(errors);
        for (String which : List.of("p50", "p99")) {
            Map<Via, String> cells = new EnumMap<>(Via.class);
            cells.putAll(unavailable);
            LatencyStats direct = stats.get(Via.DIRECT);
            Long base = direct == null ? null : pick(direct, which);
            Table.Headline headline = null;
            for (Via v : targets) {
                long value = pick(stats.get(v), which);
                cells.put(v, Cells.latency(value, v == Via.DIRECT ? null : base));
                if (v == Via.GPROXY_DDB && base != null) {
                    headline = new Table.Headline((value - base) / 1e6, LatencyStats.deltaMs(value - base), true);
                }
            }
            table.row("overhead." + which + ".ddb_delta_ms", headline, Rows.cells("1",
                    "non-stream Chat, 1 connection, " + which + " latency (Δ vs direct)", cells,
                    which.equals("p50") ? rounds + " requests per target, interleaved" + errorNote : ""));
        }
    }

    private static long pick(LatencyStats s, String which) {
        return which.equals("p50") ? s.p50() : s.p99();
    }

    /** Null when the target answers a 200 with a Chat completion, else what is wrong. */
    static String probe(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> r = Http.text(client, request);
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode();
            }
            if (!r.body().contains("chat.completion")) {
                return "unexpected body";
            }
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static String errorNote(Map<Via, Integer> errors) {
        StringBuilder sb = new StringBuilder();
        errors.forEach((v, n) -> {
            if (n > 0) {
                sb.append("; ").append(n).append(" errors via ").append(v.label);
            }
        });
        return sb.toString();
    }
}
