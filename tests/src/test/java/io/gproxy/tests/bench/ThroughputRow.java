package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Row 2: requests per second with 32 connections each sending the next non-stream Chat request as soon as the last
 * one answered. Targets run one at a time (running them together would make them compete for the same cores) in
 * short slices that take turns, so a burst of outside load is spread over all of them.
 */
final class ThroughputRow {
    static final int CONNECTIONS = 32;

    private ThroughputRow() {}

    /** Requests answered and failed, time spent, and latencies of one target. */
    static final class Tally {
        long ok;
        long errors;
        long nanos;
        final LatencyStats.Recorder latency = new LatencyStats.Recorder();
    }

    static void run(BenchEnv env, Table table) throws Exception {
        BenchOptions o = env.options;
        Map<Via, String> cells = new EnumMap<>(Via.class);
        List<Via> targets = new ArrayList<>();
        Map<Via, HttpClient> clients = new EnumMap<>(Via.class);
        for (Via via : env.chatTargets()) {
            HttpClient client = BenchEnv.client();
            String problem = OverheadRow.probe(client, env.chat(via, false));
            if (problem != null) {
                cells.put(via, Cells.na(problem));
                continue;
            }
            targets.add(via);
            clients.put(via, client);
        }
        if (env.portkey == null) {
            cells.put(Via.PORTKEY, Cells.na(env.portkeyUnavailable));
        }
        long warmMillis = o.pick(1000, 2000);
        long sliceMillis = o.pick(1500, 2500);
        int rounds = o.pick(1, 3);
        Map<Via, Tally> tallies = new EnumMap<>(Via.class);
        for (Via via : targets) {
            slice(clients.get(via), env.chat(via, false), warmMillis, new Tally());
            tallies.put(via, new Tally());
        }
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < targets.size(); j++) {
                Via via = targets.get((r + j) % targets.size());
                slice(clients.get(via), env.chat(via, false), sliceMillis, tallies.get(via));
            }
        }
        Tally direct = tallies.get(Via.DIRECT);
        Double base = direct == null ? null : direct.ok / (direct.nanos / 1e9);
        Table.Headline headline = null;
        Map<Via, Integer> errors = new EnumMap<>(Via.class);
        for (Via via : targets) {
            Tally t = tallies.get(via);
            double rps = t.ok / (t.nanos / 1e9);
            LatencyStats lat = t.latency.stats();
            cells.put(via, Cells.rate(rps, via == Via.DIRECT ? null : base, "/s") + ", p99 " + LatencyStats.ms(lat.p99()));
            errors.put(via, (int) t.errors);
            if (via == Via.GPROXY_DDB) {
                headline = new Table.Headline(rps, Cells.rate(rps, null, "/s"), false);
            }
        }
        table.row("throughput.ddb_rps", headline, Rows.cells("2", "non-stream Chat, " + CONNECTIONS
                        + " connections: requests/s (vs direct), p99 latency", cells,
                rounds + "×" + (sliceMillis / 1000.0) + " s per target; client, mock and gateway share the cores"
                        + OverheadRow.errorNote(errors)));
    }

    /** {@link #CONNECTIONS} senders for {@code millis}; adds to the tally. */
    static void slice(HttpClient client, HttpRequest request, long millis, Tally tally) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<LatencyStats.Recorder> recorders = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000L;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                LatencyStats.Recorder rec = new LatencyStats.Recorder();
                recorders.add(rec);
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        int status = Http.send(client, request);
                        if (status == 200) {
                            ok.incrementAndGet();
                            rec.add(System.nanoTime() - t0);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        tally.nanos += System.nanoTime() - start;
        tally.ok += ok.get();
        tally.errors += errors.get();
        recorders.forEach(tally.latency::merge);
    }
}
