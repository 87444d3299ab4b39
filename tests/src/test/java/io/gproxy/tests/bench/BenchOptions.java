package io.gproxy.tests.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command line of {@code ./gproxy bench}.
 *
 * @param quick       about one minute: fewer samples, shorter rows, one cold start per function kind
 * @param soak        the load soak (issue 10) instead of the table
 * @param soakSeconds how long the soak runs
 * @param record      append the results to docs/benchmarks.md (default: full runs yes, quick runs no)
 * @param portkey     measure the Portkey peer (installs it from npm on first use)
 * @param only        row names to run (empty: all)
 * @param root        the repository root
 */
public record BenchOptions(boolean quick, boolean soak, int soakSeconds, boolean record, boolean portkey,
                           Set<String> only, Path root) {

    public static final List<String> ROWS = List.of("overhead", "throughput", "streaming", "transcoder", "coldstart",
            "memory", "cost");

    public static String usage() {
        return """
                usage: ./gproxy bench [--quick] [--soak [--seconds N]] [--record | --no-record] [--no-portkey] [--only ROW,...]
                  --quick       a ~1 minute run with fewer samples (not recorded unless --record)
                  --soak        30 s of mixed streaming and non-streaming traffic at 32 connections (issue 10)
                  --seconds N   soak duration (default 30)
                  --record      append the results to docs/benchmarks.md (default for full runs)
                  --no-record   do not touch docs/benchmarks.md
                  --no-portkey  skip the Portkey peer
                  --only ROWS   comma-separated subset of: """ + String.join(",", ROWS);
    }

    public static BenchOptions parse(String[] args, Path root) {
        boolean quick = false;
        boolean soak = false;
        int seconds = 30;
        Boolean record = null;
        boolean portkey = true;
        Set<String> only = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--soak" -> soak = true;
                case "--seconds" -> seconds = Integer.parseInt(value(args, ++i, a));
                case "--record" -> record = true;
                case "--no-record" -> record = false;
                case "--no-portkey" -> portkey = false;
                case "--only" -> {
                    for (String row : value(args, ++i, a).split(",")) {
                        if (!ROWS.contains(row.trim())) {
                            throw new IllegalArgumentException("unknown row '" + row + "'\n" + usage());
                        }
                        only.add(row.trim());
                    }
                }
                case "-h", "--help" -> throw new IllegalArgumentException(usage());
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        if (seconds <= 0) {
            throw new IllegalArgumentException("--seconds must be positive");
        }
        boolean rec = record != null ? record : !quick && !soak && only.isEmpty();
        return new BenchOptions(quick, soak, seconds, rec, portkey, Set.copyOf(only), root);
    }

    public boolean runs(String row) {
        return only.isEmpty() || only.contains(row);
    }

    /** Scratch space: tests/target/bench. */
    public Path workDir() {
        return root.resolve("tests/target/bench");
    }

    public Path docsFile() {
        return root.resolve("docs/benchmarks.md");
    }

    public Path lambdaZip() {
        return root.resolve("functions/target/gproxy-lambda.zip");
    }

    /** Picks the quick or the full value. */
    public int pick(int quickValue, int fullValue) {
        return quick ? quickValue : fullValue;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + usage());
        }
        return args[i];
    }
}
