package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./gproxy bench}: every figure of issue 9 in one run and ONE table, each measured side by side with its
 * baseline (direct to the mock, the other store, the Portkey peer) in the same run, so that machine noise falls on
 * both. {@code --soak} runs the load soak of issue 10 instead. See docs/benchmarks.md.
 */
public final class BenchMain {
    private BenchMain() {}

    /** One row of the table. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("gproxy.root", ".")).toAbsolutePath().normalize();
        BenchOptions o;
        try {
            o = BenchOptions.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String command = "./gproxy bench" + (args.length == 0 ? "" : " " + String.join(" ", args));
        Machine machine = Machine.describe();
        double loadBefore = Machine.loadAverage();
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        System.err.println("bench: " + machine.summary());
        System.err.printf(Locale.ROOT, "bench: load average %.2f at start%n", loadBefore);
        Files.createDirectories(o.workDir());
        if (o.soak()) {
            int code = SoakRun.run(o, machine, command, date);
            System.exit(code);
            return;
        }

        long started = System.nanoTime();
        Table table = new Table(Rows.HEADER);
        boolean peerRows = o.runs("overhead") || o.runs("throughput") || o.runs("streaming") || o.runs("cost");
        String portkeyNote;
        try (BenchEnv env = BenchEnv.start(o, o.portkey() && peerRows)) {
            portkeyNote = env.portkey != null
                    ? "Portkey: @portkey-ai/gateway " + env.portkey.version() + " on node, with @hono/node-server "
                    + PortkeyPeer.HONO_NODE_SERVER + " pinned by npm overrides (1.19.x fails every stream with HTTP 500, "
                    + "Portkey #1389/#1550); started with --headless, routed with x-portkey-provider: openai and "
                    + "x-portkey-custom-host pointing at the mock; it binds every interface, traffic stays on loopback."
                    : "Portkey: " + env.portkeyUnavailable + ".";
            step(o, table, "overhead", () -> OverheadRow.run(env, table));
            step(o, table, "overhead", () -> ProfileRow.run(env, table));
            step(o, table, "throughput", () -> ThroughputRow.run(env, table));
            step(o, table, "streaming", () -> StreamingRow.run(env, table));
            step(o, table, "transcoder", () -> TranscoderRow.run(env, table));
            step(o, table, "coldstart", () -> ColdStartRow.run(env, table));
            step(o, table, "memory", () -> MemoryRow.run(env, table));
            step(o, table, "cost", () -> CostRow.run(env, table));
        }
        double loadAfter = Machine.loadAverage();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        table.footnote("Δ: the figure minus the direct one measured in the same run (targets interleaved request by request, "
                + "or slice by slice for throughput). All load comes from one java.net.http client (HTTP/1.1) for every "
                + "target; mocks answer at once, on loopback; client, mocks, gateways and Portkey share the same "
                + machine.cpus() + " cores.");
        table.footnote("In the gateway's figures: usage metering into the request log (passthrough streams are decoded on "
                + "the side for it) and billing admission/settlement. The bench bundle sets no quota or rate limit, so admission "
                + "makes no DynamoDB call, but every request settles (usage record, rollups) after its last byte; what a "
                + "quota adds (the reservation transaction, budget counters) is printed by BillingEndToEndTest. In the "
                + "DynamoDB column the in-process DynamoDB Local's own CPU is part of the CPU figures.");
        table.footnote("Cold start: fresh JVM per run with Lambda's flags (" + String.join(" ", ChildJvm.LAMBDA_FLAGS)
                + ") on the unpacked Lambda zip; \"primed\" = SnapStart's before-checkpoint hooks ran before the first "
                + "request (the snapshot restore itself exists only on Lambda).");
        table.footnote(portkeyNote);
        String mode = o.quick() ? "quick" : "full";
        ResultsFile.Previous previous = ResultsFile.previous(o.docsFile(), mode);
        String rendered = previous == null ? table.render()
                : table.render(previous.values(), "previous run (" + previous.date() + "), gproxy figure");
        String header = String.format(Locale.ROOT, "## %s — %s run%n%nMachine: %s; load average %.2f at start, %.2f at end.%n"
                        + "Command: `%s` (%d s).%n%s%n", date, mode, machine.summary(), loadBefore, loadAfter, command,
                seconds, previous == null ? "First recorded " + mode + " run: nothing to compare with yet."
                        : "Compared with the previous " + mode + " run (" + previous.date()
                        + "): last column, that run's headline figure and the change.");
        String section = header + "\n" + rendered + "\n" + ResultsFile.dataComment(date, mode, table.headlines()) + "\n";

        System.out.println();
        System.out.println(section);
        Files.writeString(o.workDir().resolve("last-run.md"), section);
        if (o.record()) {
            ResultsFile.append(o.docsFile(), section);
            System.err.println("bench: results appended to " + o.docsFile());
        } else {
            System.err.println("bench: results in " + o.workDir().resolve("last-run.md") + " (not recorded; --record appends to "
                    + root.relativize(o.docsFile()) + ")");
        }
        System.exit(0); // DynamoDB Local leaves non-daemon threads behind
    }

    private static void step(BenchOptions o, Table table, String name, Step step) {
        if (!o.runs(name)) {
            return;
        }
        long t0 = System.nanoTime();
        System.err.printf(Locale.ROOT, "bench: %s...%n", name);
        try {
            step.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            table.row(null, null, Rows.cells("", name, Map.of(Via.GPROXY_DDB, Cells.na(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()))), "row failed; see the error output"));
        }
        System.err.printf(Locale.ROOT, "bench: %s done in %.1f s (load %.2f)%n", name, (System.nanoTime() - t0) / 1e9,
                Machine.loadAverage());
    }
}
