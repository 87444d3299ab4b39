package io.gproxy.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Options of {@code gproxy local} (DESIGN §7). Flags win over environment variables, which win over defaults.
 *
 * @param port       0 picks a free port
 * @param importFile bundle to import at start, or null
 */
public record LocalOptions(String host, int port, Path dataDir, boolean inMemory, Path importFile) {

    public static LocalOptions parse(String[] args, Map<String, String> env) {
        String host = env.getOrDefault("GPROXY_HOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("GPROXY_PORT", "8787"));
        Path dataDir = Path.of(env.getOrDefault("GPROXY_DATA_DIR", "./data"));
        boolean inMemory = false;
        Path importFile = env.get("GPROXY_IMPORT_FILE") == null ? null : Path.of(env.get("GPROXY_IMPORT_FILE"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                case "--host" -> host = value(args, ++i, a);
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
                case "--in-memory" -> inMemory = true;
                case "--import" -> importFile = Path.of(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        return new LocalOptions(host, port, dataDir, inMemory, importFile);
    }

    public static String usage() {
        return "usage: gproxy local [--port 8787] [--host 127.0.0.1] [--data-dir ./data] [--in-memory] [--import FILE]";
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + usage());
        }
        return args[i];
    }
}
